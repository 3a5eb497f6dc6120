"""Benchmark of a sign-in while the chair finalizes 3,300 communes, through the production
stack: the sign-in must answer within a second, as the audit-trail issue sets.

A fresh database (SQLite in a temporary folder; PostgreSQL with --postgres, from
DTI_DATABASE_URL as scripts/with-postgres sets it) is migrated and filled as in
bench/bench_writes.py: UNITS communes in a campaign in appraisal, every commune's 80
answers approved, the final round agreed. The portal runs under gunicorn with production
settings on a free port of 127.0.0.1, the task worker beside it, both stopped at the end.

A commune's reporter signs in (the form read, the password posted, the redirect answered)
LOGINS times while nothing else runs: the floor. Then the chair's finalization is queued as
the chair's page queues it, and the reporter signs in again and again, one sign-in after
the other, until the worker has finished it. Afterwards every commune has its result, the
campaign is finalized and the audit trail verifies.

    .venv/bin/python bench/bench_login.py --out docs/performance-login.md
    scripts/with-postgres --durable .venv/bin/python bench/bench_login.py --postgres \
        --out docs/performance-login-postgresql.md

Exits 0 whether or not the target is met (a missed one is written as MISSED); 1 when a
sign-in failed, the finalization failed or the trail does not verify.
"""

from __future__ import annotations

import argparse
import http.client
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's code, before bench_engine imports dti

from bench_engine import machine_table, positive  # noqa: E402
from bench_ledger import database_described  # noqa: E402
from bench_public import free_port, production_workers, start_server, stop_server  # noqa: E402
from bench_saves import Run, request, served_portal  # noqa: E402
from bench_writes import OVERRIDE, build, in_appraisal  # noqa: E402
from public_load import HOST, REQUEST_TIMEOUT_S, Sample  # noqa: E402

TARGET_S = 1.0  # the slowest sign-in during the finalization, as the audit-trail issue sets
PASSWORD = "Mật-khẩu-thử-2025"  # noqa: S105  (a throwaway portal's reporter)
LOGIN = "/tai-khoan/dang-nhap/"
FINALIZE_TIMEOUT_S = 600.0
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Result:
    engine: str
    units: int
    floor: Run
    during: Run
    finalize_s: float
    problems: list[str]

    @property
    def slowest(self) -> float:
        return max((s.seconds for s in self.during.samples), default=float("nan"))

    @property
    def met(self) -> bool:
        return bool(self.during.samples) and self.slowest <= TARGET_S


def sign_in(port: int, username: str) -> Sample:
    """The sign-in page read and the password posted on a new connection, as a browser
    without cookies does; 302 when signed in (any other status is a failure)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    start = time.perf_counter()
    try:
        connection.request("GET", LOGIN, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        page = response.read()
        cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
        found = TOKEN.search(page)
        if response.status != 200 or found is None:
            return Sample(response.status, time.perf_counter() - start)
        body = urlencode(
            {"csrfmiddlewaretoken": found.group(1).decode(), "username": username,
             "password": PASSWORD}
        )  # fmt: skip
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"https://{HOST}:{port}{LOGIN}",
            "Host": f"{HOST}:{port}",
        }
        posted = request(connection, "POST", LOGIN, body, headers)
        return Sample(posted.status, time.perf_counter() - start)
    finally:
        connection.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=positive, default=3300, help="communes finalized")
    parser.add_argument("--logins", type=positive, default=20, help="sign-ins of the floor")
    parser.add_argument(
        "--workers",
        type=positive,
        default=production_workers(),
        help="gunicorn workers (default: production's, deploy/gunicorn.conf.py)",
    )
    parser.add_argument("--postgres", action="store_true", help="DTI_DATABASE_URL's PostgreSQL")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    options = parser.parse_args(argv)
    engine = "postgresql" if options.postgres else "sqlite"
    with tempfile.TemporaryDirectory(prefix="dti-bench-login-") as name:
        folder = Path(name)
        env = served_portal(folder, postgres=options.postgres)
        result = measured(engine, env, folder, options)
    text = markdown(result, options)
    if options.out:
        options.out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if result.problems else 0


def measured(engine: str, env: dict[str, str], folder: Path, options: argparse.Namespace) -> Result:
    from django.db import connections

    scene = build(options.units)
    campaign = in_appraisal(scene)
    scene.reporter.set_password(PASSWORD)
    scene.reporter.save(update_fields=["password"])
    connections.close_all()  # the server's workers and the task worker write from now
    port = free_port()
    server = start_server(env, port, options.workers, folder / "gunicorn.log", lifetime=1200.0)
    try:
        for _ in range(2 * options.workers):  # every worker's first sign-in loads its code
            sign_in(port, scene.reporter.username)
        floor = Run()
        floor.samples = [sign_in(port, scene.reporter.username) for _ in range(options.logins)]
        job = queue_finalization(campaign, scene.chair)
        during, finalize_s, state = Run(), 0.0, ""
        start = time.perf_counter()
        while time.perf_counter() - start < FINALIZE_TIMEOUT_S:
            during.samples.append(sign_in(port, scene.reporter.username))
            state, finalize_s = job_state(job)
            if state in ("done", "failed"):
                break
        during.wall = time.perf_counter() - start
    finally:
        stop_server(server)
    problems = [f"sign-in answered {s.status}" for s in [*floor.samples, *during.samples]
                if s.status != 302]  # fmt: skip
    problems += finalized_problems(campaign, options.units, state)
    return Result(engine, options.units, floor, during, finalize_s, problems)


def queue_finalization(campaign: object, chair: object) -> int:
    """The job the chair's confirmed post queues (portal.appraisals.views.finalize)."""
    from django.db import transaction

    from portal.appraisals import tasks
    from portal.jobs.services import job_start

    with transaction.atomic():
        job = job_start(
            tasks.finalize,
            user=chair,
            params={"campaign": campaign.pk, "reason": OVERRIDE},  # type: ignore[attr-defined]
            subject="Chốt kết quả",
        )
    return int(job.pk)


