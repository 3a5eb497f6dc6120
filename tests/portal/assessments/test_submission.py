"""The submission's moves: the reporter submits (with the immutable snapshot and its hash),
the approver approves (re-checking the hash) or returns it, the office reopens an approved
one; every move is a SubmissionEvent, and nothing changes after approval."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.assessments import services
from portal.assessments.models import Answer, Submission, SubmissionEvent
from portal.assessments.snapshot import canonical_json
from portal.workflow import SubmissionState
from tests.portal.assessments.conftest import COMPLETE, CONFIRMED, PDF, save_fields, url
from tests.portal.conftest import Cast


def submission(cast: Cast) -> Submission:
    return Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)


@pytest.fixture
def ready(cast: Cast) -> Cast:
    """Sở Nội vụ's draft with every criterion answered, a note and one evidence file."""
    save_fields(
        cast.client(cast.lan),
        cast.noi_vu_campaign_unit,
        {**COMPLETE, "note:cqs_ky_so": "Theo hệ thống QLVB"},
    )
    services.evidence_add_file(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.lan,
        criterion="nts_ke_hoach",
        upload=SimpleUploadedFile("ke-hoach.pdf", PDF),
    )
    return cast


def submitted(cast: Cast) -> Cast:
    response = cast.client(cast.lan).post(
        url("submit", cast.noi_vu_campaign_unit), CONFIRMED, follow=True
    )
    assert "Đã gửi bản tự đánh giá" in response.content.decode()
    return cast


def test_submit_is_refused_while_criteria_are_missing(cast: Cast):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "50"})
    response = cast.client(cast.lan).post(
        url("submit", cast.noi_vu_campaign_unit), CONFIRMED, follow=True
    )
    page = response.content.decode()
    assert "Chưa gửi được: còn thiếu 5 tiêu chí" in page
    assert "Quy chế quản lý, sử dụng hệ thống thông tin" in page
    assert "tcs_quy_che" not in page.split("Chưa gửi được")[1].split("</li>")[0]  # names only
    assert submission(cast).state == SubmissionState.DRAFT
    assert submission(cast).snapshot is None


def test_the_status_page_lists_what_is_missing_and_offers_submit_when_complete(cast: Cast):
    client = cast.client(cast.lan)
    page = client.get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    assert "Còn thiếu trước khi gửi" in page
    assert "Ban hành kế hoạch chuyển đổi số năm" in page
    assert "Chưa bắt đầu" in page
    save_fields(client, cast.noi_vu_campaign_unit, COMPLETE)
    page = client.get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    assert "Không còn thiếu tiêu chí nào." in page
    assert url("submit", cast.noi_vu_campaign_unit) in page


def test_submit_stores_the_snapshot_and_its_hash(ready: Cast):
    cast = submitted(ready)
    row = submission(cast)
    assert row.state == SubmissionState.SUBMITTED
    assert (row.submitted_by, row.submitted_at is not None) == (cast.lan, True)
    snapshot = row.snapshot
    assert snapshot["answers"]["cqs_ky_so"] == {"value": "87.5", "note": "Theo hệ thống QLVB"}
    assert snapshot["answers"]["nts_ke_hoach"] == {"value": True, "note": ""}
    assert snapshot["evidence"] == [
        {
            "criterion": "nts_ke_hoach",
            "name": "ke-hoach.pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "url": "",
        }
    ]
    assert snapshot["scores"]["total"] == "60.1300"
    assert snapshot["scores"]["nodes"]["cqs_ky_so"] == "13.1300"
    assert snapshot["scores"]["ratio"] == "60.1"
    assert row.snapshot_sha256 == hashlib.sha256(canonical_json(snapshot)).hexdigest()
    event = row.events.get(action="submit")
    assert (event.actor, event.note) == (cast.lan, f"SHA-256 {row.snapshot_sha256}")


def test_nothing_can_be_edited_once_submitted(ready: Cast):
    cast = submitted(ready)
    response = save_fields(
        cast.client(cast.lan), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "10"}
    )
    page = cast.client(cast.lan).get(response["Location"]).content.decode()
    assert "Bản tự đánh giá “Đã gửi, chờ phê duyệt”: không sửa được." in page
    assert Answer.objects.get(criterion="cqs_ky_so").value == "87.5"
    assert "Lưu nháp</button>" not in page


def test_the_approver_approves_and_signs(ready: Cast):
    cast = submitted(ready)
    response = cast.client(cast.minh).post(
        url("approve", cast.noi_vu_campaign_unit), CONFIRMED, follow=True
    )
    assert "Đã phê duyệt và ký bản tự đánh giá." in response.content.decode()
    row = submission(cast)
    assert (row.state, row.approved_by) == (SubmissionState.APPROVED, cast.minh)
    assert row.approved_at is not None
    assert [e.action for e in row.events.all()] == ["save", "save", "submit", "approve"]


