"""Changing one's password, and resetting it by e-mail without telling strangers which
addresses have an account."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from tests.portal.accounts.conftest import log_in
from tests.portal.conftest import PASSWORD, Cast, sign_in

CHANGE = "/tai-khoan/mat-khau/"
RESET = "/tai-khoan/quen-mat-khau/"
NEW = "mot-mat-khau-moi-dai-2026"


def test_lan_changes_her_password_and_signs_in_with_the_new_one(cast: Cast):
    client = sign_in(Client(), cast.lan)
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    client.logout()
    assert log_in(client, "lan", NEW).status_code == 302


def test_a_wrong_old_password_changes_nothing_and_says_so_in_vietnamese(cast: Cast):
    client = sign_in(Client(), cast.lan)
    response = client.post(
        CHANGE, {"old_password": "sai", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    assert "Mật khẩu cũ" in response.content.decode() or "mật khẩu cũ" in response.content.decode()
    cast.lan.refresh_from_db()
    assert cast.lan.check_password(PASSWORD)


def reset_link(message: str) -> str:
    return re.search(r"https?://\S+/tai-khoan/quen-mat-khau/\S+/\S+/", message).group(0)  # type: ignore[union-attr]


def test_a_reset_mail_leads_to_a_new_password(client, cast: Cast, settings):
    cast.lan.email = "lan@noivu.example.gov.vn"
    cast.lan.save(update_fields=["email"])
    response = client.post(RESET, {"email": "lan@noivu.example.gov.vn"})
    assert response["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lan@noivu.example.gov.vn"]
    link = reset_link(mail.outbox[0].body).removeprefix(settings.DTI_SITE_URL)
    form = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode()
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == "/tai-khoan/quen-mat-khau/xong/"
    assert log_in(client, "lan", NEW).status_code == 302


def without_tokens(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def test_the_reset_page_answers_the_same_for_an_unknown_address(client, cast: Cast):
    cast.lan.email = "lan@noivu.example.gov.vn"
    cast.lan.save(update_fields=["email"])
    known = client.post(RESET, {"email": "lan@noivu.example.gov.vn"}, follow=True)
    unknown = client.post(RESET, {"email": "ai-do@example.com"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert without_tokens(known.content) == without_tokens(unknown.content)
    assert len(mail.outbox) == 1


def test_the_reset_link_comes_from_the_sites_address_not_the_requests_host(client, cast, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.DTI_SITE_URL = "https://dti.example.gov.vn"
    cast.lan.email = "lan@noivu.example.gov.vn"
    cast.lan.save(update_fields=["email"])
    client.post(RESET, {"email": "lan@noivu.example.gov.vn"}, HTTP_HOST="ke-gian.example")
    assert reset_link(mail.outbox[0].body).startswith("https://dti.example.gov.vn/tai-khoan/")
    assert "ke-gian" not in mail.outbox[0].body
