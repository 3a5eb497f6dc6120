"""The people pages' changes in the audit trail (linked into the chain like every other
entry) and their words in English for a browser that asks for it."""

from __future__ import annotations

from portal.accounts.models import Membership, User
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.roles import Role
from tests.portal.conftest import Cast

PEOPLE = "/tai-khoan/nguoi-dung/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_changes_to_people_keep_the_chain_intact(cast: Cast):
    client = cast.client(cast.quang)
    client.post(
        f"{PEOPLE}them/",
        {"full_name": "Hồ Văn Nam", "username": "nam", "email": "nam@a.vn", "role": "leadership"},
    )
    nam = User.objects.get(username="nam")
    client.post(f"{PEOPLE}{nam.pk}/vai-tro/", {"role": Role.APPRAISER.value})
    client.post(f"{PEOPLE}{nam.pk}/trang-thai/", {"active": "0", "confirmed": "1"})
    actions = list(
        AuditEntry.objects.filter(entity="person", entity_id=str(nam.pk)).values_list(
            "action", "actor_name", "province_id"
        )
    )
    assert actions == [
        (action, "Đặng Minh Quang", cast.province.pk)
        for action in ("create", "role_assign", "deactivate")
    ]
    assert audit_log_verify().intact


def test_a_lock_is_recorded_in_each_province_of_the_person(cast: Cast):
    Membership.objects.create(user=cast.lan, province=cast.other_province, role=Role.LEADERSHIP)
    root = User.objects.create_superuser("root", "root@example.org", "x")
    cast.client(root).post(
        f"{PEOPLE}{cast.lan.pk}/trang-thai/", {"active": "0", "confirmed": "1", "reason": "Nghỉ"}
    )
    entries = AuditEntry.objects.filter(entity="person", action="deactivate")
    assert sorted(e.province_id for e in entries) == sorted(
        [cast.province.pk, cast.other_province.pk]
    )
    assert {e.reason for e in entries} == {"Nghỉ"}


def test_the_people_pages_read_in_english(cast: Cast):
    client = cast.client(cast.quang)
    listed = client.get(PEOPLE, **ENGLISH).content.decode()
    for text in ("Users", "Roles by unit", "Add a user", "Last sign-in", "reporting officer"):
        assert text in listed, text
    assert "Đăng nhập gần nhất" not in listed
    membership = Membership.objects.get(user=cast.lan)
    asked = client.get(
        f"{PEOPLE}{cast.lan.pk}/vai-tro/{membership.pk}/thu-hoi/", **ENGLISH
    ).content.decode()
    assert "Withdraw the role" in asked and "Thu hồi vai trò" not in asked
