"""The second factor: who must give it, the gate that holds back a session until it is
given, enrolment with a QR code and recovery codes, and the code page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.second_factor import recovery_codes_issue
from portal.appraisals.models import TeamMember
from tests.portal.accounts.conftest import (
    ENROL,
    INBOX,
    LOGIN,
    VERIFY,
    authenticator,
    code_now,
    log_in,
)
from tests.portal.conftest import PASSWORD, Cast, sign_in

# ---- who must give it: the gate, at the root ---------------------------------------------


def required_people(cast: Cast) -> dict[str, object]:
    thao_on_the_team = TeamMember.objects.create(campaign=cast.campaign, user=cast.thao, chair=True)
    cast.minh.is_staff = True
    cast.minh.save(update_fields=["is_staff"])
    return {
        "quang": cast.quang,
        "hung": cast.hung,
        "thao": thao_on_the_team.user,
        "minh": cast.minh,
    }


@pytest.mark.parametrize("name", ["quang", "hung", "thao", "minh"])
def test_a_session_of_a_required_role_without_the_second_factor_is_sent_from_a_real_page(
    cast: Cast, name
):
    """Office admin, appraiser, a (chairing) appraisal team member, staff."""
    person = required_people(cast)[name]
    client = Client()
    client.force_login(person)  # the password step only
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2Fthong-bao%2F"
    assert client.post("/api/", {}).status_code == 302  # nothing else either


@pytest.mark.parametrize("name", ["lan", "minh", "thao", "hoa"])
def test_roles_that_need_no_second_factor_are_untouched(cast: Cast, name):
    client = Client()
    client.force_login(getattr(cast, name))
    assert client.get(INBOX).status_code == 200


def test_a_person_who_owes_the_code_can_still_log_out(cast: Cast):
    client = Client()
    client.force_login(cast.quang)
    assert client.post("/tai-khoan/dang-xuat/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_password_alone_leads_quang_to_enrol_not_in(client, cast: Cast):
    response = log_in(client, "quang")
    assert response["Location"].startswith(ENROL)
    assert client.get(INBOX)["Location"].startswith(ENROL)


# ---- enrolment ---------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_then_ten_recovery_codes_once(client, cast: Cast):
    log_in(client, "quang")
    page = client.get(f"{ENROL}?next=/thong-bao/").content.decode()
    device = TOTPDevice.objects.get(user=cast.quang, confirmed=False)
    assert "<svg" in page and "data:" not in page  # drawn here, inline
    assert "otpauth" not in page  # the QR code holds it; the page shows the secret by hand
    secret_groups = page.split('class="secret">')[1].split("<")[0]
    assert len(secret_groups.replace(" ", "")) == 32
    assert client.get(ENROL).status_code == 200
    assert TOTPDevice.objects.filter(user=cast.quang).count() == 1  # the same secret again

    response = client.post(ENROL, {"code": code_now(device), "next": "/thong-bao/"})
    codes = StaticToken.objects.filter(device__user=cast.quang).values_list("token", flat=True)
    assert response.status_code == 200 and len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert client.get(INBOX).status_code == 200
    assert "Mã khôi phục" not in client.get("/tai-khoan/").content.decode().split("<h2>")[0]


def test_a_wrong_first_code_confirms_nothing(client, cast: Cast):
    log_in(client, "quang")
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert "Mã không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.quang, confirmed=True).exists()
    assert not StaticToken.objects.exists()
    assert client.get(INBOX).status_code == 302


# ---- the code page -----------------------------------------------------------------------


def test_a_person_with_a_device_gives_its_code_after_the_password(client, cast: Cast):
    device = authenticator(cast.hung)
    response = client.post(f"{LOGIN}?next=/thong-bao/", {"username": "hung", "password": PASSWORD})
    assert response["Location"] == f"{VERIFY}?next=%2Fthong-bao%2F"
    response = client.post(VERIFY, {"code": code_now(device), "next": "/thong-bao/"})
    assert response.status_code == 302 and response["Location"] == "/thong-bao/"
    assert client.get(INBOX).status_code == 200


def test_the_same_code_is_refused_a_second_time(cast: Cast):
    device = authenticator(cast.hung)
    with time_machine.travel(timezone.now(), tick=False):
        code = code_now(device)
        first, second = Client(), Client()
        for client in (first, second):
            log_in(client, "hung")
        assert first.post(VERIFY, {"code": code}).status_code == 302
        response = second.post(VERIFY, {"code": code})
    assert "Mã không đúng, đã dùng rồi" in response.content.decode()
    assert second.get(INBOX).status_code == 302


def test_wrong_codes_slow_the_device_down(client, cast: Cast):
    device = authenticator(cast.hung)
    log_in(client, "hung")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            client.post(VERIFY, {"code": "000000"})
        response = client.post(VERIFY, {"code": code_now(device)})
    assert "Mời thử lại sau" in response.content.decode()
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        assert client.post(VERIFY, {"code": code_now(device)}).status_code == 302


def test_a_recovery_code_works_once(cast: Cast):
    authenticator(cast.hung)
    code = recovery_codes_issue(user=cast.hung)[0]
    first, second = Client(), Client()
    for client in (first, second):
        log_in(client, "hung")
    assert first.post(VERIFY, {"code": code.upper()}).status_code == 302
    assert second.post(VERIFY, {"code": code}).status_code == 200
    assert StaticToken.objects.filter(device__user=cast.hung).count() == 9


def test_a_code_of_another_person_is_refused(client, cast: Cast):
    authenticator(cast.hung)
    quang_device = authenticator(cast.quang)
    log_in(client, "hung")
    assert client.post(VERIFY, {"code": code_now(quang_device)}).status_code == 200
    assert client.get(INBOX).status_code == 302


# ---- of one's own will, and the account page ---------------------------------------------


def test_lan_enrols_of_her_own_will_and_is_then_asked_for_the_code(cast: Cast):
    client = sign_in(Client(), cast.lan)
    assert "Bật xác thực hai lớp" in client.get("/tai-khoan/").content.decode()
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=cast.lan)
    assert client.post(ENROL, {"code": code_now(device)}).status_code == 200
    client.logout()
    assert log_in(client, "lan")["Location"].startswith(VERIFY)


def test_new_recovery_codes_replace_the_old_ones(cast: Cast):
    """Only once confirmed: the first post asks, and the old codes still work."""
    old = recovery_codes_issue(user=cast.quang)
    client = sign_in(Client(), cast.quang)
    asked = client.post("/tai-khoan/xac-thuc/ma-khoi-phuc/").content.decode()
    assert 'class="card confirm"' in asked and "mã khôi phục cũ của bạn hết dùng được" in asked
    kept = StaticToken.objects.filter(device__user=cast.quang).values_list("token", flat=True)
    assert sorted(kept) == sorted(old)
    response = client.post("/tai-khoan/xac-thuc/ma-khoi-phuc/", {"confirmed": "1"})
    new = list(StaticToken.objects.filter(device__user=cast.quang).values_list("token", flat=True))
    assert len(new) == 10 and not set(old) & set(new)
    assert all(code in response.content.decode() for code in new)


@pytest.mark.parametrize(
    "url",
    ["/tai-khoan/", VERIFY, ENROL, "/tai-khoan/mat-khau/", "/tai-khoan/xac-thuc/ma-khoi-phuc/"],
)
def test_the_account_pages_send_anonymous_visitors_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_recovery_codes_are_renewed_only_by_a_post(cast: Cast):
    assert sign_in(Client(), cast.quang).get("/tai-khoan/xac-thuc/ma-khoi-phuc/").status_code == 405


def test_a_session_from_before_the_second_factor_is_judged_on_its_next_request(cast: Cast):
    client = Client()
    client.force_login(cast.quang)
    session = client.session
    del session["dti_second_factor"]  # signed in before the portal asked for a second factor
    session.save()
    assert client.get(INBOX)["Location"].startswith(ENROL)
    lan = Client()
    lan.force_login(cast.lan)
    session = lan.session
    del session["dti_second_factor"]
    session.save()
    assert lan.get(INBOX).status_code == 200


def test_the_header_leads_to_the_account_page(cast: Cast):
    page = sign_in(Client(), cast.lan).get(INBOX).content.decode()
    assert '<a class="who" href="/tai-khoan/">Nguyễn Thị Lan</a>' in page
