"""Benchmark of the public results portal at national scale, under 32 concurrent clients,
against a minimal view of the same server in the same run.

A fresh SQLite database (WAL) in a temporary folder is migrated and filled by
bench/public_data.py: a province whose commune level has 3,300 units (today's number of
communes nationally), published for two years, and a few small provinces. The portal then
runs under gunicorn with production settings (DTI_DEBUG off, a generated secret key, HTTPS
as a proxy in front would report it) on a free port of 127.0.0.1. 32 client threads keep
requests in flight against one address at a time: /healthz (the floor: three small queries,
the task worker's heartbeat among them, and a small JSON answer), the national landing
page, the ranking of the big level (its first page and its last: it is read 200 units a
page), unit pages of that level and its ranking as CSV. Every p95 is compared with the floor's p95.

    .venv/bin/python bench/bench_public.py --out docs/performance-public.md

Exits 0 whether or not the targets are met (a missed one is written as MISSED); 1 when a
response is not 200 or a body is not what it should be (the ranking's last page without the
last unit's name, a CSV without one line per unit).
"""

from __future__ import annotations

import argparse
import gc
import http.client
import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's code, before bench_engine imports dti

from bench_engine import machine, positive  # noqa: E402
from public_load import (  # noqa: E402
    HOST,
    REQUEST_TIMEOUT_S,
    ROUNDS,
    Measured,
    fetch,
    measure,
    targets,
)

if TYPE_CHECKING:
    from public_data import Published

START_TIMEOUT_S = 60.0
TARGETS = {"landing": 2.0, "ranking": 3.0, "unit": 2.0, "csv": 3.0}  # p95 / floor's p95


# ---- the database and the server ------------------------------------------------------------


def environment(folder: Path) -> dict[str, str]:
    """Production settings (docs/configuration.md) for a throwaway portal: variables already
    set pass through (e.g. a rate limit), these win."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
        "DTI_DEBUG": "false",
        "DTI_SECRET_KEY": secrets.token_urlsafe(64),
        "DTI_ALLOWED_HOSTS": HOST,
        "DTI_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "DTI_DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",  # absolute: four slashes
        "DTI_AUDIT_ANCHOR_DIR": str(folder / "audit-anchor"),
        "DTI_EVIDENCE_ROOT": str(folder / "evidence"),
        "DTI_STATIC_ROOT": str(folder / "static"),
        "DTI_JOB_FILES_ROOT": str(folder / "job-files"),
        # The 32 clients share one address: the open data's per-address rate would refuse
        # them (429); what is measured here is the serving, not the limit.
        "DTI_PUBLIC_RATE": "0",
        # The workers share one cache, as in production: a page is built once for all.
        "DTI_CACHE_DIR": str(folder / "cache"),
    }


def prepared(env: dict[str, str], units: int) -> Published:
    """Migrate and fill the database in this process; the published data's description."""
    os.environ.update(env)
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
    from public_data import general_table_size, national_scale

    published = national_scale(units)
    if general_table_size(published) != units:
        raise SystemExit(f"the general ranking does not hold the {units} units published")
    connections.close_all()  # the server's workers are the database's only users from now
    return published


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def server_settings() -> dict[str, str]:
    """The worker class, workers, threads per worker and keep-alive deploy/gunicorn.conf.py
    gives gunicorn in production (with this environment's DTI_WORKERS and DTI_THREADS, if
    set)."""
    config = runpy.run_path(str(REPO / "deploy" / "gunicorn.conf.py"))
    names = ("worker_class", "workers", "threads", "keepalive")
    return {name: str(config[name]) for name in names}


def production_workers() -> int:
    """The number of workers deploy/gunicorn.conf.py starts in production on this machine:
    each benchmark's default."""
    return int(server_settings()["workers"])


