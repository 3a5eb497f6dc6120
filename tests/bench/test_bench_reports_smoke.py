"""Smoke test of the report benchmark at a small size: it runs each step in a process of its
own, checks the files, writes every section of its report, and writes a LibreOffice that
runs out of time as a figure, not a crash. Its sanity checks are tested to catch a unit
missing or repeated. No timing assertions: timing belongs in the benchmark."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dti.reports.data import build_report
from dti.reports.docx import render_docx
from dti.reports.xlsx import render_xlsx
from tests.core.reports import require

BENCH = Path(__file__).resolve().parents[2] / "bench"
SECTIONS = (
    "# Report performance at commune scale",
    "**Verdict:**",
    "## Targets",
    "## What is measured",
    "## Machine",
    "## Results",
    "## Sanity checks",
    "Reproduce: `make bench`",
)


def _load(name: str) -> ModuleType:
    # Loaded by path: tests/bench is itself a package named "bench" under pytest.
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # the benchmark's modules import each other by name
    spec.loader.exec_module(module)
    return module


bench = _load("bench_reports")
checks = sys.modules["report_checks"]
steps = sys.modules["report_steps"]


@pytest.mark.slow
def test_the_benchmark_measures_each_step_checks_the_files_and_writes_its_report(tmp_path):
    require("soffice")
    require("pdftotext")
    out = tmp_path / "performance-reports.md"
    assert bench.main(["--sizes", "12", "--runs", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")  # exit 0: every step ran and every check held
    for section in SECTIONS:
        assert section in text
    assert "### 12 units" in text
    for held in (
        "the DOCX's general ranking names every unit once",
        "the XLSX's general sheet names every unit once",
        "LibreOffice's PDF's appendices name every unit once per ranking table",
    ):
        assert f"- 12 units: {held}" in text
    assert "| DOCX of 3,300 units ≤ 10 s | not measured (3,300 not run) | — |" in text
    direct = steps.direct_pdf_available()
    assert ("| PDF, direct (`direct_pdf.render_pdf`) | not available |" in text) == (not direct)


@pytest.mark.slow
def test_a_libreoffice_out_of_time_is_written_as_a_figure_and_skipping_it_works(tmp_path):
    require("soffice")
    out = tmp_path / "performance-reports.md"
    args = ["--sizes", "10", "--runs", "1", "--out", str(out), "--floor-timeout", "0.2"]
    assert bench.main(args) == 0
    assert "| floor: LibreOffice converting that DOCX | > 0.2 s | — | 1 |" in out.read_text()
    assert bench.main(["--sizes", "10", "--runs", "1", "--no-floor", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| floor: LibreOffice converting that DOCX | not measured | — | 0 |" in text
    assert "not run (`--no-floor`)" in text


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A level of 120 units (so 'Xã Phước Sơn 1' and 'Xã Phước Sơn 106' both exist), its
    report, DOCX and XLSX, made in this process."""
    campaign, result = steps.synthetic_level(120, 24)
    report = build_report(campaign, {steps.LEVEL: result})
    folder = tmp_path_factory.mktemp("bundle")
    (folder / "report.docx").write_bytes(render_docx(report, charts=False))
    (folder / "report.xlsx").write_bytes(render_xlsx(report))
    return report, folder


def test_the_checks_pass_on_the_files_as_rendered(small):
    report, folder = small
    names = checks.general_names(report)
    assert {"Xã Phước Sơn 1", "Xã Phước Sơn 106"} <= set(names)
    assert checks.check_docx(folder / "report.docx", names) == []
    assert checks.check_xlsx(folder / "report.xlsx", names) == []


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_checks_catch_a_unit_missing_or_one_too_many(small, kind):
    report, folder = small
    names = checks.general_names(report)
    check = {"docx": checks.check_docx, "xlsx": checks.check_xlsx}[kind]
    assert check(folder / f"report.{kind}", [*names, "Xã Đập Đá 999"]) == [
        f"the {'DOCX' if kind == 'docx' else 'XLSX'}'s general"
        f" {'ranking' if kind == 'docx' else 'sheet'} misses 1 units (e.g. 'Xã Đập Đá 999')"
    ]
    failures = check(folder / f"report.{kind}", names[1:])
    assert len(failures) == 1 and "has unknown rows 1 units" in failures[0]


def test_the_pdf_check_counts_whole_names_once_per_ranking_table(small, monkeypatch):
    report, _ = small
    counts = checks.ranking_counts(report)
    assert counts["Xã Phước Sơn 1"] == 1 + 1 + 8  # general, its peer group, each main index
    rows = "\n".join(name for name, count in counts.items() for _ in range(count))
    narrative = "Nhóm đạt mức Tốt: Xã Phước Sơn 1, Xã Phước Sơn 106.\n"
    text = f"{narrative}PHỤ LỤC I\n{rows}\n"
    monkeypatch.setattr(checks, "pdf_text", lambda pdf: text)
    assert checks.check_pdf("the PDF", Path("x.pdf"), counts) == []
    broken = text.replace("Xã Phước Sơn 106\n", "Xã Phước\nSơn 106\n", 1)  # still whole
    monkeypatch.setattr(checks, "pdf_text", lambda pdf: broken)
    assert checks.check_pdf("the PDF", Path("x.pdf"), counts) == []
    missing = text.replace("\nXã Phước Sơn 106\n", "\n", 1)
    monkeypatch.setattr(checks, "pdf_text", lambda pdf: missing)
    assert checks.check_pdf("the PDF", Path("x.pdf"), counts) == [
        "the PDF: 1 units not named once per ranking table"
        " (e.g. 'Xã Phước Sơn 106': 9 times, 10 expected)"
    ]
    monkeypatch.setattr(checks, "pdf_text", lambda pdf: rows)
    assert checks.check_pdf("the PDF", Path("x.pdf"), counts) == [
        "the PDF has no appendix heading 'PHỤ LỤC I'"
    ]
