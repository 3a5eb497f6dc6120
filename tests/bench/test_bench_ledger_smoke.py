"""Smoke test of the audit trail's benchmark at a small size, in its own process (it sets up
the portal on a database of its own): it runs, checks the chain it wrote, and writes its
report. No timing assertions: timing belongs in the benchmark. Starting the portal and
migrating its database in a new process keeps it slow (marked `slow`); the number of
entries hardly matters."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_the_ledger_benchmark_runs_and_writes_its_report(tmp_path):
    out = tmp_path / "performance-ledger.md"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "bench_ledger.py"),
            "--entries",
            "300",
            "--runs",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    report = out.read_text(encoding="utf-8")
    assert "300 entries checked in" in report
    assert "| `audit_log_verify()` |" in report and "| floor (raw SELECT + SHA-256) |" in report
    assert "| CSV, first piece |" in report and "| XLSX, whole file |" in report
