"""The office's signature page (/chu-ky-so/): the office admin reads and changes it,
leadership reads it, the units' people and appraisers are refused, an office admin of
another province learns nothing of this one; settings saved are in the audit trail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import Membership
from portal.audit.models import AuditEntry
from portal.roles import Role
from portal.signatures.models import IdentityState, SignatureSettings, SubmissionMode
from portal.signatures.selectors import settings_of
from portal.units.models import Unit
from tests.portal.conftest import make_user
from tests.portal.signatures.conftest import PAGE, identity, province_page

pytestmark = pytest.mark.django_db


def settings_url(cast) -> str:  # type: ignore[no-untyped-def]
    return f"{province_page(cast.province)}cai-dat/"


@pytest.mark.parametrize("who", ["lan", "minh", "thao", "hung"])
def test_it_refuses_the_units_people_and_appraisers(cast, who):
    client = cast.client(getattr(cast, who))
    assert client.get(PAGE).status_code == 403
    assert client.get(province_page(cast.province)).status_code == 403
    response = client.post(settings_url(cast), {"submission_mode": "required"})
    assert response.status_code == 403
    assert not SignatureSettings.objects.exists()


def test_it_sends_an_anonymous_visitor_to_the_login_page(cast):
    for response in (
        cast.client(None).get(PAGE),
        cast.client(None).get(province_page(cast.province)),
        cast.client(None).post(settings_url(cast), {"submission_mode": "required"}),
    ):
        assert response.status_code == 302 and "/tai-khoan/" in response["Location"]
    assert not SignatureSettings.objects.exists()


def test_an_office_admin_of_another_province_learns_nothing_of_this_one(cast):
    client = cast.client(cast.khoa)
    own = client.get(PAGE)
    assert own.status_code == 200 and "Tỉnh Khác" in own.content.decode()
    assert client.get(province_page(cast.province)).status_code == 404
    response = client.post(settings_url(cast), {"submission_mode": "required"})
    assert response.status_code == 404
    assert client.get(f"{PAGE}tinh/khong-co-tinh-nay/").status_code == 404


def test_the_office_admin_sees_the_four_cards_with_what_each_mode_means(cast):
    content = cast.client(cast.quang).get(PAGE).content.decode()
    for heading in (
        "Cài đặt",
        "Chứng thư gốc tin cậy",
        "Chứng thư số chờ xác nhận",
        "Chứng thư số đã xác nhận",
    ):
        assert heading in content
    for label in ("Không dùng", "Không bắt buộc", "Bắt buộc"):
        assert label in content
    assert "Phê duyệt chỉ hoàn tất khi thủ trưởng tải lên bản PDF đã ký số" in content
    assert 'value="off" checked' in content  # the default, never saved
    assert 'id="no-roots"' in content and 'id="no-pending"' in content


def test_leadership_reads_the_page_without_its_forms_and_may_not_save(cast):
    client = cast.client(cast.hoa)
    content = client.get(PAGE).content.decode()
    assert 'id="read-only"' in content and "Không dùng" in content
    assert "<form" not in content.split('id="settings"', 1)[1].split("</section>", 1)[0]
    assert client.post(settings_url(cast), {"submission_mode": "required"}).status_code == 403
    assert not SignatureSettings.objects.exists()


def test_saving_the_settings_writes_them_once_with_one_audit_entry(cast):
    client = cast.client(cast.quang)
    data = {"submission_mode": "required", "unchecked_revocation_ok": ""}
    response = client.post(settings_url(cast), data)
    assert response.status_code == 302
    assert response["Location"] == province_page(cast.province)
    stored = settings_of(cast.province)
    assert (stored.submission_mode, stored.unchecked_revocation_ok) == (
        SubmissionMode.REQUIRED,
        False,
    )
    client.post(settings_url(cast), data)  # the same again: nothing changes, nothing logged
    entry = AuditEntry.objects.get(entity="signature_settings")
    assert (entry.action, entry.actor, entry.province) == ("update", cast.quang, cast.province)
    assert entry.old == {"submission_mode": "off", "unchecked_revocation_ok": True}
    assert entry.new == {"submission_mode": "required", "unchecked_revocation_ok": False}
    assert 'value="required" checked' in client.get(PAGE).content.decode()


@pytest.mark.parametrize("mode", ["", "tat", "off'--", "x" * 500])
def test_a_mode_that_is_not_offered_changes_nothing(cast, mode):
    response = cast.client(cast.quang).post(settings_url(cast), {"submission_mode": mode})
    assert response.status_code == 302
    assert not SignatureSettings.objects.exists()
    assert not AuditEntry.objects.filter(entity="signature_settings").exists()


def test_the_settings_of_a_province_that_saved_none_are_the_defaults(cast):
    stored = settings_of(cast.province)
    assert stored.pk is None
    assert (stored.submission_mode, stored.unchecked_revocation_ok) == ("off", True)


def test_the_menu_links_the_page_for_the_office_and_leadership_only(cast):
    link = f'href="{PAGE}"'
    assert link in cast.client(cast.quang).get("/").content.decode()
    assert link in cast.client(cast.hoa).get("/").content.decode()
    assert link not in cast.client(cast.lan).get("/").content.decode()
    assert link not in cast.client(cast.hung).get("/").content.decode()


def test_an_office_admin_of_two_provinces_chooses_one(cast):
    Membership.objects.create(user=cast.quang, province=cast.other_province, role=Role.OFFICE_ADMIN)
    content = cast.client(cast.quang).get(PAGE).content.decode()
    assert province_page(cast.province) in content and province_page(cast.other_province) in content


def _people_with_certificates(cast, first: int, count: int) -> None:  # type: ignore[no-untyped-def]
    for number in range(first, first + count):
        unit = Unit.objects.create(
            province=cast.province, code=f"so-{number}", name=f"Sở số {number}", level="so"
        )
        head = make_user(f"thu-truong-{number}", f"Thủ trưởng {number}")
        Membership.objects.create(user=head, province=cast.province, role=Role.APPROVER, unit=unit)
        state = IdentityState.PENDING if number % 2 else IdentityState.CONFIRMED
        identity(head, name=f"THỦ TRƯỞNG {number}", state=state)


def test_the_page_reads_many_identities_in_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    client = cast.client(cast.quang)
    _people_with_certificates(cast, 0, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(province_page(cast.province))
    _people_with_certificates(cast, 2, 23)
    # the session and the person, his roles (permission, can_write), settings, roots,
    # pending and their memberships, confirmed and theirs, and the layout's own: as many
    # for 2 people as for 25
    with django_assert_max_num_queries(len(few)):
        response = client.get(province_page(cast.province))
    assert len(few) <= 16
    content = response.content.decode()
    assert "THỦ TRƯỞNG 24" in content and "Thủ trưởng đơn vị (phê duyệt) — Sở số 23" in content
