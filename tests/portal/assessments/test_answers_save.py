"""Saving a draft: values typed the Vietnamese way are stored exactly as the core needs them,
garbage is refused next to its field with nothing saved, and the first save starts the draft."""

from __future__ import annotations

import pytest

from portal.assessments.models import Answer, Submission, SubmissionEvent
from portal.workflow import SubmissionState
from tests.portal.assessments.conftest import (
    COMPLETE,
    criterion_block,
    form_fields,
    save,
    save_fields,
    url,
)
from tests.portal.conftest import Cast


def stored(cast: Cast) -> dict[str, object]:
    return dict(Answer.objects.values_list("criterion", "value"))


def submission(cast: Cast) -> Submission:
    return Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)


def test_it_stores_each_kind_of_answer_as_the_core_needs_it(unit_formula: Cast):
    cast = unit_formula
    values = {**COMPLETE, "value:cqs_dvctt:online": "1.234,5", "value:cqs_dvctt:total": "2000"}
    response = save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, values)
    assert response.status_code == 302
    assert stored(cast) == {
        "nts_ke_hoach": True,
        "nts_tuyen_truyen": "4",
        "tcs_quy_che": "day_du",
        "cqs_ky_so": "87.5",
        "cqs_so_hoa": "75",
        "xhs_danh_gia": "20",
        "cqs_dvctt": {"online": "1234.5", "total": "2000"},
    }


@pytest.mark.parametrize(
    ("field", "typed", "kept"),
    [
        ("value:cqs_ky_so", "87,5", "87.5"),
        ("value:cqs_ky_so", " 87,50 % ", "87.50"),
        ("value:cqs_ky_so", "87.5", "87.5"),
        ("value:xhs_danh_gia", "12,25", "12.25"),
        ("value:xhs_danh_gia", "0", "0"),
        ("value:nts_tuyen_truyen", "1.234.567", "1234567"),
        ("value:nts_tuyen_truyen", "12", "12"),
        ("value:nts_ke_hoach", "no", False),
    ],
)
def test_it_reads_numbers_the_vietnamese_way(cast: Cast, field, typed, kept):
    response = save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, {field: typed})
    assert response.status_code == 302
    assert stored(cast)[field.split(":")[1]] == kept


def test_the_saved_number_comes_back_with_a_decimal_comma(cast: Cast):
    client = cast.client(cast.lan)
    save_fields(client, cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "87.5"})
    assert (
        form_fields(client.get(url("form", cast.noi_vu_campaign_unit)))["value:cqs_ky_so"] == "87,5"
    )


def test_thousands_are_read_in_formula_inputs(unit_formula: Cast):
    cast = unit_formula
    save_fields(
        cast.client(cast.lan),
        cast.noi_vu_campaign_unit,
        {"value:cqs_dvctt:online": "1.234.567", "value:cqs_dvctt:total": "2.000.000,5"},
    )
    assert stored(cast)["cqs_dvctt"] == {"online": "1234567", "total": "2000000.5"}


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("value:cqs_ky_so", "tám mươi", "“tám mươi” không phải là số: gõ số, ví dụ 87,5."),
        ("value:cqs_ky_so", "12..5", "Hai dấu phân cách liền nhau"),
        ("value:cqs_ky_so", "1e5", "lũy thừa"),
        ("value:cqs_ky_so", "120", "Tỷ lệ phải từ 0 đến 100%"),
        ("value:cqs_ky_so", "-3", "Không được là số âm"),
        ("value:cqs_ky_so", "87,12345", "Tối đa 4 chữ số thập phân"),
        ("value:xhs_danh_gia", "30", "Điểm phải từ 0 đến 25"),
        ("value:xhs_danh_gia", "20%", "không kèm dấu %"),
        ("value:nts_tuyen_truyen", "4,5", "Số lượng phải là số nguyên"),
        ("value:nts_tuyen_truyen", "1.000", "không rõ là số nghìn hay số thập phân"),
        ("value:cqs_ky_so", "87,125", "không rõ là số nghìn hay số thập phân"),
        ("value:nts_ke_hoach", "maybe", "Chọn Có hoặc Không"),
        ("value:tcs_quy_che", "toan_bo", "Chọn một mức trong danh sách"),
    ],
)
def test_garbage_gets_a_message_next_to_its_field_and_nothing_is_saved(
    cast: Cast, field, typed, message
):
    values = {**COMPLETE, field: typed}
    response = save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, values)
    assert response.status_code == 400
    page = response.content.decode()
    error_at = page.index(f'data-error-for="{field}"')
    assert message in page[error_at : error_at + 300]
    assert page[error_at:].startswith(f'data-error-for="{field}" role="alert">')
    block = criterion_block(page, field.split(":")[1])  # inside its criterion, not at the top
    assert message.replace("“", "&ldquo;") in block or message in block
    assert "Chưa lưu: 1 ô nhập chưa đúng" in page
    if field not in ("value:nts_ke_hoach", "value:tcs_quy_che"):  # radios and selects
        assert f'value="{typed}"' in page  # what was typed stays in the field
    assert Answer.objects.count() == 0
    assert submission(cast).state == SubmissionState.NOT_STARTED
    assert SubmissionEvent.objects.count() == 0