def test_approval_is_refused_when_the_answers_changed_after_submission(ready: Cast):
    cast = submitted(ready)
    Answer.objects.filter(criterion="cqs_ky_so").update(value="100")  # behind the portal's back
    response = cast.client(cast.minh).post(
        url("approve", cast.noi_vu_campaign_unit), CONFIRMED, follow=True
    )
    assert "Bản chốt không còn khớp với dữ liệu đã gửi" in response.content.decode()
    assert submission(cast).state == SubmissionState.SUBMITTED


def test_approval_is_refused_when_the_snapshot_itself_was_altered(ready: Cast):
    cast = submitted(ready)
    row = submission(cast)
    row.snapshot["scores"]["total"] = "99.0000"
    Submission.objects.filter(pk=row.pk).update(snapshot=row.snapshot)
    cast.client(cast.minh).post(url("approve", cast.noi_vu_campaign_unit), CONFIRMED)
    assert submission(cast).state == SubmissionState.SUBMITTED


def test_the_approver_returns_it_with_a_reason(ready: Cast):
    cast = submitted(ready)
    response = cast.client(cast.minh).post(
        url("return", cast.noi_vu_campaign_unit),
        {"confirmed": "1", "note": "Bổ sung quyết định"},
        follow=True,
    )
    assert "Đã trả lại để đơn vị sửa." in response.content.decode()
    row = submission(cast)
    assert (row.state, row.snapshot, row.snapshot_sha256) == (SubmissionState.DRAFT, None, "")
    event = row.events.get(action="return")
    assert (event.actor, event.note) == (cast.minh, "Bổ sung quyết định")
    assert (
        save_fields(
            cast.client(cast.lan), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "90"}
        ).status_code
        == 302
    )
    assert Answer.objects.get(criterion="cqs_ky_so").value == "90"


def test_returning_needs_a_reason(ready: Cast):
    cast = submitted(ready)
    response = cast.client(cast.minh).post(
        url("return", cast.noi_vu_campaign_unit), {"confirmed": "1", "note": ""}, follow=True
    )
    assert "Ghi rõ lý do trả lại" in response.content.decode()
    assert submission(cast).state == SubmissionState.SUBMITTED


def test_nothing_changes_after_approval_except_an_office_reopen(ready: Cast):
    cast = submitted(ready)
    cast.client(cast.minh).post(url("approve", cast.noi_vu_campaign_unit), CONFIRMED)
    lan = cast.client(cast.lan)
    page = lan.get(
        save_fields(lan, cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "10"})["Location"]
    ).content.decode()
    assert "“Đã phê duyệt”: không sửa được" in page
    for action in ("submit",):
        assert (
            "Không thể"
            in lan.post(
                url(action, cast.noi_vu_campaign_unit), CONFIRMED, follow=True
            ).content.decode()
        )
    assert (
        "Không thể"
        in cast.client(cast.minh)
        .post(
            url("return", cast.noi_vu_campaign_unit), {"confirmed": "1", "note": "x"}, follow=True
        )
        .content.decode()
    )
    assert submission(cast).state == SubmissionState.APPROVED
    response = cast.client(cast.quang).post(
        url("reopen", cast.noi_vu_campaign_unit),
        {"confirmed": "1", "note": "Sai số liệu"},
        follow=True,
    )
    assert "Đã mở lại bản tự đánh giá." in response.content.decode()
    row = submission(cast)
    assert (row.state, row.approved_by, row.snapshot) == (SubmissionState.DRAFT, None, None)
    assert row.events.last().action == "reopen"


def test_approving_a_draft_is_refused(ready: Cast):
    response = ready.client(ready.minh).post(
        url("approve", ready.noi_vu_campaign_unit), CONFIRMED, follow=True
    )
    assert (
        "Không thể “Phê duyệt và ký” khi đang ở trạng thái “Đang nhập”" in response.content.decode()
    )
    assert submission(ready).state == SubmissionState.DRAFT


def test_every_move_is_an_event_with_who(ready: Cast):
    cast = submitted(ready)
    cast.client(cast.minh).post(
        url("return", cast.noi_vu_campaign_unit), {"confirmed": "1", "note": "Thiếu minh chứng"}
    )
    cast.client(cast.lan).post(url("submit", cast.noi_vu_campaign_unit), CONFIRMED)
    cast.client(cast.minh).post(url("approve", cast.noi_vu_campaign_unit), CONFIRMED)
    events = list(SubmissionEvent.objects.values_list("action", "actor__username"))
    assert events == [
        ("save", "lan"),
        ("save", "lan"),
        ("submit", "lan"),
        ("return", "minh"),
        ("submit", "lan"),
        ("approve", "minh"),
    ]
    page = cast.client(cast.hoa).get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    assert "Thiếu minh chứng" in page and "Đã phê duyệt" in page
