"""The deadline: after the campaign's self-assessment deadline (or the unit's later
extension), or when the campaign is not open, every edit is refused with a clear message and
the form renders read-only."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.assessments.models import Answer, Evidence, Submission
from portal.workflow import CampaignState, SubmissionState
from tests.portal.assessments.conftest import COMPLETE, CONFIRMED, PDF, save_fields, url
from tests.portal.conftest import Cast

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2025, 3, 31, 17, 0, tzinfo=HANOI)
BEFORE = DEADLINE - timedelta(minutes=1)
AFTER = DEADLINE + timedelta(minutes=1)
MESSAGE = "Đã hết hạn tự đánh giá (hạn 31/03/2025 17:00)."


@pytest.fixture
def with_deadline(cast: Cast) -> Cast:
    cast.campaign.self_assessment_deadline = DEADLINE
    cast.campaign.save()
    return cast


def test_saving_works_until_the_deadline(with_deadline: Cast):
    cast = with_deadline
    with time_machine.travel(BEFORE, tick=False):
        assert (
            save_fields(
                cast.client(cast.lan), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "50"}
            ).status_code
            == 302
        )
    assert Answer.objects.get(criterion="cqs_ky_so").value == "50"


def test_after_the_deadline_saving_is_refused_and_nothing_changes(with_deadline: Cast):
    cast = with_deadline
    with time_machine.travel(BEFORE, tick=False):
        client = cast.client(cast.lan)
        page_fields = client.get(url("form", cast.noi_vu_campaign_unit))
    with time_machine.travel(AFTER, tick=False):
        from tests.portal.assessments.conftest import form_fields

        fields = {**form_fields(page_fields), "value:cqs_ky_so": "50"}
        response = client.post(url("save", cast.noi_vu_campaign_unit), fields, follow=True)
        page = response.content.decode()
    assert MESSAGE in page
    assert Answer.objects.count() == 0
    assert (
        Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).state
        == SubmissionState.NOT_STARTED
    )


def test_after_the_deadline_the_form_is_read_only(with_deadline: Cast):
    cast = with_deadline
    with time_machine.travel(AFTER, tick=False):
        page = cast.client(cast.lan).get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    assert MESSAGE in page
    assert "Lưu nháp</button>" not in page
    assert "version:" not in page  # no editable field is carried
    assert 'name="value:cqs_ky_so" value="" size="10" readonly' in page
    assert "Tải lên" not in page
    assert "form.js" not in page


def test_after_the_deadline_evidence_and_submit_are_refused(with_deadline: Cast):
    cast = with_deadline
    with time_machine.travel(BEFORE, tick=False):
        save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    with time_machine.travel(AFTER, tick=False):
        client = cast.client(cast.lan)
        upload = client.post(
            url("evidence_upload", cast.noi_vu_campaign_unit, "nts_ke_hoach"),
            {"file": SimpleUploadedFile("ke-hoach.pdf", PDF)},
            follow=True,
        )
        link = client.post(
            url("evidence_link", cast.noi_vu_campaign_unit, "nts_ke_hoach"),
            {"url": "https://example.org"},
            follow=True,
        )
        submit = client.post(url("submit", cast.noi_vu_campaign_unit), CONFIRMED, follow=True)
        status = client.get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    for response in (upload, link, submit):
        assert MESSAGE in response.content.decode()
    assert Evidence.objects.count() == 0
    assert (
        Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).state
        == SubmissionState.DRAFT
    )
    assert url("submit", cast.noi_vu_campaign_unit) not in status


def test_an_extension_lets_the_unit_work_past_the_campaign_deadline(with_deadline: Cast):
    cast = with_deadline
    cast.noi_vu_campaign_unit.extension_until = DEADLINE + timedelta(days=3)
    cast.noi_vu_campaign_unit.save()
    with time_machine.travel(AFTER, tick=False):
        assert (
            save_fields(
                cast.client(cast.lan), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "50"}
            ).status_code
            == 302
        )
        # Sở Tư pháp has no extension
        response = save_fields(
            cast.client(cast.thao), cast.tu_phap_campaign_unit, {"value:cqs_ky_so": "50"}
        )
        assert MESSAGE in cast.client(cast.thao).get(response["Location"]).content.decode()
    with time_machine.travel(DEADLINE + timedelta(days=3, minutes=1), tick=False):
        response = save_fields(
            cast.client(cast.lan), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "60"}
        )
        page = cast.client(cast.lan).get(response["Location"]).content.decode()
    assert "Đã hết hạn tự đánh giá (hạn 03/04/2025 17:00)." in page
    assert list(Answer.objects.values_list("value", flat=True)) == ["50"]


def test_an_earlier_extension_does_not_shorten_the_deadline(with_deadline: Cast):
    cast = with_deadline
    cast.noi_vu_campaign_unit.extension_until = DEADLINE - timedelta(days=3)
    cast.noi_vu_campaign_unit.save()
    with time_machine.travel(BEFORE, tick=False):
        assert (
            save_fields(
                cast.client(cast.lan), cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "50"}
            ).status_code
            == 302
        )


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (CampaignState.DRAFT, "Đang soạn"),
        (CampaignState.SELF_ASSESSMENT_CLOSED, "Đã đóng tự đánh giá"),
        (CampaignState.IN_APPRAISAL, "Đang thẩm định"),
    ],
)
def test_a_campaign_that_is_not_open_refuses_edits(cast: Cast, state, label):
    cast.campaign.state = state
    cast.campaign.save()
    client = cast.client(cast.lan)
    response = client.post(
        url("save", cast.noi_vu_campaign_unit),
        {"version:cqs_ky_so": "0", "value:cqs_ky_so": "50"},
        follow=True,
    )
    assert (
        f"Đợt đánh giá không ở giai đoạn tự đánh giá (trạng thái: {label})."
        in response.content.decode()
    )
    assert Answer.objects.count() == 0


def test_the_approver_may_still_sign_what_was_submitted_in_time(with_deadline: Cast):
    cast = with_deadline
    with time_machine.travel(BEFORE, tick=False):
        save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
        cast.client(cast.lan).post(url("submit", cast.noi_vu_campaign_unit), CONFIRMED)
    with time_machine.travel(AFTER, tick=False):
        cast.client(cast.minh).post(url("approve", cast.noi_vu_campaign_unit), CONFIRMED)
    assert (
        Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).state
        == SubmissionState.APPROVED
    )
