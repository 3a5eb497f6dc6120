"""Acknowledged saves survive `kill -9` of the web server (docs/reliability.md): the demo on
a SQLite file of its own, served by gunicorn with deploy/gunicorn.conf.py; Lan saves Sở
Nội vụ's self-assessment again and again through the pages, as her browser does (the form,
then "Lưu nháp"), each time with a new value; in the middle of that stream the server's
whole process group is killed with SIGKILL. After a restart, every value the server
acknowledged (its redirect after the save) is in the database and in the audit trail, and
the trail's chain verifies. Every process runs under `timeout` and is stopped by its PID."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import TABLES
from tests.deploy.processes import kill, manage, start, wait_for
from tests.deploy.test_stack import free_port
from tests.portal.assessments.conftest import FormFields

pytestmark = pytest.mark.slow  # the demo loaded, then a server started twice

HOST = "127.0.0.1"
LIFETIME_S = 300
CRITERION = "cqs_ky_so"  # a percentage: every save below writes a new one
ACKNOWLEDGED_BEFORE_KILL = 12
PASSWORD = "dti-demo-2025"  # the demo's, printed on its login page


def environment(folder: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DTI_", "DJANGO_"))}
    env.update(
        DTI_DEBUG="1",  # plain HTTP to 127.0.0.1: cookies without "Secure"
        DTI_BIND=f"{HOST}:{port}",
        DTI_WORKERS="2",
        DTI_THREADS="2",
        DTI_DATABASE_URL=f"sqlite:///{folder / 'dti.sqlite3'}",
        DTI_EVIDENCE_ROOT=str(folder / "evidence"),
        DTI_AUDIT_ANCHOR_DIR=str(folder / "anchor"),
        DTI_JOB_FILES_ROOT=str(folder / "job-files"),
        DTI_LOG_FORMAT="text",
    )
    return env


def serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                "portal.wsgi:application"]  # fmt: skip
    return start(gunicorn, env, log, LIFETIME_S)


def signed_in(base: str) -> requests.Session:
    browser = requests.Session()
    login = browser.get(f"{base}/tai-khoan/dang-nhap/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    assert token is not None
    answer = browser.post(
        f"{base}/tai-khoan/dang-nhap/",
        data={"csrfmiddlewaretoken": token[1], "username": "lan", "password": PASSWORD},
        headers={"Referer": f"{base}/tai-khoan/dang-nhap/"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    return browser


def save_until_killed(browser: requests.Session, form: str, acknowledged: list[str]) -> None:
    """Lan's saves, each with a new value, until the server stops answering."""
    for number in range(1, 100):
        value = str(number)
        try:
            page = browser.get(form, timeout=30)
            fields = FormFields("answers")
            fields.feed(page.text)
            fields.fields[f"value:{CRITERION}"] = value
            answer = browser.post(
                f"{form}luu-nhap/", data=fields.fields, headers={"Referer": form},
                allow_redirects=False, timeout=30,
            )  # fmt: skip
        except requests.RequestException:
            return  # killed: this save was never acknowledged
        if answer.status_code != 302:  # a refusal would be a bug of this test, not a loss
            raise AssertionError(f"save {value}: {answer.status_code} {answer.text[:300]}")
        acknowledged.append(value)


def test_every_acknowledged_save_survives_a_kill_of_the_server(tmp_path: Path):
    port = free_port()
    env = environment(tmp_path, port)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo", "--tables", str(TABLES))
    pk = manage(env, "shell", "-c", (
        "from portal.campaigns.models import CampaignUnit; "
        "print(CampaignUnit.objects.get(unit__code='so-noi-vu', unit__province__code='binh-dinh', "
        "campaign__state='open').pk)"
    )).splitlines()[-1]  # fmt: skip
    base, log = f"http://{HOST}:{port}", tmp_path / "server.log"
    server = serve(env, log)
    try:
        wait_for(f"{base}/tai-khoan/dang-nhap/", log)
        acknowledged: list[str] = []
        saving = threading.Thread(
            target=save_until_killed,
            args=(signed_in(base), f"{base}/tu-danh-gia/{pk}/", acknowledged),
        )
        saving.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.01)
        kill(server)  # mid-stream: a save is in flight or about to be
        saving.join(timeout=60)
        assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, log.read_text()[-3000:]
        server = serve(env, log)
        wait_for(f"{base}/tai-khoan/dang-nhap/", log)
    finally:
        kill(server)

    with sqlite3.connect(tmp_path / "dti.sqlite3") as db:
        trail = [  # each save is one entry, its values keyed by criterion
            str(json.loads(new)[CRITERION]["value"])
            for (new,) in db.execute(
                "SELECT new FROM audit_auditentry WHERE entity = 'answers' ORDER BY id"
            )
            if CRITERION in json.loads(new)
        ]
        (stored,) = db.execute(
            "SELECT a.value FROM assessments_answer a "
            "JOIN assessments_submission s ON s.id = a.submission_id "
            "WHERE s.campaign_unit_id = ? AND a.criterion = ?",
            (int(pk), CRITERION),
        ).fetchone()
    assert set(acknowledged) <= set(trail), (acknowledged, trail)
    # the last save acknowledged, or one after it whose answer the kill cut off
    assert int(json.loads(stored)) >= int(acknowledged[-1])
    verified = manage(env, "audit_log_verify")
    assert "toàn vẹn" in verified.lower(), verified
