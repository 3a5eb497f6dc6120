"""The large-writes benchmark at a tiny size, in a process of its own: it saves, adds and
finalizes, measures the office's pages, and writes its report; on SQLite with the cost of
`synchronous=FULL`. The same run on PostgreSQL (`--postgres`) is refused without
DTI_DATABASE_URL pointing at one. No timing assertions: timing belongs in the benchmark."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.bench.test_bench_public_smoke import BENCH, REPO, bench_run


@pytest.mark.slow
def test_the_writes_benchmark_runs_and_writes_its_report(tmp_path):
    report = bench_run("bench_writes.py", tmp_path, "--units", "30", "--runs", "1")
    assert "# Portal writes at commune scale (sqlite)" in report
    assert "| finalize 30 units |" in report and "| add 30 units |" in report
    assert "## Durability: `synchronous=FULL`" in report
    assert "- finalize 30 units: ≤ 5 s" in report


def test_postgres_is_asked_for_only_with_a_postgresql_url(tmp_path):
    result = subprocess.run(
        [sys.executable, str(BENCH / "bench_writes.py"), "--postgres", "--units", "3"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode != 0
    assert "--postgres needs DTI_DATABASE_URL" in result.stderr


@pytest.mark.django_db
def test_a_postgresql_report_names_whether_its_commits_waited_for_the_disk():
    """make bench runs PostgreSQL as production does (scripts/with-postgres --durable); the
    reports say which it was, so a figure of the tests' server (no fsync) is not taken for
    one of production."""
    from django.db import connection

    from tests.bench.test_bench_public_smoke import _load

    _load("bench_engine")
    described = _load("bench_ledger").database_described()
    if connection.vendor == "postgresql":
        assert described.startswith("PostgreSQL 15.")
        assert "`fsync=off`" in described  # the tests' server: data thrown away
    else:
        assert described == "SQLite (WAL, `synchronous=FULL`)"