def described_server() -> dict[str, str]:
    """`server_settings` as the reports name them."""
    settings = server_settings()
    seconds = int(settings["keepalive"])
    return {
        "worker_class": settings["worker_class"],
        "threads": settings["threads"],
        "keepalive": f"{seconds} s" if seconds else "off",
    }


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path, lifetime: float
) -> subprocess.Popen[bytes]:
    """gunicorn under `timeout`, with production's configuration file (its worker class,
    threads, keep-alive, the requests a worker lives, its request timeout, its access log,
    written beside `log`), `workers` workers, on 127.0.0.1: stopped by its PID at the end,
    and in any case after `lifetime` seconds, even if this process dies first."""
    command = [
        "timeout", "--kill-after=10", str(int(lifetime)),
        sys.executable, "-m", "gunicorn", "portal.wsgi:application",
        "--config", str(REPO / "deploy" / "gunicorn.conf.py"),
        "--bind", f"{HOST}:{port}", "--chdir", str(REPO), "--workers", str(workers),
        "--graceful-timeout", "5", "--error-logfile", str(log), "--log-level", "warning",
        "--access-logfile", str(log.with_suffix(".access.log")),
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
    # the task worker beside it, as `make serve` runs it: /healthz answers 200 once it beats
    worker = [
        "timeout", "--kill-after=10", str(int(lifetime)),
        sys.executable, str(REPO / "manage.py"), "worker",
    ]  # fmt: skip
    with log.with_suffix(".worker.log").open("wb") as output:
        server.worker = subprocess.Popen(  # type: ignore[attr-defined]  # noqa: S603  (our own command)
            worker, env=env, cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            status, _ = fetch(http.client.HTTPConnection(HOST, port, timeout=2), "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""
    raise SystemExit(f"gunicorn did not answer /healthz within {START_TIMEOUT_S:g} s\n{tail}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM by its PID (`timeout` passes it on: gunicorn stops its workers), then SIGKILL
    to the process group it was started in, if anything is left after 15 s; the same for
    the task worker beside it."""
    for process in (server, getattr(server, "worker", None)):
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# ---- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    published: Published
    runs: list[Measured]
    problems: list[str]
    clients: int
    seconds: float
    workers: int
    setup_seconds: float
    host: dict[str, str]
    date: str

    @property
    def floor(self) -> Measured:
        return self.runs[0]

    def ratio(self, run: Measured) -> float:
        return run.percentile(95) / self.floor.percentile(95)

    def spread(self, run: Measured) -> str:
        """The lowest and highest ratio of one round's p95 to the floor's in that round."""
        ratios = [
            run.percentile(95, n) / self.floor.percentile(95, n) for n in range(len(run.slices))
        ]
        return f"{min(ratios):.2f}–{max(ratios):.2f}×" if ratios else "—"

    def status(self, run: Measured) -> str:
        if run.errors:
            return f"**FAILED**: {sum(run.errors.values()):,} answers not 200"
        if run.target.key not in TARGETS:
            return "—"
        return "met" if self.ratio(run) <= TARGETS[run.target.key] else "**MISSED**"

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(run.errors for run in self.runs)


MEASURED = """\
A fresh SQLite database (WAL journal, as `DTI_DATABASE_URL=sqlite:///…` sets it up) is migrated
(and the static files collected, as a deployment does) and filled through the portal's own
services by `bench/public_data.py`: {province} with a commune level of {units:,} units (3,300
by default, today's number of communes nationally; 8 main indices, four classes, two peer
groups by an attribute, bench_engine's seeded generator) published for {years}, so every unit
has last year's rank beside this year's, and {small} provinces with a level of {small_units}
provincial agencies: {provinces} provinces on the landing page. Setting it up took {setup:.0f}
s, before any timing.

The portal then runs as in production: gunicorn {gunicorn}, {workers} workers of {threads}
threads (`{worker_class}`, keep-alive {keepalive}, as deploy/gunicorn.conf.py sets them) on
127.0.0.1, `DTI_DEBUG` off, a generated `DTI_SECRET_KEY`,
`DTI_ALLOWED_HOSTS` set, HTTPS as a reverse proxy in front reports it (`DTI_PROXY_SSL_HEADER`;
the requests carry `X-Forwarded-Proto: https`), and `DTI_PUBLIC_RATE=0`: the clients share one
address, which the open data's per-address rate would refuse; the workers share their cache
(`DTI_CACHE_DIR`), so a page is built once for all of them. No request reads a static file, so
`collectstatic` is not needed. The server is stopped by its PID at the end, on error too, and
runs under `timeout`, so it stops even if the benchmark itself is killed.

{clients} client threads of this process, each with its own connection (opened again when the
server closes it after an answer, as it does with keep-alive off), keep
requests in flight against one kind of request at a time, for {seconds:g} s each, in {rounds}
interleaved slices (every kind sees the same machine). Before timing, every address is
requested once and its body checked, then loaded for a short slice (warm-up: caches of every
worker filled); after the load, every address is checked once more. Times are from sending the
request to the last byte of the answer (`time.perf_counter`); p50 and p95 by nearest rank, over
all rounds. The **floor** is `/healthz`: three small queries and a small JSON answer through
the same middleware, server and clients. Each target is a p95 at most so many times the floor's
p95 in the same run; "by round" gives the lowest and highest ratio of one round's p95s, which
shows how much of a ratio is the machine's noise (other work on it, the clients' own
scheduling).
"""


def results_table(report: Report) -> list[str]:
    lines = [
        "| request | answers | not 200 | p50 (ms) | p95 (ms) | answers/s | body (bytes)"
        " | p95 / floor | by round | target | status |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in report.runs:
        target = TARGETS.get(run.target.key)
        lines.append(
            f"| {run.target.label} | {len(run.samples):,} | {sum(run.errors.values()):,}"
            f" | {run.percentile(50) * 1000:.1f} | {run.percentile(95) * 1000:.1f}"
            f" | {run.rate:.1f} | {run.size:,} | {report.ratio(run):.2f}×"
            f" | {report.spread(run)}"
            f" | {f'≤ {target:g}×' if target else '—'} | {report.status(run)} |"
        )
    return lines


def addresses(report: Report) -> list[str]:
    lines = []
    for run in report.runs:
        paths = run.target.paths
        more = f" … ({len(paths)} in turn)" if len(paths) > 1 else ""
        lines.append(f"- {run.target.label}: `{paths[0]}`{more}")
    return lines


def checks(report: Report) -> list[str]:
    statuses = Counter(code for run in report.runs for code in run.errors.elements())
    if not report.failed:
        return ["Every answer was 200 and every body was as expected (the ranking's first page"
                " holds the first unit and its last page the last one, the CSV every unit, one"
                " line each and a header, each unit page its unit, the landing page every"
                " province)."]  # fmt: skip
    lines = [f"- {problem}" for problem in report.problems[:20]]
    if len(report.problems) > 20:
        lines.append(f"- … and {len(report.problems) - 20} more")
    lines += [f"- {count:,} answers {code or 'missing (no answer)'}" for code, count in
              sorted(statuses.items())]  # fmt: skip
    return ["**FAILED**: some answers were wrong, so the timings above are not of the pages.",
            "", *lines]  # fmt: skip


def verdict(report: Report) -> str:
    parts = [
        f"{run.target.key} {report.ratio(run):.2f}× (≤ {TARGETS[run.target.key]:g}×"
        f" {report.status(run)})"
        for run in report.runs
        if run.target.key in TARGETS
    ]
    return "p95 against the floor's: " + ", ".join(parts) + "."


def markdown(report: Report) -> str:
    p = report.published
    host = {
        **report.host,
        "gunicorn": f"{package_version('gunicorn')}, {report.workers} workers × 2 threads",
        "clients": f"{report.clients} threads, {report.seconds:g} s per request kind",
    }
    text = MEASURED.format(
        province=f"{p.province_name} (`{p.province}`)", units=p.units,
        small_units=p.small_units, years=" and ".join(map(str, p.years)),
        small=len(p.provinces) - 1, provinces=len(p.provinces), setup=report.setup_seconds,
        gunicorn=package_version("gunicorn"), workers=report.workers, clients=report.clients,
        seconds=report.seconds, rounds=ROUNDS, **described_server(),
    )  # fmt: skip
    return "\n".join(
        [
            "# Public portal performance",
            "",
            f"Measured {report.date} by `make bench` (`bench/bench_public.py`).",
            "",
            f"**Verdict:** {verdict(report)}",
            "",
            "## What is measured",
            "",
            text,
            *addresses(report),
            "",
            "## Machine",
            "",
            "| | |",
            "|---|---|",
            *(f"| {key} | {value} |" for key, value in host.items()),
            "",
            "## Results",
            "",
            *results_table(report),
            "",
            *checks(report),
            "",
            "Reproduce: `make bench`, or `.venv/bin/python bench/bench_public.py --out"
            " docs/performance-public.md` (options: `--units`, `--clients`, `--seconds`,"
            " `--workers`). Variables already set in the environment reach the server (a rate"
            " limit, for instance); those above win.",
            "",
        ]
    )


# ---- command line ---------------------------------------------------------------------------


def workers(text: str) -> int:
    value = int(text)
    if not 2 <= value <= 4:
        raise argparse.ArgumentTypeError(f"2 to 4 workers, not {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=positive, default=3300, help="units of the big level")
    parser.add_argument("--clients", type=positive, default=32)
    parser.add_argument("--seconds", type=positive, default=15, help="per kind of request")
    parser.add_argument(
        "--workers",
        type=workers,
        default=min(4, max(2, production_workers())),
        help="gunicorn workers, 2 to 4 (default: production's, deploy/gunicorn.conf.py, "
        "within those)",
    )
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the server
    host = machine()  # the load average before the work starts
    with tempfile.TemporaryDirectory(prefix="dti-bench-public-") as folder:
        env = environment(Path(folder))
        started = time.perf_counter()
        published = prepared(env, args.units)
        setup = time.perf_counter() - started
        gc.collect()
        gc.freeze()  # Django and the data stay; no collection pauses the clients to walk them
        wanted = targets(published)
        lifetime = 120 + len(wanted) * (2 * args.seconds + (ROUNDS + 2) * REQUEST_TIMEOUT_S)
        port = free_port()
        server = start_server(env, port, args.workers, Path(folder) / "gunicorn.log", lifetime)
        try:
            runs, problems = measure(port, wanted, args.clients, args.seconds)
        finally:
            stop_server(server)
    host["load average (1 min) at the end"] = f"{os.getloadavg()[0]:.2f}"
    report = Report(
        published, runs, problems, args.clients, args.seconds, args.workers, setup, host,
        datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )  # fmt: skip
    print(markdown(report))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(report), encoding="utf-8")
        print(f"written to {args.out}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
