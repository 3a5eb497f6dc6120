"""Load benchmark of the production stack: locust's users on the real journeys for minutes,
then a deadline surge, against a minimal view asked for in the same load.

A fresh database (SQLite in a temporary folder; PostgreSQL with --postgres, from
DTI_DATABASE_URL as scripts/with-postgres sets it) is migrated and filled by
bench/load_scene.py. The portal runs under gunicorn with production settings on a free
port of 127.0.0.1, the task worker beside it, both stopped at the end (and in any case by
`timeout`). locust runs headless in a process of its own, also under `timeout`, with
USERS users (bench/load_journeys.py: citizens browsing the published results, reporters
saving their 80 answers, appraisers scoring, the office reading and downloading, and a few
probes of `/healthz`, the floor) for MINUTES minutes. Then the surge of bench_saves.py:
SAVES saves of 80 answers sent at once over a province's fresh communes.

Afterwards, in this process: every commune's answers are those of its last acknowledged
save (the load's and the surge's), the audit trail verifies, and each gunicorn worker's
peak resident memory (VmHWM) is read before the server stops.

    .venv/bin/python bench/bench_load.py --out docs/performance-load.md

Exits 0 whether or not the targets are met (a missed one is written as MISSED); 1 when a
request failed, a write was lost or the trail does not verify.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's code, before bench_engine imports dti

from bench_engine import machine, positive  # noqa: E402
from bench_public import free_port, production_workers, start_server, stop_server  # noqa: E402
from bench_saves import (  # noqa: E402
    RATIO_TARGET,
    Surge,
    served_portal,
    steady_floor,
    surge,
    trail_problems,
    warm_up,
)
from bench_writes import CRITERIA  # noqa: E402
from load_scene import Scene, build_scene  # noqa: E402
from save_scene import lost_writes  # noqa: E402

RSS_TARGET_MB = 250.0  # a gunicorn worker's peak resident memory, as the production issue sets
FLOOR = "floor: /healthz"
SAVE = "reporter: save"


@dataclass
class Journey:
    name: str
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    per_second: float


@dataclass
class Result:
    journeys: list[Journey]
    failures: list[str]  # locust's failures, as it counted them
    idle_floor_p95_ms: float
    surged: Surge
    rss_mb: dict[str, float]  # process → peak resident memory
    problems: list[str] = field(default_factory=list)

    def journey(self, name: str) -> Journey:
        found = [j for j in self.journeys if j.name == name]
        if not found:
            raise SystemExit(
                f"no {name!r} among {[j.name for j in self.journeys]}: {self.failures}"
            )
        return found[0]

    @property
    def errors(self) -> int:
        return sum(j.failures for j in self.journeys) + sum(
            count for status, count in self.surged.run.errors.items()
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=positive, default=200)
    parser.add_argument("--minutes", type=float, default=5.0, help="how long the load lasts")
    parser.add_argument("--units", type=positive, default=150, help="communes of the province")
    parser.add_argument("--appraisers", type=positive, default=30)
    parser.add_argument("--public-units", type=positive, default=3300, help="published ranking")
    parser.add_argument("--saves", type=positive, default=500, help="saves of the surge")
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
    with tempfile.TemporaryDirectory(prefix="dti-bench-load-") as name:
        folder = Path(name)
        env = served_portal(folder, postgres=options.postgres)
        scene = build_scene(options.units, options.appraisers, options.public_units)
        result = run(env, folder, scene, options)
    text = markdown(engine, options, result)
    if options.out:
        options.out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if result.errors or result.problems else 0


def run(env: dict[str, str], folder: Path, scene: Scene, options: argparse.Namespace) -> Result:
    from django.db import connections

    connections.close_all()  # the server's workers write from now
    port, seconds = free_port(), int(options.minutes * 60)
    server = start_server(env, port, options.workers, folder / "gunicorn.log", seconds + 1200.0)
    try:
        warm_up(port, scene.reporters, options.workers)
        idle = steady_floor(port, 50, 500)
        journeys, failures, acked = load(folder, port, scene, options.users, seconds)
        surged = surge(port, scene.surge, options.saves, 1)
        rss = peak_memory(server)
    finally:
        stop_server(server)
    result = Result(journeys, failures, idle.percentile(95) * 1000, surged, rss)
    result.problems = lost_writes(
        {int(unit): saves for unit, (saves, _, _) in acked.items()},
        {int(unit): value for unit, (_, value, _) in acked.items() if value is not None},
        {int(unit): (int(late[0]), str(late[1])) for unit, (_, _, late) in acked.items() if late},
    )
    result.problems += lost_writes(surged.acknowledged, surged.values, surged.unanswered)
    result.problems += appraisal_problems(scene, result.journey("appraiser: save"))
    result.problems += trail_problems()
    return result


def appraisal_problems(scene: Scene, saves: Journey) -> list[str]:
    """The appraisers' acknowledged sheets left scores: every commune an appraiser saved at
    least once holds one per criterion of the round."""
    from django.db.models import Count

    from portal.appraisals.models import Appraisal

    scored = dict(
        Appraisal.objects.filter(campaign_unit__in=list(scene.appraised))
        .values_list("campaign_unit")
        .annotate(n=Count("id"))
    )
    if saves.requests - saves.failures and not scored:
        return ["appraisers: sheets acknowledged, no score stored"]
    return [f"campaign unit {u}: {n} scores, not {CRITERIA}" for u, n in scored.items()
            if n != CRITERIA]  # fmt: skip


def load(
    folder: Path, port: int, scene: Scene, users: int, seconds: int
) -> tuple[list[Journey], list[str], dict[str, list[Any]]]:
    """locust, headless, for `seconds`; its statistics per journey, its failures, and what
    the portal acknowledged to the reporters."""
    scene_file, acked_file = folder / "scene.json", folder / "acked.json"
    counts = users_of(len(scene.journeys["appraisers"]), len(scene.reporters), users)
    scene_file.write_text(json.dumps({**scene.journeys, "users": counts}))
    stats = folder / "locust"
    command = [
        "timeout", "--kill-after=10", str(seconds + 300),
        sys.executable, "-m", "locust", "-f", str(REPO / "bench" / "load_journeys.py"),
        "--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 30)),
        "--run-time", f"{seconds}s", "--stop-timeout", "60", "--host", f"http://127.0.0.1:{port}",
        "--csv", str(stats), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "DTI_LOAD_SCENE": str(scene_file), "DTI_LOAD_ACKED": str(acked_file)}
    with (folder / "locust.log").open("wb") as log:
        subprocess.run(  # noqa: S603  (our own command)
            command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            check=False,
        )  # fmt: skip
    if not acked_file.exists():
        raise SystemExit("locust did not finish: " + (folder / "locust.log").read_text()[-3000:])
    journeys = []
    with (folder / "locust_stats.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            if row["Name"] == "Aggregated":
                continue
            journeys.append(
                Journey(row["Name"], int(row["Request Count"]), int(row["Failure Count"]),
                        float(row["50%"]), float(row["95%"]), float(row["Requests/s"]))
            )  # fmt: skip
    with (folder / "locust_failures.csv").open(encoding="utf-8") as rows:
        failures = [f"{r['Occurrences']}× {r['Name']}: {r['Error']}" for r in csv.DictReader(rows)]
    acked: dict[str, list[Any]] = json.loads(acked_file.read_text(encoding="utf-8"))
    return sorted(journeys, key=lambda j: j.name), failures, acked


def users_of(appraisers: int, reporters: int, users: int) -> dict[str, int]:
    """Of `users`: 5 probes, 5 % the office, 15 % appraisers and 30 % reporters (no more than
    there are people to play: two users saving one commune would conflict), the rest
    citizens."""
    counts = {
        "probe": 5,
        "office": max(1, users * 5 // 100),
        "appraiser": min(appraisers, users * 15 // 100),
        "reporter": min(reporters, users * 30 // 100),
    }
    counts["citizen"] = max(0, users - sum(counts.values()))
    return counts


def peak_memory(server: subprocess.Popen[bytes]) -> dict[str, float]:
    """VmHWM of each gunicorn worker (the master's children) and of the task worker."""
    import psutil

    found = {}
    master = next(iter(psutil.Process(server.pid).children()), None)  # under `timeout`
    workers = master.children() if master is not None else []
    task_worker = getattr(server, "worker", None)
    named = [(f"gunicorn worker {n}", p.pid) for n, p in enumerate(workers, start=1)]
    if task_worker is not None:
        named += [("task worker", p.pid) for p in psutil.Process(task_worker.pid).children()]
    for label, pid in named:
        status = Path(f"/proc/{pid}/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        found[label] = int(kib) / 1024
    return found


def met(done: bool) -> str:
    return "met" if done else "MISSED"


def markdown(engine: str, options: argparse.Namespace, result: Result) -> str:
    n = users_of(options.appraisers, options.units, options.users)
    floor = result.journey(FLOOR).p95_ms
    save = result.journey(SAVE).p95_ms
    surge_run = result.surged.run
    surge_p95 = surge_run.percentile(95) * 1000
    workers = {k: v for k, v in result.rss_mb.items() if k.startswith("gunicorn")}
    peak = max(workers.values(), default=0.0)
    lines = [
        f"# Load: the real journeys, then a deadline surge ({engine})",
        "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} by `make bench` "
        "(`bench/bench_load.py`).",
        "",
        "**Verdict:**",
        "",
        f"- Errors: {result.errors} (0 {'met' if result.errors == 0 else 'MISSED'}); "
        f"problems afterwards: {len(result.problems)} "
        f"(0 {'met' if not result.problems else 'MISSED'}).",
        f"- A reporter's save under the load: p95 {save / floor:.1f}× the minimal view's in "
        f"the same load (≤ {RATIO_TARGET:g}× {met(save <= RATIO_TARGET * floor)}).",
        f"- Peak memory of a gunicorn worker: {peak:.0f} MB "
        f"(≤ {RSS_TARGET_MB:g} MB {'met' if peak <= RSS_TARGET_MB else 'MISSED'}).",
        f"- The surge: {surge_run.ok(302)} of {len(surge_run.samples)} saves acknowledged, "
        f"{surge_run.rate:.1f} a second, p95 {surge_p95 / result.idle_floor_p95_ms:.0f}× the "
        "minimal view's measured alone (a surge sent at once queues: bench/bench_saves.py and "
        "docs/decisions.md, 15).",
        "",
        "## What is measured",
        "",
        f"One province of {options.units} communes in an open campaign of 80 criteria, a "
        "reporter signed in for each; the same communes in last year's campaign, its first "
        f"round being scored by {options.appraisers} appraisers of "
        "5 communes each; the province's office admin; the published results of a province "
        f"of {options.public_units:,} communes (two years) and of small provinces, for the "
        f"public. The portal runs under gunicorn {package_version('gunicorn')} "
        f"({options.workers} workers × 2 threads, production settings) on {engine}, the task "
        f"worker beside it; locust {package_version('locust')} runs {options.users} users "
        f"headless on the same machine for {options.minutes:g} minutes, each waiting between "
        "its actions as a person does (bench/load_journeys.py; citizens 2 to 10 s, reporters "
        f"and appraisers 10 to 30 s, the office 5 to 20 s): citizens ({n['citizen']} of "
        f"{options.users}) read the landing page, the big province's ranking (first and last "
        f"page), units' pages and the ranking's CSV; reporters ({n['reporter']}) open their "
        "form and save all 80 answers, each keeping one commune; appraisers "
        f"({n['appraiser']}) open a commune's scoring sheet and post it back with every score "
        f"changed; the office ({n['office']}) reads the campaign's page, its audit trail and "
        f"the appraisal's dashboard, and downloads the trail as CSV; {n['probe']} probes ask "
        "for `/healthz` (three small queries), the minimal view each journey is "
        "compared with, in the same load. Then the deadline surge of bench/bench_saves.py: "
        f"{options.saves} saves of 80 answers sent at once over {options.units} fresh "
        "communes. Afterwards every commune's answers are compared with its last acknowledged "
        "save (of the load and of the surge), the audit trail is verified, and each process's "
        "peak resident memory (VmHWM) is read before the server stops.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine().items()),
        "",
        f"## {options.users} users for {options.minutes:g} minutes",
        "",
        "| journey | requests | per second | p50 (ms) | p95 (ms) | p95 / floor | failures |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {j.name} | {j.requests:,} | {j.per_second:.1f} | {j.p50_ms:.0f} | "
            f"{j.p95_ms:.0f} | {j.p95_ms / floor:.1f}× | {j.failures} |"
            for j in result.journeys
        ),
        "",
        f"- The minimal view alone before the load (50 threads, 500 requests): p95 "
        f"{result.idle_floor_p95_ms:.0f} ms.",
        "- Failures: " + ("none" if not result.failures else "; ".join(result.failures[:10])),
        "",
        "## The deadline surge",
        "",
        "| | requests | wall (s) | per second | p50 (ms) | p95 (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| saves of 80 answers | {len(surge_run.samples)} | {surge_run.wall:.1f} | "
        f"{surge_run.rate:.1f} | {surge_run.percentile(50) * 1000:.0f} | {surge_p95:.0f} | "
        f"{sum(surge_run.errors.values())} |",
        "",
        "## Afterwards",
        "",
        "| process | peak resident memory (MB) |",
        "|---|---:|",
        *(f"| {label} | {mb:.0f} |" for label, mb in result.rss_mb.items()),
        "",
        "- Lost writes, and the audit trail: "
        + ("none, and it verifies" if not result.problems else "; ".join(result.problems[:10])),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
