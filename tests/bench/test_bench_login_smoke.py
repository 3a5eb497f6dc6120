"""The sign-in-during-finalization benchmark at a tiny size: its check afterwards finds a
campaign left unfinalized or a unit without its result; the whole benchmark runs in a
process of its own (database, gunicorn, task worker, sign-ins) and finalizes every commune.
No timing assertions: timing belongs in the benchmark. The last test is slow (a separate
process that migrates a database and starts servers)."""

from __future__ import annotations

import sys
from types import ModuleType

import pytest

from portal.appraisals.finalization import campaign_finalize
from tests.bench.test_bench_public_smoke import _load, bench_run


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    for name in ("bench_engine", "bench_ledger", "office_pages", "bench_writes", "public_load"):
        _load(name)
    for name in ("bench_public", "save_scene", "save_costs", "bench_saves"):
        _load(name)
    return _load("bench_login")


@pytest.mark.django_db
def test_the_check_finds_a_campaign_not_finalized(bench):
    writes = sys.modules["bench_writes"]
    scene = writes.build(3)
    campaign = writes.in_appraisal(scene)
    assert bench.finalized_problems(campaign, 3, "failed") == [
        "finalization ended as failed",
        "campaign is in_appraisal, not finalized",
        "0 results stored for 3 communes",
    ]
    campaign_finalize(campaign=campaign, actor=scene.chair, override_reason=writes.OVERRIDE)
    assert bench.finalized_problems(campaign, 3, "done") == []
    assert bench.finalized_problems(campaign, 4, "done") == ["3 results stored for 4 communes"]


@pytest.mark.slow
def test_the_login_benchmark_runs_and_writes_its_report(tmp_path):
    # Exit 0: every sign-in answered 302, the campaign finalized, the trail intact.
    report = bench_run(
        "bench_login.py", tmp_path, *("--units", "40", "--logins", "3", "--workers", "2")
    )
    assert "# A sign-in during finalization (sqlite)" in report
    assert "| nothing else running (floor) | 3 |" in report
    assert "| while 40 communes are finalized |" in report
    assert "no problem." in report
    assert not list(tmp_path.glob("dti-bench-login-*"))  # its database and logs removed
