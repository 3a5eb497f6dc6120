"""The files docs/deployment.md copies onto a server are valid as their programs read them:
the systemd units by `systemd-analyze verify`, the production Caddyfile by Caddy itself.
tests/deploy/test_stack.py runs gunicorn's configuration and Caddy's snippet for real."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({}, "cores"), ({"DTI_WORKERS": ""}, "cores"), ({"DTI_WORKERS": "5"}, 5)],
    ids=["unset", "empty", "set"],
)
def test_gunicorn_runs_a_worker_a_core_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: object
):
    """One worker for each core the server may use (its CPU affinity, which a container or
    a systemd CPUAffinity narrows), not every core of the machine; DTI_WORKERS says how
    many where it is set."""
    monkeypatch.delenv("DTI_WORKERS", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    cores = {0} if expected == "cores" else set(os.sched_getaffinity(0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cores)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == (1 if expected == "cores" else expected)
