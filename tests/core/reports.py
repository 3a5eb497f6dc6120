"""The seeds' reports, built once per test session from the campaign files and the
published general tables (dti.reports.sources), and the seed narrative's text."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest

from dti.campaign import Campaign, load_campaign
from dti.reports.data import build_report
from dti.reports.model import Report
from dti.reports.sources import results_from_tables
from dti.results import LevelResult
from tests.conftest import REPO, TABLES
from tests.core.seeds import BINHDINH, BINHPHUOC

SEEDS = REPO.parent / "shared" / "reference" / "seeds"
BINHPHUOC_TEXT = SEEDS / "000_a4d3f0869875103f.txt"
DIRECTORIES = {BINHPHUOC: "binhphuoc-2024", BINHDINH: "binhdinh-2023"}


@cache
def campaign(path: Path) -> Campaign:
    return load_campaign(path)


@cache
def results(path: Path) -> dict[str, LevelResult]:
    return results_from_tables(campaign(path), TABLES / DIRECTORIES[path])


@cache
def report(path: Path) -> Report:
    return build_report(campaign(path), results(path))


def narrative_items(start: str, stop: str) -> list[str]:
    """The "- …" items of the Bình Phước narrative between two markers, each joined back
    into one line (the extraction breaks some of them across lines)."""
    text = BINHPHUOC_TEXT.read_text(encoding="utf-8")
    section = text[text.index(start) : text.index(stop, text.index(start))]
    items: list[str] = []
    for line in (line.strip() for line in section.splitlines()):
        if line.startswith("- "):
            items.append(line[2:])
        elif line and items and not line.startswith(("(", "*")):
            items[-1] += " " + line
    return items


CLASS_ITEM = re.compile(r"^Nhóm đạt mức (.+?) (?:có )?(\d{2}) đơn vị(?: gồm)?: (.+?)\.?$")


def printed_classes(start: str, stop: str) -> dict[str, tuple[str, list[str]]]:
    """Class -> (count as printed, names as printed) from "Nhóm đạt mức Tốt 05 đơn vị: …"."""
    classes = {}
    for item in narrative_items(start, stop):
        match = CLASS_ITEM.match(item)
        if match:
            label, count, names = match.groups()
            classes[label] = (count, re.split(r"\s*[,;]\s*", names))
    return classes


def require(tool: str) -> str:
    """A system tool the report tests need; missing, the test fails (never skips)."""
    found = shutil.which(tool)
    if found is None:
        pytest.fail(
            f"`{tool}` is not installed: `make test` installs the Debian packages "
            "libreoffice-writer-nogui and poppler-utils (Makefile, SYSTEM_PACKAGES)."
        )
    return found
