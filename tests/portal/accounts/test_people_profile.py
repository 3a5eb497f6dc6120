"""A person's own profile: his name and e-mail address, changed by himself and audited; the
account page leads to it, to the password change and, for the office, to its people."""

from __future__ import annotations

import pytest

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from tests.portal.conftest import Cast

ACCOUNT = "/tai-khoan/"
PROFILE = "/tai-khoan/ho-so/"


def test_a_person_changes_his_name_and_address(cast: Cast):
    client = cast.client(cast.lan)
    response = client.post(PROFILE, {"full_name": "Nguyễn Thị Lan Anh", "email": "lan@x.vn"})
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    lan = User.objects.get(pk=cast.lan.pk)
    assert (lan.full_name, lan.email) == ("Nguyễn Thị Lan Anh", "lan@x.vn")
    entry = AuditEntry.objects.get(entity="person", action="profile")
    assert entry.actor == lan and entry.entity_id == str(lan.pk)
    assert entry.old == {"full_name": "Nguyễn Thị Lan", "email": ""}
    assert entry.province == cast.province


def test_an_address_someone_else_has_is_refused_on_its_field(cast: Cast):
    User.objects.filter(pk=cast.minh.pk).update(email="chung@x.vn")
    response = cast.client(cast.lan).post(PROFILE, {"full_name": "Lan", "email": "CHUNG@x.vn"})
    assert response.status_code == 200
    assert "Địa chỉ thư này đã có người dùng khác." in response.context["form"].errors["email"]
    assert not AuditEntry.objects.filter(entity="person").exists()


def test_an_unchanged_profile_writes_nothing(cast: Cast):
    client = cast.client(cast.lan)
    client.post(PROFILE, {"full_name": "Nguyễn Thị Lan", "email": "lan@x.vn"})
    client.post(PROFILE, {"full_name": "Nguyễn Thị Lan", "email": "lan@x.vn"})
    assert AuditEntry.objects.filter(entity="person").count() == 1


def test_the_profile_needs_signing_in(cast: Cast):
    response = cast.client(None).get(PROFILE)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize(("who", "administers"), [("lan", False), ("hoa", False), ("quang", True)])
def test_the_account_page_leads_to_the_profile_the_password_and_the_people(
    cast: Cast, who: str, administers: bool
):
    page = cast.client(getattr(cast, who)).get(ACCOUNT).content.decode()
    assert 'href="/tai-khoan/ho-so/"' in page and 'href="/tai-khoan/mat-khau/"' in page
    assert ('href="/tai-khoan/nguoi-dung/"' in page) == administers
