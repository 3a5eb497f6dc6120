"""The files docs/deployment.md copies onto a server are valid as their programs read them:
the systemd units by `systemd-analyze verify`, the production Caddyfile by Caddy itself.
tests/deploy/test_stack.py runs gunicorn's configuration and Caddy's snippet for real."""

from __future__ import annotations

import builtins
import io
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())


def test_every_unit_file_is_installed_by_the_documentation():
    guide = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert [unit.name for unit in UNITS if unit.name not in guide] == []


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_systemd_reads_the_unit_without_a_complaint(unit: Path, tmp_path: Path):
    # the unit as installed, with /opt/dti being this checkout (its commands must exist)
    venv = Path(sys.executable).parent.parent
    text = unit.read_text(encoding="utf-8").replace("/opt/dti/.venv", str(venv))
    copies = [tmp_path / unit.name]
    copies[0].write_text(text.replace("/opt/dti", str(REPO)), encoding="utf-8")
    if unit.suffix == ".timer":  # a timer is checked with the service it starts
        service = unit.with_suffix(".service")
        copies.append(tmp_path / service.name)
        copies[1].write_text(
            service.read_text(encoding="utf-8")
            .replace("/opt/dti/.venv", str(venv))
            .replace("/opt/dti", str(REPO)),
            encoding="utf-8",
        )
    checked = subprocess.run(
        ["systemd-analyze", "verify", *map(str, copies)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (checked.returncode, checked.stderr.strip()) == (0, "")


def test_caddy_reads_the_production_caddyfile_with_the_portals_snippet(tmp_path: Path):
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(
        (DEPLOY / "caddy" / "Caddyfile")
        .read_text(encoding="utf-8")
        .replace("/etc/caddy/dti.caddy", str(DEPLOY / "caddy" / "dti.caddy"))
        .replace("/etc/caddy/dti-servers.caddy", str(DEPLOY / "caddy" / "servers.caddy")),
        encoding="utf-8",
    )
    adapted = subprocess.run(
        ["caddy", "adapt", "--config", str(caddyfile), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DTI_DOMAIN": "dti.example.vn", "HOME": str(tmp_path)},
    )
    server = json.loads(adapted.stdout)["apps"]["http"]["servers"]["srv0"]
    assert server["listen"] == [":443"]
    route = server["routes"][0]
    assert route["match"] == [{"host": ["dti.example.vn"]}]
    handlers = {
        handler["handler"]: handler for handler in route["handle"][0]["routes"][0]["handle"]
    }
    assert handlers["reverse_proxy"]["upstreams"] == [{"dial": "127.0.0.1:8000"}]
    assert handlers["request_body"]["max_size"] >= 20 * 1024 * 1024  # DTI_EVIDENCE_MAX_MB
    # a client's time to send its request is bounded (deploy/caddy/servers.caddy), in ns
    assert server["read_header_timeout"] == 10 * 10**9
    assert server["read_timeout"] == 30 * 60 * 10**9


EIGHT_CORES = set(range(8))


def gunicorn_workers(
    monkeypatch: pytest.MonkeyPatch, cores: set[int], quota: str | None, workers: str | None
) -> object:
    """deploy/gunicorn.conf.py's `workers`, read on a machine where the server may run on
    `cores`, its control group's CPU quota `quota` (None: no such file), DTI_WORKERS
    `workers` (None: unset)."""
    monkeypatch.delenv("DTI_WORKERS", raising=False)
    if workers is not None:
        monkeypatch.setenv("DTI_WORKERS", workers)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cores)
    real_open = builtins.open

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if file == "/sys/fs/cgroup/cpu.max":
            if quota is None:
                raise FileNotFoundError(file)
            return io.StringIO(quota)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"]


@pytest.mark.parametrize(
    ("quota", "expected"),
    [
        (None, 8),  # no cgroup v2 quota file: every core it may run on
        ("max 100000\n", 8),  # no quota
        ("200000 100000\n", 2),  # a container of 2 CPUs on a host of 8
        ("150000 100000\n", 2),  # a CPU and a half: 2 workers, the second part-time
        ("50000 100000\n", 1),  # half a CPU: one worker all the same
        ("1600000 100000\n", 8),  # a quota above its cores: its cores
        ("garbage\n", 8),  # unreadable: its cores
    ],
)
def test_gunicorn_runs_a_worker_a_core_the_server_may_use(
    monkeypatch: pytest.MonkeyPatch, quota: str | None, expected: int
):
    """One worker for each core the server may use: those it may run on (its CPU affinity,
    which a cpuset or systemd's CPUAffinity narrows), fewer where its control group's quota
    gives it less time than that (a container's --cpus), never every core of the host."""
    assert gunicorn_workers(monkeypatch, EIGHT_CORES, quota, None) == expected
    assert gunicorn_workers(monkeypatch, {0}, quota, None) == 1


@pytest.mark.parametrize(("workers", "expected"), [("", 2), ("5", 5), ("1", 1)])
def test_dti_workers_says_how_many_where_it_is_set(
    monkeypatch: pytest.MonkeyPatch, workers: str, expected: int
):
    assert gunicorn_workers(monkeypatch, EIGHT_CORES, "200000 100000", workers) == expected
