"""The load benchmark at a tiny size, in a process of its own (database, gunicorn, the task
worker, locust's users, the surge): every journey answered as a browser expects, every
acknowledged save in the database, the appraisers' sheets stored, the trail verified, and
the servers' peak memory read. No timing assertions: timing belongs in the benchmark."""

from __future__ import annotations

import re

import pytest

from tests.bench.test_bench_public_smoke import bench_run

pytestmark = pytest.mark.slow  # a migrated database, a server, locust and a surge


def test_the_load_benchmark_runs_every_journey_and_writes_its_report(tmp_path):
    # Exit 0: no failed request, no lost write, the scores stored, the trail intact.
    report = bench_run(
        "bench_load.py",
        tmp_path,
        *("--users", "12", "--minutes", "0.25", "--units", "4", "--appraisers", "2"),
        *("--public-units", "30", "--saves", "8", "--workers", "2"),
    )
    assert "# Load: the real journeys, then a deadline surge (sqlite)" in report
    assert "- Errors: 0 (0 met); problems afterwards: 0 (0 met)." in report
    for journey in ("reporter: save", "reporter: form", "appraiser: save", "floor: /healthz"):
        found = re.search(rf"^\| {re.escape(journey)} \| (\d+) \|", report, re.MULTILINE)
        assert found is not None and int(found[1]) > 0, journey
    assert "| saves of 80 answers | 8 |" in report
    assert re.search(r"^\| gunicorn worker 2 \| \d+ \|$", report, re.MULTILINE)
    assert "- Lost writes, and the audit trail: none, and it verifies" in report
    assert not list(tmp_path.glob("dti-bench-load-*"))  # its database and logs removed
