"""The task worker as it runs beside the portal (`manage.py worker`, docs/tasks.md), as real
processes on a SQLite database of their own: a worker killed with `kill -9` in the middle of
a job leaves it to the next worker, which runs it again to the end once the dead one's
heartbeat is stale; SIGTERM lets the job in hand finish before the worker stops. Every
process runs under `timeout` and is stopped by its PID."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.deploy.processes import kill, manage, start

pytestmark = pytest.mark.slow  # migrations, then worker processes for seconds

LIFETIME_S = 300
STEPS = 40  # a run of the job: about 4 s


def environment(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DTI_", "DJANGO_"))}
    env.update(
        DTI_DEBUG="1",
        DTI_DATABASE_URL=f"sqlite:///{folder / 'dti.sqlite3'}",
        DTI_JOB_FILES_ROOT=str(folder / "job-files"),
        DTI_AUDIT_ANCHOR_DIR=str(folder / "anchor"),
        DTI_EVIDENCE_ROOT=str(folder / "evidence"),
        DTI_WORKER_BEAT_SECONDS="1",
        DTI_WORKER_STALE_SECONDS="3",
        DTI_LOG_FORMAT="text",
    )
    return env


def worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "manage.py", "worker", "--interval", "0.2"]
    return start(command, env, log, LIFETIME_S)


def read(folder: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / "dti.sqlite3", timeout=20) as db:
        return db.execute(sql, params).fetchall()


def job(folder: Path, pk: int) -> tuple[str, int, int, str]:
    row = read(folder, "SELECT state, attempts, done, error FROM jobs_job WHERE id = ?", pk)[0]
    return str(row[0]), int(row[1]), int(row[2]), str(row[3])  # type: ignore[call-overload]  # sqlite3's rows are untyped


def wait_until(check: Callable[[], bool], seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"not within {seconds} s; the workers wrote:\n{log.read_text()[-3000:]}")


@pytest.fixture
def queued(tmp_path: Path) -> tuple[Path, dict[str, str], int]:
    """A migrated database with one job queued: counting slowly, for a person."""
    env = environment(tmp_path)
    manage(env, "migrate", "--no-input", "-v", "0")
    pk = manage(env, "shell", "-c", (
        "from portal.accounts.models import User; "
        "from portal.jobs.services import job_start; "
        "from tests.deploy.durability_tasks import count_slowly; "
        "person = User.objects.create_user('nguoi-hoi', password='x', full_name='Người Hỏi'); "
        f"print(job_start(count_slowly, user=person, params={{'steps': {STEPS}}}).pk)"
    ))  # fmt: skip
    return tmp_path, env, int(pk.splitlines()[-1])


def tasks_ended(folder: Path) -> bool:
    statuses = read(folder, "SELECT status FROM django_tasks_database_dbtaskresult")
    return all(status in ("FAILED", "SUCCESSFUL") for (status,) in statuses)


def test_a_job_whose_worker_is_killed_is_finished_by_the_next(queued):
    folder, env, pk = queued
    log = folder / "workers.log"
    first = worker(env, log)
    try:
        wait_until(lambda: job(folder, pk)[2] >= 5, 60, log)  # well into its run
        kill(first)  # SIGKILL to `timeout` and the worker at once
        assert job(folder, pk)[0] == "running"  # cut short: nobody said it ended
        second = worker(env, log)
        try:
            # done, and the queue has recorded its task as ended (just after the job's end)
            wait_until(lambda: job(folder, pk)[0] == "done" and tasks_ended(folder), 60, log)
        finally:
            kill(second)
    finally:
        kill(first)
    state, attempts, done, error = job(folder, pk)
    assert (state, attempts, done, error) == ("done", 2, STEPS, "")
    made = (folder / "job-files" / f"{pk}.bin").read_text(encoding="utf-8")
    assert made.startswith(f"{STEPS} bước, tiến trình ")
    tasks = read(folder, "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
                         "ORDER BY enqueued_at")  # fmt: skip
    assert tasks == [("FAILED", "portal.jobs.services.WorkerLost"), ("SUCCESSFUL", "")]
    assert "lost its worker: queued again" in log.read_text()


def test_sigterm_lets_the_job_in_hand_finish(queued):
    folder, env, pk = queued
    log = folder / "worker.log"
    process = worker(env, log)
    try:
        wait_until(lambda: job(folder, pk)[0] == "running", 60, log)
        os.kill(process.pid, signal.SIGTERM)  # `timeout` passes it on to the worker
        assert process.wait(timeout=60) == 0
    finally:
        kill(process)
    assert job(folder, pk)[:3] == ("done", 1, STEPS)
    assert read(folder, "SELECT COUNT(*) FROM jobs_workerbeat") == [(0,)]  # it said goodbye


def child_of(pid: int) -> int:
    """The process `timeout` (pid) runs: the one whose parent it is."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            return int(stat.parent.name)
    raise AssertionError(f"no child of {pid}")


def test_a_second_signal_later_stops_the_job_in_hand(queued):
    """`timeout` delivers each SIGTERM twice at once (to the worker and to its group): one
    request. A second request, seconds later, stops the job; the next worker runs it again."""
    folder, env, pk = queued
    log = folder / "worker.log"
    process = worker(env, log)
    try:
        wait_until(lambda: job(folder, pk)[0] == "running", 60, log)
        os.kill(process.pid, signal.SIGTERM)
        time.sleep(1.5)
        assert process.poll() is None  # still finishing the job in hand
        os.kill(child_of(process.pid), signal.SIGTERM)  # `timeout` passes on only the first
        process.wait(timeout=60)
    finally:
        kill(process)
    state, attempts, done, _ = job(folder, pk)
    assert (state, attempts) == ("running", 1) and done < STEPS  # cut short, to be run again
