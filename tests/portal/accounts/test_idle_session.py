"""A session left idle past DTI_SESSION_IDLE_MINUTES ends; a session in use does not."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from tests.portal.accounts.conftest import INBOX, LOGIN, log_in
from tests.portal.conftest import Cast


def test_a_session_idle_past_the_limit_is_sent_to_log_in(cast: Cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        log_in(client, "lan")
        assert client.get(INBOX).status_code == 200
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_the_middleware_ends_the_session_even_before_the_database_would(cast: Cast, settings):
    settings.SESSION_IDLE_MINUTES = 5  # the stored session itself lives 30 minutes
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        log_in(client, "lan")
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        response = client.get(INBOX)
    assert response["Location"].startswith(LOGIN)
    assert "lâu không thao tác" in client.get(response["Location"]).content.decode()


def test_a_session_in_use_lasts_past_the_limit(cast: Cast):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        log_in(client, "lan")
    for minutes in range(10, 121, 10):  # two hours, a page every ten minutes
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(INBOX).status_code == 200


def test_the_session_cookie_dies_with_the_browser(cast: Cast):
    client = Client()
    response = log_in(client, "lan")
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
