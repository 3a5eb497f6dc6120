"""gunicorn's threaded worker as production runs it (portal.server_worker, deploy/gunicorn.conf.py):
a worker whose threads are all busy takes no new connection, so a request goes to a worker with
a thread free, and a worker listens again as soon as one of its threads is free. Real gunicorn
processes on 127.0.0.1, serving tests/deploy/timed_app.py, under `timeout`, stopped by their
PIDs."""

from __future__ import annotations

import contextlib
import http.client
import os
import runpy
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from portal.server_worker import SILENT_S
from tests.conftest import REPO
from tests.deploy.processes import start, stop
from tests.deploy.test_stack import HOST, free_port

pytestmark = pytest.mark.slow  # gunicorn processes

WORKER = "portal.server_worker.FreeThreadWorker"
SLOW_S = 2.0  # a request that holds its thread this long
QUICK_S = 0.5  # a request answered within this is not waiting behind a slow one


@contextlib.contextmanager
def serve(
    folder: Path, workers: int, threads: int = 1, worker_class: str = WORKER
) -> Iterator[int]:
    """gunicorn with `workers` of `threads` each, its port once every worker answers."""
    port = free_port()
    log = folder / f"gunicorn-{port}.log"
    server = start(
        [sys.executable, "-m", "gunicorn", "tests.deploy.timed_app:application",
         "--bind", f"{HOST}:{port}", "--chdir", str(REPO), "--workers", str(workers),
         "--worker-class", worker_class, "--threads", str(threads), "--keep-alive", "0",
         "--log-level", "warning"],
        {}, log, lifetime=120,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                get(port, "/")
                # every worker up: as many answering processes as workers, or the first
                # requests would all go to the first one started
                if len({get(port, "/")[1] for _ in range(20 * workers)}) == workers:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not answer:\n{log.read_text(errors='replace')[-3000:]}")
        yield port
    finally:
        stop(server)


def get(port: int, path: str) -> tuple[float, str, str]:
    """One request on a connection of its own: seconds to answer, the serving process's id
    and the answer's Connection header."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    start_time = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 200
        return time.perf_counter() - start_time, body, response.getheader("Connection", "")
    finally:
        connection.close()


def in_background(port: int, path: str) -> tuple[threading.Thread, list[tuple[float, str, str]]]:
    answers: list[tuple[float, str, str]] = []
    thread = threading.Thread(target=lambda: answers.append(get(port, path)))
    thread.start()
    time.sleep(0.3)  # the request is in its thread
    return thread, answers


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[int]:
    with serve(tmp_path, workers=2) as port:
        yield port


def test_production_runs_this_worker_without_keep_alive():
    config = runpy.run_path(str(REPO / "deploy" / "gunicorn.conf.py"))
    assert (config["worker_class"], config["keepalive"]) == (WORKER, 0)


def test_a_request_goes_to_a_worker_with_a_free_thread(two_workers: int):
    slow, answers = in_background(two_workers, f"/slow?seconds={SLOW_S}")
    quick = [get(two_workers, "/") for _ in range(12)]
    slow.join()
    busy = answers[0][1]
    # gthread gives each new connection to whichever worker takes it first, busy or not:
    # about half of these would wait for the slow one
    assert [pid for _, pid, _ in quick if pid == busy] == []
    assert max(seconds for seconds, _, _ in quick) < QUICK_S
    assert {header for _, _, header in quick} == {"close"}  # keep-alive off, as in production


def test_a_worker_listens_again_as_soon_as_its_thread_is_free(tmp_path: Path):
    # one worker of one thread: while its slow request runs it listens to nothing; when it
    # ends, the next request is taken at once, not at the next turn of the worker's loop
    # (gunicorn's loop waits up to a second for its sockets)
    with serve(tmp_path, workers=1) as port:
        for _ in range(3):
            seconds, _, _ = get(port, "/slow?seconds=1.5")
            assert seconds >= 1.5
            assert get(port, "/")[0] < 0.25


def test_two_slow_requests_run_side_by_side(two_workers: int):
    # both workers listen again after their first slow request: the second pair overlaps too
    for _ in range(2):
        first, answers = in_background(two_workers, f"/slow?seconds={SLOW_S}")
        seconds, pid, _ = get(two_workers, f"/slow?seconds={SLOW_S}")
        first.join()
        assert pid != answers[0][1]
        assert seconds < SLOW_S + QUICK_S


def test_a_burst_is_spread_over_the_workers_two_requests_to_each(tmp_path: Path):
    # production's two threads a worker: as many slow requests at once as there are threads
    # in all run side by side, none waiting behind another in a worker that took too many
    with serve(tmp_path, workers=2, threads=2) as port:
        for _ in range(3):
            with ThreadPoolExecutor(max_workers=4) as clients:
                answers = list(clients.map(lambda _: get(port, "/slow?seconds=1.5"), range(4)))
            assert sorted(Counter(pid for _, pid, _ in answers).values()) == [2, 2]
            assert max(seconds for seconds, _, _ in answers) < 1.5 + QUICK_S


def test_a_connection_that_sends_nothing_does_not_keep_the_worker_from_others(tmp_path: Path):
    # one worker of one thread: a connection opened in advance and left silent (a browser
    # may) counts as taking the thread for a moment only
    with serve(tmp_path, workers=1) as port, socket.create_connection((HOST, port)):
        time.sleep(0.2)  # accepted
        seconds, _, _ = get(port, "/")
        assert seconds < SILENT_S + 1.5  # gunicorn's loop looks again within a second


def test_an_idle_worker_sleeps(tmp_path: Path):
    with serve(tmp_path, workers=2) as port:
        get(port, "/slow?seconds=0.2")  # a thread finished: the wake was written and read
        before = cpu_seconds(port)
        time.sleep(2)
        assert cpu_seconds(port) - before < 0.2


def cpu_seconds(port: int) -> float:
    """The CPU time of the gunicorn processes listening on `port` and their workers."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue
        if "tests.deploy.timed_app" in command and f":{port}" in command:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