def test_a_too_long_note_is_refused(cast: Cast):
    response = save_fields(
        cast.client(cast.lan), cast.noi_vu_campaign_unit, {"note:cqs_ky_so": "x" * 5001}
    )
    assert response.status_code == 400
    assert "tối đa 5000" in response.content.decode()
    assert Answer.objects.count() == 0


def test_the_first_save_starts_the_draft_and_records_who_and_when(cast: Cast):
    response = save(cast.client(cast.lan), cast.noi_vu_campaign_unit, value__cqs_ky_so="50")
    assert response.status_code == 302
    follow = cast.client(cast.lan).get(response["Location"])
    assert follow.status_code == 200
    assert submission(cast).state == SubmissionState.DRAFT
    answer = Answer.objects.get(criterion="cqs_ky_so")
    assert (answer.updated_by, answer.version) == (cast.lan, 1)
    assert answer.updated_at is not None
    event = SubmissionEvent.objects.get()
    assert (event.action, event.actor, event.note) == (
        "save",
        cast.lan,
        "Lưu: Tỷ lệ văn bản đi được ký số",
    )


def test_it_says_how_many_criteria_changed(cast: Cast):
    client = cast.client(cast.lan)
    response = save_fields(client, cast.noi_vu_campaign_unit, COMPLETE)
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu nháp (6 tiêu chí thay đổi)." in page


def test_saving_again_without_changes_touches_nothing(cast: Cast):
    client = cast.client(cast.lan)
    save_fields(client, cast.noi_vu_campaign_unit, COMPLETE)
    save_fields(client, cast.noi_vu_campaign_unit, {})
    assert set(Answer.objects.values_list("version", flat=True)) == {1}
    assert SubmissionEvent.objects.count() == 1


def test_a_note_is_kept_before_the_value_is_known(cast: Cast):
    save_fields(
        cast.client(cast.lan), cast.noi_vu_campaign_unit, {"note:cqs_so_hoa": "Chờ số liệu quý IV"}
    )
    answer = Answer.objects.get(criterion="cqs_so_hoa")
    assert (answer.value, answer.note) == (None, "Chờ số liệu quý IV")


def test_clearing_a_value_stores_no_answer_and_a_new_version(cast: Cast):
    client = cast.client(cast.lan)
    save_fields(client, cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "50"})
    save_fields(client, cast.noi_vu_campaign_unit, {"value:cqs_ky_so": ""})
    answer = Answer.objects.get(criterion="cqs_ky_so")
    assert (answer.value, answer.version) == (None, 2)


def test_system_sourced_criteria_are_read_only(cast: Cast):
    client = cast.client(cast.lan)
    page = client.get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    article = page[page.index('id="tc-cqs_dvctt"') :]
    article = article[: article.index("</article>")]
    assert "Lấy từ hệ thống dùng chung (chỉ xem)" in article
    assert 'name="value:cqs_dvctt:online" value="" size="10" readonly' in article
    assert "version:cqs_dvctt" not in article
    # posting a value anyway stores nothing for it
    client.post(
        url("save", cast.noi_vu_campaign_unit),
        {"version:cqs_dvctt": "0", "value:cqs_dvctt:online": "5", "value:cqs_dvctt:total": "9"},
    )
    assert not Answer.objects.filter(criterion="cqs_dvctt").exists()


def test_criteria_that_do_not_apply_are_greyed_and_not_stored(unit_formula: Cast):
    cast = unit_formula  # Sở Tư pháp has no online public services
    client = cast.client(cast.thao)
    page = client.get(url("form", cast.tu_phap_campaign_unit)).content.decode()
    article = page[page.rindex("<article", 0, page.index('id="tc-cqs_dvctt"')) :]
    article = article[: article.index("</article>")]
    assert "not-applicable" in article
    assert "Không áp dụng cho đơn vị" in article
    assert "value:cqs_dvctt" not in article
    client.post(
        url("save", cast.tu_phap_campaign_unit),
        {"version:cqs_dvctt": "0", "value:cqs_dvctt:online": "5", "value:cqs_dvctt:total": "9"},
    )
    assert not Answer.objects.filter(criterion="cqs_dvctt").exists()
