"""Five wrong passwords for one username from one address lock that pair out for the
cool-off, on a Vietnamese page; the admin site signs in through the same page."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from tests.portal.accounts.conftest import LOGIN, log_in
from tests.portal.conftest import Cast


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
