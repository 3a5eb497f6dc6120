"""A unit sees its system values on its self-assessment page, read-only, with their source
and measuring time; they count in its live score, its status page and the snapshot it
signs. It cannot change them: the page has no field for them and the service refuses."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError

from portal.answers import PostedAnswer, loaded_mark
from portal.assessments import saving
from portal.assessments import services as assessments
from portal.assessments.models import Answer, Submission
from portal.indicators.models import SystemValue
from portal.indicators.services import system_values_upload
from tests.portal.assessments.conftest import COMPLETE, form_fields, save_fields, url
from tests.portal.indicators.conftest import GOOD_ROWS, SOURCE, csv_bytes, person
from tests.portal.live_score import read_live


def imported(cast, rows=GOOD_ROWS, source=SOURCE):  # type: ignore[no-untyped-def]
    return system_values_upload(
        campaign=cast.campaign,
        actor=cast.quang,
        data=csv_bytes(rows),
        file_name="a.csv",
        source=source,
    )


def article(page: str, code: str = "cqs_dvctt") -> str:
    part = page[page.index(f'id="tc-{code}"') :]
    return html.unescape(part[: part.index("</article>")])


def test_without_an_import_the_page_says_there_is_no_value_yet(cast):
    page = cast.client(cast.lan).get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    assert "Chưa có số liệu từ hệ thống." in article(page)


@pytest.mark.parametrize("who", ["lan", "minh", "hung", "hoa", "quang"])
def test_the_imported_value_is_shown_read_only_with_its_source_and_time(cast, who):
    imported(cast)
    page = (
        cast.client(person(cast, who)).get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    )
    shown = article(page)
    assert (
        "Số liệu từ hệ thống: Số hồ sơ trực tuyến: 1200; Tổng số hồ sơ: 2000 — nguồn: Cổng dịch vụ công tỉnh, "
        "đo lúc 30/06/2025 08:00"
    ) in " ".join(re.sub(r"<[^>]+>", "", shown).split())
    assert 'name="value:cqs_dvctt:online" value="1200" size="10" readonly' in shown
    assert "version:cqs_dvctt" not in shown  # nothing the save would read


@pytest.mark.parametrize("who", ["thao", "khoa"])
def test_other_units_and_provinces_see_nothing(cast, who):
    imported(cast)
    response = cast.client(person(cast, who)).get(url("form", cast.noi_vu_campaign_unit))
    assert response.status_code == 404


def test_a_unit_the_criterion_does_not_apply_to_sees_it_greyed(cast):
    page = cast.client(cast.thao).get(url("form", cast.tu_phap_campaign_unit)).content.decode()
    shown = page[page.rindex("<article", 0, page.index('id="tc-cqs_dvctt"')) :]
    assert "Không áp dụng cho đơn vị" in shown[: shown.index("</article>")]


def test_the_live_score_counts_the_system_value(cast):
    client = cast.client(cast.lan)
    fields = form_fields(client.get(url("form", cast.noi_vu_campaign_unit)))
    fields.update(COMPLETE)
    before = read_live(
        client.post(url("score", cast.noi_vu_campaign_unit), fields).content.decode()
    )
    imported(cast)
    after = read_live(client.post(url("score", cast.noi_vu_campaign_unit), fields).content.decode())
    assert (before["total"], before["criteria"]["cqs_dvctt"]["score"]) == ("60,13", "0")
    # 1 200 of 2 000 online is 60 %: 60 / 80 × 20 = 15 points
    assert (after["total"], after["criteria"]["cqs_dvctt"]["score"]) == ("75,13", "15")
    assert after["class"] == "Khá"
    # and its index: 23,13 of the unit's own answers, plus the system's 15
    indices = before["indices"], after["indices"]
    assert [i["hoat_dong_chinh_quyen_so"]["score"] for i in indices] == ["23,13", "38,13"]


def test_the_form_and_status_pages_count_it_too(cast):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    imported(cast)
    client = cast.client(cast.lan)
    form = client.get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    assert '<span data-summary="total">75,13</span>' in form
    assert 'data-score="cqs_dvctt">15<' in form
    status = client.get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    assert "75,13" in status


def test_the_snapshot_keeps_the_system_values_the_unit_signed_with(cast):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    imported(cast)
    assessments.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    snapshot = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).snapshot
    assert snapshot["system"] == {
        "cqs_dvctt": {
            "value": {"online": "1200", "total": "2000"},
            "source": SOURCE,
            "measured_at": "2025-06-30T01:00:00+00:00",
        }
    }
    assert snapshot["scores"]["nodes"]["cqs_dvctt"] == "15.0000"
    assert snapshot["scores"]["total"].startswith("75.13")
    assert "cqs_dvctt" not in snapshot["answers"]
    # A later import changes the live value, not what was signed: the approver still approves.
    imported(
        cast, rows=[(*r[:3], "1900", "31/07/2025", "") for r in GOOD_ROWS[:1]] + [GOOD_ROWS[1]]
    )
    assert SystemValue.objects.get().value["online"] == "1900"
    approved = assessments.submission_approve(
        campaign_unit=cast.noi_vu_campaign_unit, actor=cast.minh
    )
    assert approved.state == "approved"


def test_a_unit_without_system_values_signs_the_same_snapshot_as_before(cast):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    assessments.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    assert "system" not in Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).snapshot


def test_the_reporter_cannot_write_a_system_criterion(cast):
    imported(cast)
    client = cast.client(cast.lan)
    response = client.post(
        url("save", cast.noi_vu_campaign_unit),
        {"version:cqs_dvctt": "0", "value:cqs_dvctt:online": "5", "value:cqs_dvctt:total": "9"},
    )
    assert response.status_code == 302  # the page has no such field: nothing is read from it
    assert not Answer.objects.filter(criterion="cqs_dvctt").exists()
    assert SystemValue.objects.get().value == {"online": "1200", "total": "2000"}
    posted = PostedAnswer(
        value={"online": "5", "total": "9"},
        note="",
        version=0,
        loaded=loaded_mark(None, ""),
    )
    with pytest.raises(ValidationError, match=r"Đơn vị không nhập được các tiêu chí: cqs_dvctt\."):
        saving.answers_save(
            campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan, answers={"cqs_dvctt": posted}
        )
    assert not Answer.objects.filter(criterion="cqs_dvctt").exists()
