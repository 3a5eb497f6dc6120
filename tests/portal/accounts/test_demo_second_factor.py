"""The demo stays one command away from a signed-in tour: its people whose role needs a
second factor share a published secret, and `load_demo` says how to pass the code page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from portal.demo.people import PASSWORD
from tests.conftest import TABLES
from tests.portal.accounts.conftest import INBOX, LOGIN, VERIFY, authenticator
from tests.portal.conftest import Cast


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


def demo_log_in(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response["Location"].startswith(VERIFY)
    return client


@pytest.mark.django_db
def test_the_demo_prints_how_each_person_passes_the_second_factor_and_it_works(evidence_root):
    out = StringIO()
    call_command("load_demo", "--tables", str(TABLES), stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if line.startswith("  ")}
    for username in ("quang", "hung", "phuoc", "chinh", "mai"):
        assert f"* mã khôi phục {username}01…{username}10" in lines[username]
    assert "*" not in lines["lan"]
    assert "manage.py demo_code" in out.getvalue()

    code = StringIO()
    call_command("demo_code", "quang", stdout=code)
    quang = demo_log_in("quang")
    assert quang.post(VERIFY, {"code": code.getvalue().strip()}).status_code == 302
    assert quang.get(INBOX).status_code == 200
    chinh = demo_log_in("chinh")
    assert chinh.post(VERIFY, {"code": "chinh01"}).status_code == 302
    assert chinh.get(INBOX).status_code == 200


def test_demo_code_refuses_anyone_without_the_demo_secret(cast: Cast):
    authenticator(cast.quang)
    for username in ("quang", "lan", "ai-do"):
        with pytest.raises(CommandError, match="không phải tài khoản trình diễn"):
            call_command("demo_code", username, stdout=StringIO())
