"""The deployment tests' processes: the portal's commands and servers, each under `timeout`
(so it stops by itself whatever happens to the test) in a session of its own, stopped by
its PID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import REPO


def manage(env: dict[str, str], *args: str) -> str:
    """`manage.py ARGS` in the environment `env`; its standard output, or the test fails
    with its error output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def start(
    command: list[str], env: dict[str, str], log: Path, lifetime: int = 300
) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            ["timeout", "--kill-after=10", str(lifetime), *command],
            cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the whole group at once: a server's master and workers, as a power cut."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (`timeout` passes it on), then SIGKILL to the group after 30 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill(process)


def wait_for(url: str, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=30).status_code == 200:
                return
        except requests.RequestException:  # not up yet, or busy starting
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer:\n{log.read_text(errors='replace')[-3000:]}")
