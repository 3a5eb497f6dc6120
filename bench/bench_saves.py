"""Benchmark of deadline day: many communes saving their self-assessments at once, through
the production stack, against a minimal view of the same server in the same run.

A fresh database (SQLite in a temporary folder; PostgreSQL with --postgres, from
DTI_DATABASE_URL as scripts/with-postgres sets it) is migrated and filled by
bench/save_scene.py: PROVINCES provinces of UNITS communes in an open campaign of 80
criteria, a reporter signed in for each. The portal runs under gunicorn with production
settings on a free port of 127.0.0.1, the task worker beside it, both stopped at the end.

First the floor: as many threads as the surge has communes request /healthz (three small
queries) as fast as they are answered, as many times as the surge saves; three times over,
the run of the median p95 kept. Then the surge:
SAVES saves of all 80 answers per province, spread over its communes and sent at once; the
saves of one commune follow one another, as one person's do (a second save of the same
criteria at the same time would be refused as a conflict), so up to UNITS × PROVINCES
saves are in flight. Each save is the form's POST,
answered by a redirect (302) to its form's page once committed (a redirect elsewhere, to
the sign-in page, saved nothing: counted as an error); the forms are encoded before the surge, as a
browser encodes them on the person's device.

Then, the server idle, what each request costs with no queue (bench/save_costs.py):
/healthz, the save's form posted where nothing is saved (the language switch), a save with
nothing to write and a save of 80 changes, one after another through the portal's handler
in this process; on PostgreSQL, how long a save holds the audit trail's head, the one lock
all saves of all app servers share. Afterwards, in this process: every commune's 80
answers are at the version and value of its last acknowledged save, those saves included
(no acknowledged write lost), and the audit trail verifies.

    .venv/bin/python bench/bench_saves.py --out docs/performance-saves.md
    scripts/with-postgres --durable .venv/bin/python bench/bench_saves.py --postgres \
        --out docs/performance-saves-postgresql.md

Exits 0 whether or not the targets are met (a missed one is written as MISSED); 1 when a
save failed, a write was lost or the trail does not verify.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's code, before bench_engine imports dti

from bench_engine import machine, positive  # noqa: E402
from bench_ledger import database_described  # noqa: E402
from bench_public import (  # noqa: E402
    described_server,
    environment,
    free_port,
    production_workers,
    start_server,
    stop_server,
)
from public_load import HEADERS, HOST, REQUEST_TIMEOUT_S, Sample  # noqa: E402
from save_costs import ROUNDS, Commune, Costs, Portal, measured  # noqa: E402
from save_scene import Reporter, build, form_page, lost_writes, save_post  # noqa: E402

# A person on deadline day waits for "Đã lưu" longer than for a page: a save unanswered
# after this long counts as failed (it may still have been stored: the check allows it).
SAVE_TIMEOUT_S = 300.0
TARGETS = {"sqlite": 50.0, "postgresql": 100.0}  # saves a second, as the audit-trail issue sets
RATIO_TARGET = 5.0  # a save's p95 at most this many times the floor's p95
FLOOR_RUNS = 3  # the floor is measured this many times (steady_floor)
# Floor-and-surge rounds per scenario, each surge on provinces of its own, the round of the
# median ratio reported: one round's ratio moved from 3.3 to 6.6 on the same code, the
# same hour, with the machine's speed from one run to the next (its floor 470 to 820 a second).
ROUNDS_DEFAULT = 3
ELSEWHERE = 1  # the status counted for a save redirected elsewhere than its form (sign-in)


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    wall: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def percentile(self, p: float) -> float:
        ordered = sorted(sample.seconds for sample in self.samples)
        return ordered[max(0, -(-len(ordered) * p // 100) - 1)] if ordered else float("nan")

    def ok(self, status: int) -> int:
        return sum(1 for sample in self.samples if sample.status == status)

    @property
    def errors(self) -> Counter[int]:
        return Counter(s.status for s in self.samples if s.status not in (200, 302))

    @property
    def rate(self) -> float:
        return len(self.samples) / self.wall if self.wall else 0.0


def request(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    redirect: str | None = None,
) -> Sample:
    """One request and its answer's status; with `redirect`, a redirect anywhere else (to
    the sign-in page: nothing saved) is counted as `ELSEWHERE`, an error."""
    start = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers={**HEADERS, **(headers or {})})
        response = connection.getresponse()
        response.read()
        if response.will_close:
            connection.close()
        status = response.status
        if redirect is not None and status == 302 and response.getheader("Location") != redirect:
            status = ELSEWHERE
        return Sample(status, time.perf_counter() - start)
    except (OSError, http.client.HTTPException):
        connection.close()
        return Sample(0, time.perf_counter() - start)


def warm_up(port: int, reporters: list[Reporter], workers: int) -> None:
    """Every server thread's first requests load the code, templates and framework they
    need: not timed. Each commune's form page is read once, by 2 threads per worker."""
    chosen = reporters[: max(1, min(len(reporters), 10 * workers))]
    left, lock = list(chosen), threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        while True:
            with lock:
                if not left:
                    return
                reporter = left.pop()
            cookie = {"Cookie": f"sessionid={reporter.session}; csrftoken={reporter.csrf}"}
            for path in ("/healthz", f"/tu-danh-gia/{reporter.campaign_unit}/"):
                request(connection, "GET", path, headers=cookie)

    threads = [threading.Thread(target=client) for _ in range(2 * workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def floor(port: int, clients: int, requests: int) -> Run:
    """`requests` GETs of /healthz from `clients` threads."""
    run, left, gate = Run(), [requests], threading.Barrier(clients + 1)

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        gate.wait()
        while True:
            with run.lock:
                if not left[0]:
                    return
                left[0] -= 1
            run.add(request(connection, "GET", "/healthz"))

    return _timed(run, [client] * clients, gate)


def steady_floor(port: int, clients: int, requests: int, runs: int = FLOOR_RUNS) -> Run:
    """The floor measured `runs` times, the run of the median p95 kept: many connections
    opened at once now and then lose one to the listen queue, and its retry alone (a
    second or three) would make the floor's p95, and the ratios to it, mean nothing."""
    measured = sorted((floor(port, clients, requests) for _ in range(runs)), key=_p95)
    return measured[len(measured) // 2]


def _p95(run: Run) -> float:
    return run.percentile(95)


@dataclass
class Surge:
    run: Run
    # campaign unit → its saves answered 302 (each raised every answer's version by one),
    # with those of the costs measured afterwards (request_costs)
    acknowledged: dict[int, int]
    values: dict[int, str]  # campaign unit → the value its last acknowledged save wrote
    by_province: dict[int, Run]
    # campaign unit → the save that got no answer (its number and value): stored or not
    unanswered: dict[int, tuple[int, str]] = field(default_factory=dict)


def surge(port: int, reporters: list[Reporter], saves: int, provinces: int) -> Surge:
    """`saves` saves per province, spread over its communes, one thread per commune."""
    per_province = len(reporters) // provinces
    run, gate = Run(), threading.Barrier(len(reporters) + 1)
    acknowledged = {reporter.campaign_unit: 0 for reporter in reporters}
    values: dict[int, str] = {}
    by_province = {p: Run() for p in range(provinces)}

    unanswered: dict[int, tuple[int, str]] = {}

    def client(reporter: Reporter, count: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=SAVE_TIMEOUT_S)
        # the forms as the pages post them, encoded before the surge as a browser encodes
        # them on the person's device: the machine's cores serve, the clients only send
        posts, previous = [], None
        for number in range(1, count + 1):
            value = str(number % 2 + 1)
            path, body, headers = save_post(reporter, f"{HOST}:{port}", number - 1, value, previous)
            posts.append((value, path, body, {**headers, "Host": f"{HOST}:{port}"}))
            previous = value
        gate.wait()
        for number, (value, path, body, headers) in enumerate(posts, start=1):
            sample = request(connection, "POST", path, body, headers, form_page(path))
            run.add(sample)
            by_province[reporter.province].add(sample)
            if sample.status == 0:
                unanswered[reporter.campaign_unit] = (number, value)
            if sample.status != 302:
                return  # the next save would be refused as a conflict: stop this commune
            acknowledged[reporter.campaign_unit] = number
            values[reporter.campaign_unit] = value

    clients = []
    for position, reporter in enumerate(reporters):
        index = position % per_province
        count = saves // per_province + (1 if index < saves % per_province else 0)
        clients.append(lambda reporter=reporter, count=count: client(reporter, count))
    _timed(run, clients, gate)
    for province in by_province.values():
        province.wall = run.wall
    return Surge(run, acknowledged, values, by_province, unanswered)


def _timed(run: Run, clients: Sequence[object], gate: threading.Barrier) -> Run:
    threads = [threading.Thread(target=client) for client in clients]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    gate.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - start
    return run


# ---- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    base: Run  # the floor, just before the surge
    result: Surge

    @property
    def rate(self) -> float:
        return self.result.run.ok(302) / self.result.run.wall if self.result.run.wall else 0.0

    @property
    def ratio(self) -> float:
        return self.result.run.percentile(95) / self.base.percentile(95)


@dataclass(frozen=True)
class Scenario:
    provinces: int
    clients: int  # the floor's threads, as many as the surge's communes
    rounds: list[Round]  # in the order run
    problems: list[str]
    costs: Costs | None  # one request after another in one process (save_costs.py)

    @property
    def median(self) -> Round:
        """The round of the median ratio: the one reported."""
        ordered = sorted(self.rounds, key=lambda r: r.ratio)
        return ordered[len(ordered) // 2]  # of an even count, the worse of the two middle

    @property
    def base(self) -> Run:
        return self.median.base

    @property
    def result(self) -> Surge:
        return self.median.result

    @property
    def rate(self) -> float:
        return self.median.rate

    @property
    def ratio(self) -> float:
        return self.median.ratio

    @property
    def failed(self) -> bool:
        return bool(self.problems or any(r.result.run.errors or r.base.errors for r in self.rounds))


def markdown(engine: str, options: argparse.Namespace, scenarios: list[Scenario]) -> str:
    target, server = TARGETS[engine], described_server()
    lines = [
        f"# Deadline day: concurrent saves ({engine})",
        "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} by `make bench` "
        f"(`bench/bench_saves.py`).",
        "",
        "**Verdict:**",
        "",
        *(
            f"- {s.provinces} province(s): {s.rate:.1f} saves a second "
            f"(≥ {target:g} {'met' if s.rate >= target else 'MISSED'}), "
            f"p95 {s.ratio:.2f}× the floor's (≤ {RATIO_TARGET:g}× "
            f"{'met' if s.ratio <= RATIO_TARGET else 'MISSED'}), "
            f"{sum(sum(r.result.run.errors.values()) for r in s.rounds)} errors "
            f"({sum(sum(r.base.errors.values()) for r in s.rounds)} of the floor's), "
            f"{len(s.problems)} problems afterwards."
            for s in scenarios
        ),
        *_together(scenarios),
        "",
        "## What is measured",
        "",
        f"Provinces of {options.units} communes, each in an open campaign of 80 criteria with "
        f"a signed-in reporter for every commune. The portal runs under gunicorn "
        f"{package_version('gunicorn')} ({options.workers} workers × {server['threads']} threads "
        f"of `{server['worker_class']}`, keep-alive {server['keepalive']}, as "
        "deploy/gunicorn.conf.py sets them; production settings) on "
        f"{database_described()}, the task worker beside it; the benchmark's "
        "clients run on the same machine. Each scenario starts the server, reads a few form "
        "pages to warm every worker (not timed), then measures the floor: as many threads as "
        "the surge has communes request `/healthz` as many times as the surge saves (the "
        "same load of a minimal view), "
        f"{FLOOR_RUNS} times over, the run of the median p95 kept. Then the surge: "
        f"{options.saves} saves of "
        "all 80 answers per province, sent at once, one thread per commune (a commune's saves "
        "follow one another, as one person's do; the forms are encoded beforehand, as a "
        "browser encodes them on the person's device). Throughput is the acknowledged saves (302) "
        f"over the surge's wall time. The floor and the surge are run {options.rounds} times "
        "on the same server, each surge on provinces of its own, and the round of the median "
        "ratio is reported (every round is listed): one round's ratio moves with the "
        "machine's speed from one moment to the next. Then, the server idle, `/healthz`, the "
        "save's form posted where nothing is saved (the language switch, which checks the "
        "form's CSRF token, parses its fields and redirects: what any signed-in POST of that "
        "size costs), a save with nothing to write (the stored answers posted again) and a "
        "save of 80 changes are sent one after "
        "another through the portal's own handler in the benchmark's process "
        "(`bench/save_costs.py`): what each costs with no queue, in the portal's CPU"
        + (
            "; then as many saves of 80 changes again, each timed from the statement that "
            "locks the audit trail's head to its commit. "
            if engine == "postgresql"
            else ". "
        )
        + "Afterwards every commune's 80 answers are compared with "
        "its last acknowledged save (those saves included), and the audit trail is verified.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine().items()),
        "",
    ]
    for scenario in scenarios:
        saves, per_province = scenario.result.run, scenario.result.by_province
        problems = scenario.problems
        lines += [
            f"## {scenario.provinces} province(s) at once",
            "",
            "| | requests | wall (s) | per second | p50 (ms) | p95 (ms) | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
            _row("floor: `/healthz`", scenario.base),
            _row("saves of 80 answers", saves),
            *(
                _row(f"… of province {n + 1}", per_province[n])
                for n in sorted(per_province)
                if len(per_province) > 1
            ),
            "",
            *_rounds(scenario),
            f"- Floor: {scenario.clients} threads, {len(scenario.base.samples)} requests",
            f"- p95 of a save / p95 of the floor: **{scenario.ratio:.2f}×**",
            f"- A save costs the machine what {_cost(scenario):.1f} floor requests cost (the "
            "floor's rate over the saves'): with every thread waiting its turn, the p95s stand "
            "about as far apart",
            f"- Acknowledged saves: {saves.ok(302)} of {len(saves.samples)}",
            "- Communes checked afterwards: "
            f"{sum(len(r.result.acknowledged) for r in scenario.rounds)}",
            "- Problems afterwards: " + ("none" if not problems else "; ".join(problems[:10])),
            "",
            *_costs(scenario.costs),
        ]
    return "\n".join(lines)


def _rounds(scenario: Scenario) -> list[str]:
    """Every round of the scenario, the one reported above marked."""
    if len(scenario.rounds) < 2:
        return []
    return [
        f"Each round (the one above, of the median ratio, in bold; {len(scenario.rounds)} in all):",
        "",
        "| round | floor a second | floor p95 (ms) | saves a second | save p95 (ms) | ratio "
        "| errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *(
            _bold(
                f"| {n} | {r.base.rate:.1f} | {r.base.percentile(95) * 1000:.0f} | "
                f"{r.rate:.1f} | {r.result.run.percentile(95) * 1000:.0f} | {r.ratio:.2f}× | "
                f"{sum(r.base.errors.values()) + sum(r.result.run.errors.values())} |",
                r is scenario.median,
            )
            for n, r in enumerate(scenario.rounds, start=1)
        ),
        "",
        "The tables below are the bold round's.",
        "",
    ]


def _bold(row: str, bold: bool) -> str:
    if not bold:
        return row
    cells = row.strip("|").split("|")
    return "|" + "|".join(f" **{cell.strip()}** " for cell in cells) + "|"


def _together(scenarios: list[Scenario]) -> list[str]:
    """How the deployment's rate holds when several provinces save at once, against one
    province alone: a lock shared by the provinces (the audit trail's, once) would show as
    a lower rate in all; each province's own share of it is the machine's divided."""
    alone = next((s for s in scenarios if s.provinces == 1), None)
    if alone is None or not alone.rate or not alone.base.rate:
        return []
    return [
        f"- {s.provinces} provinces at once: {s.rate:.1f} saves a second in all, "
        f"{s.rate / alone.rate:.0%} of one province's alone "
        f"({_per_floor(s) / _per_floor(alone):.0%} counted against each run's own floor, "
        "which follows the machine's speed at the time); "
        f"{s.rate / s.provinces:.1f} a second for each province, which shares the machine "
        "with the others."
        for s in scenarios
        if s.provinces > 1
    ]


def _per_floor(scenario: Scenario) -> float:
    """Saves a second per request a second of the floor measured just before them."""
    return scenario.rate / scenario.base.rate if scenario.base.rate else 0.0


def _cost(scenario: Scenario) -> float:
    return scenario.base.rate / scenario.rate if scenario.rate else 0.0


def _costs(costs: Costs | None) -> list[str]:
    """What each kind of request cost with no queue (save_costs.py), as a table."""
    if costs is None:
        return [
            "What each request costs with no queue: not measured, a save of the surge or of "
            "this measure having failed (above).",
            "",
        ]
    kinds = [
        ("`/healthz`", costs.health),
        ("the save's form, nothing saved (language switch)", costs.form_only),
        ("a save with nothing to write", costs.unchanged),
        ("a save of 80 changes", costs.changed),
    ]
    return [
        f"One request after another, the server idle, in the benchmark's process (median of "
        f"{ROUNDS} rounds of {costs.requests} each):",
        "",
        "| | the portal's CPU (ms) | × `/healthz` | wall (ms) |",
        "|---|---:|---:|---:|",
        *(
            f"| {label} | {cost.cpu * 1000:.2f} | {costs.times(cost):.1f} | "
            f"{cost.wall * 1000:.2f} |"
            for label, cost in kinds
        ),
        "",
        *_head(costs),
    ]


def _head(costs: Costs) -> list[str]:
    """How long a save held the audit trail's head (PostgreSQL), and what that allows."""
    if costs.head is None:
        return []
    return [
        "The audit trail's head, the one lock all saves share whatever the number of app "
        f"servers, was held {costs.head * 1000:.2f} ms by a save of 80 changes (the median of "
        f"{costs.requests} more, one after another), from the statement that locks it sent to "
        "the commit answered: one PostgreSQL links at most about "
        f"{1 / costs.head:,.0f} saves a second for all its app servers together, if its "
        "cores keep up. On a network between them, the lock is held for two of its round "
        "trips more (the lock's answer and the insert, the insert's answer and the commit).",
        "",
    ]


def _row(label: str, run: Run) -> str:
    errors = ", ".join(f"{count}× {status or 'no answer'}" for status, count in run.errors.items())
    return (
        f"| {label} | {len(run.samples)} | {run.wall:.1f} | {run.rate:.1f} | "
        f"{run.percentile(50) * 1000:.0f} | {run.percentile(95) * 1000:.0f} | {errors or 0} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--provinces", type=positive, nargs="+", default=[1, 5], help="one scenario each"
    )
    parser.add_argument("--units", type=positive, default=150, help="communes per province")
    parser.add_argument("--saves", type=positive, default=500, help="saves per province")
    parser.add_argument(
        "--clients", type=positive, help="threads of the floor (default: the surge's communes)"
    )
    parser.add_argument(
        "--workers",
        type=positive,
        default=production_workers(),
        help="gunicorn workers (default: production's, deploy/gunicorn.conf.py)",
    )
    parser.add_argument(
        "--rounds",
        type=positive,
        default=ROUNDS_DEFAULT,
        help="floor-and-surge rounds per scenario, the median ratio's reported",
    )
    parser.add_argument(
        "--costs",
        type=positive,
        default=100,
        help="requests of each kind per round sent one after another in this process",
    )
    parser.add_argument("--postgres", action="store_true", help="DTI_DATABASE_URL's PostgreSQL")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    options = parser.parse_args(argv)
    engine = "postgresql" if options.postgres else "sqlite"
    with tempfile.TemporaryDirectory(prefix="dti-bench-saves-") as name:
        folder = Path(name)
        env = served_portal(folder, postgres=options.postgres)
        scenarios = [
            scenario(env, folder, options, provinces, f"s{n}-")
            for n, provinces in enumerate(options.provinces)
        ]
    text = markdown(engine, options, scenarios)
    if options.out:
        options.out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(s.failed for s in scenarios) else 0


def served_portal(folder: Path, *, postgres: bool) -> dict[str, str]:
    """Production settings for a throwaway portal in `folder` (its database there, or
    DTI_DATABASE_URL's PostgreSQL), migrated, its static files collected, Django set up in
    this process; the environment the server is to run with."""
    database = os.environ.get("DTI_DATABASE_URL", "")
    if postgres and not database.startswith("postgres"):
        raise SystemExit("--postgres: set DTI_DATABASE_URL (scripts/with-postgres does)")
    env = environment(folder)
    if postgres:
        env["DTI_DATABASE_URL"] = database
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return env


def scenario(
    env: dict[str, str], folder: Path, options: argparse.Namespace, provinces: int, prefix: str
) -> Scenario:
    """`options.rounds` surges on a server of its own, each over `provinces` new provinces,
    each after its floor."""
    from django.db import connections

    scenes = [build(provinces, options.units, f"{prefix}r{n}-") for n in range(options.rounds)]
    connections.close_all()  # the server's workers write from now
    port = free_port()
    log = folder / f"gunicorn-{prefix}log"
    server = start_server(env, port, options.workers, log, lifetime=1200.0 * options.rounds)
    rounds: list[Round] = []
    try:
        warm_up(port, scenes[0], options.workers)
        # the floor under the surge's load: its threads and its number of requests
        clients = options.clients or len(scenes[0])
        for reporters in scenes:
            base = steady_floor(port, clients, options.saves * provinces)
            rounds.append(Round(base, surge(port, reporters, options.saves, provinces)))
        # before the server stops: /healthz answers 200 only while the task worker beside it
        # beats; the server is idle
        try:
            last = rounds[-1].result
            costs, refused = request_costs(port, scenes[-1], last, options.costs), []
        except RuntimeError as error:  # a request not answered as it should be
            costs, refused = None, [f"one request after another: {error}"]
    finally:
        stop_server(server)
    problems = refused
    for done in rounds:
        result = done.result
        problems += lost_writes(result.acknowledged, result.values, result.unanswered)
    problems += trail_problems()
    return Scenario(provinces, clients, rounds, problems, costs)


def request_costs(
    port: int, reporters: list[Reporter], result: Surge, requests: int, handler: Any = None
) -> Costs | None:
    """What each kind of request costs the portal with no queue (save_costs.py), answered
    by `handler` (by default the portal's own, in this process); the saves it acknowledges,
    up to a failure too, are added to `result` for the check afterwards. None when the surge
    had errors: a commune's state is then not known."""
    if result.run.errors:
        return None
    if handler is None:
        from portal.form_body import FormWSGIHandler

        handler = FormWSGIHandler()  # as portal.wsgi serves the portal
    communes = [
        Commune(r, result.acknowledged[r.campaign_unit], result.values.get(r.campaign_unit))
        for r in reporters
    ]
    try:
        return measured(Portal(handler, port), communes, requests)
    finally:
        for commune in communes:
            result.acknowledged[commune.reporter.campaign_unit] = commune.version
            if commune.value is not None:
                result.values[commune.reporter.campaign_unit] = commune.value


def trail_problems() -> list[str]:
    from portal.audit.verify import audit_log_verify

    report = audit_log_verify()
    return [] if report.intact else [f"audit trail: {report.verdict.broken}"]


if __name__ == "__main__":
    sys.exit(main())
