"""Certificate identities on the office's page: a pending one is confirmed, or refused with
a reason; a confirmed one is revoked after a confirmation. Each decision once, in the audit
trail; only for the province's own people, only by its office admin."""

from __future__ import annotations

import pytest

from portal.audit.models import AuditEntry
from portal.audit.rows import log_row
from portal.signatures.models import IdentityState
from tests.portal.signatures.conftest import identity, province_page

pytestmark = pytest.mark.django_db


def url(cast, pk: int, action: str) -> str:  # type: ignore[no-untyped-def]
    return f"{province_page(cast.province)}chung-thu/{pk}/{action}/"


def test_a_pending_identity_is_listed_with_the_person_his_unit_and_the_certificate(cast):
    claim = identity(cast.minh, name="TRẦN VĂN MINH")
    content = cast.client(cast.quang).get(province_page(cast.province)).content.decode()
    pending = content.split('id="pending"', 1)[1].split("</section>", 1)[0]
    assert "Trần Văn Minh" in pending and "TRẦN VĂN MINH" in pending
    assert "Thủ trưởng đơn vị (phê duyệt) — Sở Nội vụ" in pending
    assert "Cục Chứng thực số và Bảo mật thông tin" in pending and "31/03/2028" in pending
    assert claim.fingerprint not in content and "1a2b" not in content


def test_confirming_makes_it_his_once_with_one_audit_entry(cast):
    claim = identity(cast.minh)
    client = cast.client(cast.quang)
    assert client.post(url(cast, claim.pk, "xac-nhan")).status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.decided_by) == (IdentityState.CONFIRMED, cast.quang)
    again = client.post(url(cast, claim.pk, "xac-nhan"), follow=True)
    assert "đã được xử lý trước đó" in again.content.decode()
    entry = AuditEntry.objects.get(entity="certificate_identity")
    assert (entry.action, entry.province, entry.new) == (
        "confirm",
        cast.province,
        {"state": "confirmed"},
    )
    row = log_row(entry, {})
    assert "Đã xác nhận" in row.new_plain and "confirmed" not in row.new_plain
    assert claim.fingerprint not in row.old_plain and claim.fingerprint in row.changes_technical
    confirmed = client.get(province_page(cast.province)).content.decode()
    assert "Thu hồi xác nhận" in confirmed.split('id="confirmed"', 1)[1]


def test_a_certificate_confirmed_as_someone_elses_is_not_confirmed_again(cast):
    mine = identity(cast.minh, state=IdentityState.CONFIRMED, fingerprint="ab" * 32)
    theirs = identity(cast.lan, fingerprint=mine.fingerprint)
    response = cast.client(cast.quang).post(url(cast, theirs.pk, "xac-nhan"), follow=True)
    assert "đã được xác nhận là của Trần Văn Minh" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.state == IdentityState.PENDING


def test_refusing_needs_a_reason_and_keeps_it(cast):
    claim = identity(cast.minh)
    client = cast.client(cast.quang)
    empty = client.post(url(cast, claim.pk, "tu-choi"), {"reason": "  "}, follow=True)
    assert "Ghi lý do từ chối" in empty.content.decode()
    claim.refresh_from_db()
    assert claim.state == IdentityState.PENDING
    client.post(url(cast, claim.pk, "tu-choi"), {"reason": "Không phải chứng thư của ông Minh"})
    claim.refresh_from_db()
    assert (claim.state, claim.reason) == (
        IdentityState.REFUSED,
        "Không phải chứng thư của ông Minh",
    )
    entry = AuditEntry.objects.get(entity="certificate_identity", action="refuse")
    assert entry.reason == "Không phải chứng thư của ông Minh"


def test_revoking_asks_first(cast):
    claim = identity(cast.minh, state=IdentityState.CONFIRMED)
    client = cast.client(cast.quang)
    asked = client.post(url(cast, claim.pk, "thu-hoi"))
    assert asked.status_code == 200 and "Thu hồi xác nhận chứng thư" in asked.content.decode()
    claim.refresh_from_db()
    assert claim.state == IdentityState.CONFIRMED  # the unconfirmed post changes nothing
    assert client.post(url(cast, claim.pk, "thu-hoi"), {"confirmed": "1"}).status_code == 302
    claim.refresh_from_db()
    assert claim.state == IdentityState.REVOKED
    assert AuditEntry.objects.filter(entity="certificate_identity", action="revoke").count() == 1


def test_identities_of_people_outside_the_province_are_not_found(cast):
    stranger = identity(cast.khoa)  # Khoa holds a role in the other province only
    client = cast.client(cast.quang)
    assert client.post(url(cast, stranger.pk, "xac-nhan")).status_code == 404
    assert client.post(url(cast, 987654, "xac-nhan")).status_code == 404
    stranger.refresh_from_db()
    assert stranger.state == IdentityState.PENDING
    assert "NGUYỄN VĂN AN" not in client.get(province_page(cast.province)).content.decode()


@pytest.mark.parametrize("who", ["hoa", "minh", "hung"])
def test_only_the_office_admin_decides(cast, who):
    claim = identity(cast.minh)
    confirmed = identity(cast.lan, name="NGUYỄN THỊ LAN", state=IdentityState.CONFIRMED)
    client = cast.client(getattr(cast, who))
    assert client.post(url(cast, claim.pk, "xac-nhan")).status_code == 403
    assert client.post(url(cast, claim.pk, "tu-choi"), {"reason": "x"}).status_code == 403
    assert client.post(url(cast, confirmed.pk, "thu-hoi"), {"confirmed": "1"}).status_code == 403
    claim.refresh_from_db()
    confirmed.refresh_from_db()
    assert (claim.state, confirmed.state) == (IdentityState.PENDING, IdentityState.CONFIRMED)
    assert not AuditEntry.objects.filter(entity="certificate_identity").exists()


def test_a_person_sees_his_own_certificates_and_the_office_s_decision_on_his_profile(cast):
    identity(cast.minh, name="TRẦN VĂN MINH", state=IdentityState.CONFIRMED)
    refused = identity(cast.minh, name="TRẦN VĂN MINH (CŨ)", state=IdentityState.REFUSED)
    refused.reason = "Chứng thư của cơ quan, không phải của cá nhân"
    refused.save()
    identity(cast.quang, name="NGƯỜI KHÁC")
    content = cast.client(cast.minh).get("/tai-khoan/ho-so/").content.decode()
    mine = content.split('id="certificates"', 1)[1].split("</section>", 1)[0]
    assert "TRẦN VĂN MINH" in mine and "Đã xác nhận" in mine and "31/03/2028" in mine
    assert "Đã từ chối" in mine and "không phải của cá nhân" in mine
    assert "NGƯỜI KHÁC" not in content and refused.fingerprint not in content
    assert (
        'id="certificates"' not in cast.client(cast.lan).get("/tai-khoan/ho-so/").content.decode()
    )
