"""The clients of the public portal's benchmark (bench/bench_public.py): threads that keep
requests in flight against the server and time every answer, and the checks of the bodies.

Each client has its own kept-alive connection (http.client), as a browser has; the answers
are timed from sending the request to the last byte of the body, with `time.perf_counter`.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from public_data import Published

HOST = "127.0.0.1"
ROUNDS = 5  # each address is measured in this many slices, interleaved with the others
REQUEST_TIMEOUT_S = 60.0
# A proxy in front terminates HTTPS and says so; the portal trusts the header only because
# DTI_PROXY_SSL_HEADER tells it to (docs/configuration.md).
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "vi"}


@dataclass(frozen=True)
class Target:
    """One kind of request: its addresses (requested in turn) and how a body is checked."""

    key: str
    label: str
    paths: tuple[str, ...]
    check: Callable[[str, bytes], str | None]  # a problem with the body of `path`, or None


@dataclass
class Sample:
    status: int  # 0: no answer (connection error or timeout)
    seconds: float


@dataclass
class Measured:
    target: Target
    slices: list[list[Sample]] = field(default_factory=list)  # one per round
    wall: float = 0.0  # seconds the slices lasted, first request to last answer
    size: int = 0  # bytes of the checked body (the first address)

    @property
    def samples(self) -> list[Sample]:
        return [sample for samples in self.slices for sample in samples]

    def percentile(self, p: float, round_: int | None = None) -> float:
        """Nearest rank: the smallest time at least p % of the answers took no longer than
        (all rounds, or one)."""
        chosen = self.samples if round_ is None else self.slices[round_]
        ordered = sorted(sample.seconds for sample in chosen)
        return ordered[max(0, math.ceil(len(ordered) * p / 100) - 1)] if ordered else math.nan

    @property
    def errors(self) -> Counter[int]:
        return Counter(s.status for s in self.samples if s.status != 200)

    @property
    def rate(self) -> float:
        return len(self.samples) / self.wall if self.wall else 0.0


# ---- what is requested, and how bodies are checked ------------------------------------------


def named(name: str, body: str) -> bool:
    """The unit's name as a whole name: "Xã Đập Đá 12" must not match "Xã Đập Đá 123"."""
    return re.search(re.escape(name) + r"(?![\d])", body) is not None


def targets(p: Published) -> list[Target]:
    base = f"/ket-qua/{p.province}/{p.year}/{p.level}/"
    names = {f"{base}don-vi/{code}/": name for code, name in p.unit_pages}

    def floor(path: str, body: bytes) -> str | None:
        return None if json.loads(body).get("status") == "ok" else "status is not ok"

    def landing(path: str, body: bytes) -> str | None:
        missing = [name for name in p.provinces if name not in body.decode()]
        return f"provinces missing: {', '.join(missing)}" if missing else None

    # The ranking is read a page at a time: its first page and its last are asked for.
    last_page = f"{base}?trang={p.ranking_pages}"

    def ranking(path: str, body: bytes) -> str | None:
        name = p.last_unit if path == last_page else p.first_unit
        found = named(name, body.decode())
        return None if found else f"no '{name}' on {path} ({p.units} units)"

    def unit(path: str, body: bytes) -> str | None:
        return None if named(names[path], body.decode()) else f"no '{names[path]}'"

    def csv(path: str, body: bytes) -> str | None:
        lines = body.decode("utf-8-sig").splitlines()
        if len(lines) != p.units + 1:
            return f"{len(lines)} lines instead of {p.units + 1} (a header and one per unit)"
        return None if named(p.last_unit, body.decode("utf-8-sig")) else f"no '{p.last_unit}'"

    return [
        Target("floor", "minimal view (floor)", ("/healthz",), floor),
        Target("landing", "national landing page", ("/ket-qua/",), landing),
        Target("ranking", f"ranking page, {p.units:,} units", (base, last_page), ranking),
        Target("unit", "unit page", tuple(names), unit),
        Target("csv", f"ranking CSV, {p.units:,} units", (f"{base}tong-the.csv",), csv),
    ]


# ---- the clients ----------------------------------------------------------------------------


def fetch(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers=HEADERS)
    response = connection.getresponse()
    body = response.read()
    if response.will_close:
        connection.close()  # the next request opens a new connection
    return response.status, body


def timed_fetch(connection: http.client.HTTPConnection, path: str) -> Sample:
    """One request; a kept-alive connection the server has just closed is retried once."""
    for attempt in (1, 2):
        reused = connection.sock is not None
        start = time.perf_counter()
        try:
            status, _ = fetch(connection, path)
            return Sample(status, time.perf_counter() - start)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()
            if not reused or attempt == 2:
                return Sample(0, time.perf_counter() - start)
        except (OSError, http.client.HTTPException):
            connection.close()
            return Sample(0, time.perf_counter() - start)
    raise AssertionError("unreachable")


def load(
    port: int, paths: Sequence[str], clients: int, seconds: float
) -> tuple[list[Sample], float]:
    """`clients` threads, each with its own kept-alive connection, requesting `paths` in turn
    until `seconds` have passed; every answer is timed. Returns the samples and the wall time
    from the first request to the last answer."""
    samples: list[Sample] = []
    start = time.perf_counter()
    deadline = start + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        turn = offset
        while time.perf_counter() < deadline:
            samples.append(timed_fetch(connection, paths[turn % len(paths)]))
            turn += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 2 * REQUEST_TIMEOUT_S)
    return samples, time.perf_counter() - start


def checked(port: int, target: Target) -> tuple[list[str], int]:
    """Each address requested once: the problems with its answer, and the first body's size."""
    problems, size = [], 0
    for path in target.paths:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        try:
            status, body = fetch(connection, path)
        except (OSError, http.client.HTTPException) as error:
            problems.append(f"GET {path}: {error}")
            continue
        finally:
            connection.close()
        size = size or len(body)
        if status != 200:
            problems.append(f"GET {path}: {status}")
            continue
        try:
            problem = target.check(path, body)
        except (ValueError, UnicodeDecodeError) as error:
            problem = str(error)
        if problem:
            problems.append(f"GET {path}: {problem}")
    return problems, size


def measure(
    port: int, wanted: list[Target], clients: int, seconds: float
) -> tuple[list[Measured], list[str]]:
    """Warm-up (every address checked, then a slice of load each, not timed: the caches of
    every worker filled), then ROUNDS interleaved slices per target, so they all see the same
    machine, then every address checked again (as caches now answer). Returns the
    measurements and every problem found on the way."""
    runs = [Measured(target) for target in wanted]
    problems: list[str] = []
    for run in runs:
        found, run.size = checked(port, run.target)
        warm, _ = load(port, run.target.paths, clients, max(1.0, seconds / 5))
        wrong = sum(1 for sample in warm if sample.status != 200)
        problems += found
        if wrong:
            problems.append(f"{run.target.label}: {wrong} answers not 200 in the warm-up")
    for _ in range(ROUNDS):
        for run in runs:
            samples, wall = load(port, run.target.paths, clients, seconds / ROUNDS)
            run.slices.append(samples)
            run.wall += wall
    for run in runs:
        problems += [f"{problem} (after the load)" for problem in checked(port, run.target)[0]]
    return runs, problems
