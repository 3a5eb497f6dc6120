"""Smoke test of the report bundle benchmark at a small size: it runs, checks its bundle
and writes its report. No timing assertions: timing belongs in the benchmark. LibreOffice
really converts the bundle's DOCX, which keeps it slow (marked `slow`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dti.reports.pdf import convert_to_pdf
from tests.core.reports import require

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    # Loaded by path: tests/bench is itself a package named "bench" under pytest.
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # bench_reports imports bench_engine by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_bundle_benchmark_runs_and_writes_its_report(tmp_path, monkeypatch):
    require("soffice")
    _load("bench_engine")
    bench = _load("bench_reports")
    # To time them, the benchmark converts each DOCX twice (in the bundle, then alone as the
    # floor). Nothing here is timed: LibreOffice converts each distinct DOCX once.
    converted: dict[bytes, bytes] = {}

    def convert_each_once(docx: bytes) -> bytes:
        if docx not in converted:
            converted[docx] = convert_to_pdf(docx)
        return converted[docx]

    monkeypatch.setattr(bench, "convert_to_pdf", convert_each_once)
    out = tmp_path / "performance-reports.md"
    assert bench.main(["--units", "8", "--leaves", "24", "--runs", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")  # exit 0: the bundle passed its checks
    assert "**Verdict:** the bundle takes" in text
    assert "| PDF (LibreOffice) |" in text
    assert converted and all(pdf.startswith(b"%PDF-") for pdf in converted.values())
