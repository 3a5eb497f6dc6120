"""Five wrong passwords for one username from one address lock that pair out for the
cool-off, on a Vietnamese page; the admin site signs in through the same page."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from tests.portal.accounts.conftest import LOGIN, log_in
from tests.portal.conftest import PASSWORD, Cast


def fail(client, username: str, times: int, address: str = "127.0.0.1") -> list[int]:  # type: ignore[no-untyped-def]
    """The status of each of `times` wrong passwords."""
    return [
        log_in(client, username, "sai-mat-khau", REMOTE_ADDR=address).status_code
        for _ in range(times)
    ]


def test_five_wrong_passwords_lock_out_even_the_right_one_on_a_vietnamese_page(client, cast: Cast):
    assert fail(client, "lan", 5) == [200, 200, 200, 200, 429]  # the fifth locks
    response = log_in(client, "lan")
    assert response.status_code == 429
    page = response.content.decode()
    assert "tạm thời không đăng nhập được" in page and "15 phút" in page
    assert '<html lang="vi">' in page
    assert "_auth_user_id" not in client.session


def test_the_limit_and_the_cool_off_come_from_the_settings(client, cast: Cast, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    assert fail(client, "lan", 2) == [200, 429]
    assert "3 phút" in log_in(client, "lan").content.decode()


def test_the_lock_ends_after_the_cool_off(client, cast: Cast):
    fail(client, "lan", 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert log_in(client, "lan").status_code == 302


def test_a_success_resets_the_count(client, cast: Cast):
    fail(client, "lan", 4)
    assert log_in(client, "lan").status_code == 302
    client.logout()
    fail(client, "lan", 4)
    assert log_in(client, "lan").status_code == 302


def test_the_lock_holds_one_username_from_one_address_only(client, cast: Cast):
    fail(client, "lan", 5, address="10.0.0.1")
    assert log_in(client, "lan", REMOTE_ADDR="10.0.0.2").status_code == 302
    client.logout()
    assert log_in(client, "minh", REMOTE_ADDR="10.0.0.1").status_code == 302


def test_the_admin_login_is_the_portals_login(client, db):
    response = client.get("/quan-tri/login/?next=/quan-tri/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=/quan-tri/")


PROXY = "10.9.9.9"  # every request reaches the portal from its reverse proxy


def through_proxy(client, username: str, password: str, forwarded: str):  # type: ignore[no-untyped-def]
    return log_in(client, username, password, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_a_proxy_the_lock_holds_the_client_not_the_proxy(client, cast: Cast, settings):
    settings.DTI_PROXY_COUNT = 1
    for _ in range(5):
        through_proxy(client, "lan", "sai-mat-khau", "203.0.113.7")
    assert through_proxy(client, "lan", PASSWORD, "203.0.113.7").status_code == 429
    # A colleague behind the same proxy, from another address, still signs in.
    assert through_proxy(client, "lan", PASSWORD, "203.0.113.8").status_code == 302


def test_a_client_cannot_pick_its_address_by_writing_the_header(client, cast: Cast, settings):
    settings.DTI_PROXY_COUNT = 1
    for attempt in range(5):  # a different forged address each time, the same real one
        through_proxy(client, "lan", "sai-mat-khau", f"198.51.100.{attempt}, 203.0.113.7")
    assert through_proxy(client, "lan", PASSWORD, "198.51.100.99, 203.0.113.7").status_code == 429


def test_without_a_proxy_the_header_is_ignored(client, cast: Cast):
    for attempt in range(5):
        log_in(client, "lan", "sai-mat-khau", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    assert log_in(client, "lan", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