def job_state(pk: int) -> tuple[str, float]:
    """The job's state, and how long it ran once finished."""
    from portal.jobs.models import Job

    job = Job.objects.get(pk=pk)
    ran = 0.0
    if job.started_at and job.finished_at:
        ran = (job.finished_at - job.started_at).total_seconds()
    return str(job.state), ran


def finalized_problems(campaign: object, units: int, state: str) -> list[str]:
    from portal.audit.verify import audit_log_verify
    from portal.campaigns.models import Campaign, HistoricResult
    from portal.workflow import CampaignState

    problems = [] if state == "done" else [f"finalization ended as {state or 'unfinished'}"]
    found = Campaign.objects.get(pk=campaign.pk)  # type: ignore[attr-defined]
    if found.state != CampaignState.FINALIZED:
        problems.append(f"campaign is {found.state}, not finalized")
    stored = HistoricResult.objects.filter(campaign_unit__campaign=found).count()
    if stored != units:
        problems.append(f"{stored} results stored for {units} communes")
    report = audit_log_verify()
    if not report.intact:
        problems.append(f"audit trail: {report.verdict.broken}")
    return problems


def markdown(result: Result, options: argparse.Namespace) -> str:
    from django import get_version

    verdict = "met" if result.met else "MISSED"
    during, floor = result.during, result.floor
    lines = [
        f"# A sign-in during finalization ({result.engine})",
        "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %z} by `make bench` "
        "(`bench/bench_login.py`).",
        "",
        f"**Verdict:** the slowest of {len(during.samples)} sign-ins while "
        f"{result.units:,} communes were finalized took {result.slowest:.2f} s "
        f"(≤ {TARGET_S:g} s {verdict}); the finalization ran {result.finalize_s:.1f} s in "
        f"the task worker; {'no problem' if not result.problems else '; '.join(result.problems)}.",
        "",
        "## What is measured",
        "",
        f"{result.units:,} communes in a campaign in appraisal, 80 answers each approved, the "
        f"final round agreed. The portal runs under gunicorn (Django {get_version()}, "
        f"{options.workers} workers × 2 threads, production settings) on {database_described()}, "
        "the task worker beside it, all on this machine. A sign-in is the sign-in page read "
        "on a new connection and the password posted, answered by a redirect (302). The "
        "floor: a commune's reporter signs in "
        f"{len(floor.samples)} times while nothing else runs. Then the chair's finalization "
        "is queued, as the chair's confirmed post queues it, and the reporter signs in again "
        "and again, one after the other, until the worker has finished. Afterwards every "
        "commune has its result, the campaign is finalized and the audit trail verifies.",
        "",
        *machine_table(),
        "## Results",
        "",
        "| sign-ins | count | p50 (s) | p95 (s) | slowest (s) | failed |",
        "|---|---:|---:|---:|---:|---:|",
        _row("nothing else running (floor)", floor),
        _row(f"while {result.units:,} communes are finalized", during),
        "",
    ]
    return "\n".join(lines)


def _row(label: str, run: Run) -> str:
    slowest = max((s.seconds for s in run.samples), default=float("nan"))
    failed = sum(1 for s in run.samples if s.status != 302)
    return (
        f"| {label} | {len(run.samples)} | {run.percentile(50):.2f} | "
        f"{run.percentile(95):.2f} | {slowest:.2f} | {failed} |"
    )


if __name__ == "__main__":
    sys.exit(main())
