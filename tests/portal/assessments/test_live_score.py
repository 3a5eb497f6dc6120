"""The live score: the page posts its current values (htmx) and the scoring core answers with
an HTML fragment whose parts replace each criterion's self-score and problem, each index
total, the total, the ratio and what is missing (hx-swap-oob). Nothing is saved."""

from __future__ import annotations

from portal.assessments.models import Answer, SubmissionEvent
from tests.portal.assessments.conftest import COMPLETE, form_fields, url
from tests.portal.conftest import Cast
from tests.portal.live_score import read_live


def live(cast: Cast, campaign_unit=None, user=None, **values: str) -> dict:  # type: ignore[no-untyped-def]
    campaign_unit = campaign_unit or cast.noi_vu_campaign_unit
    client = cast.client(user or cast.lan)
    fields = form_fields(client.get(url("form", campaign_unit)))
    fields.update({f"value:{code}": text for code, text in values.items()})
    response = client.post(url("score", campaign_unit), fields, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return read_live(response.content.decode())


def test_it_scores_the_values_on_the_page_without_saving(cast: Cast):
    result = live(cast, nts_ke_hoach="yes", cqs_ky_so="87,5", nts_tuyen_truyen="4")
    assert result["criteria"]["nts_ke_hoach"]["score"] == "5"
    assert result["criteria"]["cqs_ky_so"]["score"] == "13,13"  # 15 × 87,5 % = 13,125, half up
    assert result["criteria"]["nts_tuyen_truyen"]["score"] == "2"  # 4 × 0,5
    indices = result["indices"]
    assert indices["nhan_thuc_so"]["score"] == "7"  # of 15: the page prints the maximum
    assert (indices["nhan_thuc_so"]["answered"], indices["nhan_thuc_so"]["required"]) == (2, 2)
    assert (
        indices["hoat_dong_chinh_quyen_so"]["answered"],
        indices["hoat_dong_chinh_quyen_so"]["required"],
    ) == (1, 2)
    assert (result["total"], result["max"], result["ratio"]) == ("20,13", "100", "20,1%")
    assert result["class"] == "Yếu"
    assert result["missing"] == ["tcs_quy_che", "cqs_so_hoa", "xhs_danh_gia"]
    assert Answer.objects.count() == 0
    assert SubmissionEvent.objects.count() == 0


def test_a_complete_page_has_nothing_missing(cast: Cast):
    values = {key.split(":")[1]: value for key, value in COMPLETE.items()}
    result = live(cast, **values)
    # 5 + 2 + 10 + 13,13 + 10 (75 % is in the 70 % band) + 20
    assert result["total"] == "60,13"
    assert result["missing"] == []
    assert result["class"] == "Trung bình"


def test_garbage_is_reported_for_its_field_and_left_out(cast: Cast):
    result = live(cast, cqs_ky_so="tám mươi", nts_ke_hoach="yes")
    assert "không phải là số: gõ số, ví dụ 87,5." in result["errors"]["value:cqs_ky_so"]
    assert result["criteria"]["cqs_ky_so"]["score"] == "0"
    assert result["total"] == "5"


def test_criteria_that_do_not_apply_leave_the_applicable_max(unit_formula: Cast):
    cast = unit_formula
    result = live(cast, campaign_unit=cast.tu_phap_campaign_unit, user=cast.thao)
    assert "problem" not in result["criteria"]["cqs_dvctt"]  # the page shows none for it
    assert result["max"] == "80"  # 100 minus the 20 points of online public services


def test_formula_inputs_are_scored(unit_formula: Cast):
    cast = unit_formula
    client = cast.client(cast.lan)
    fields = form_fields(client.get(url("form", cast.noi_vu_campaign_unit)))
    fields.update({"value:cqs_dvctt:online": "1.200.000", "value:cqs_dvctt:total": "2.000.000"})
    result = read_live(
        client.post(url("score", cast.noi_vu_campaign_unit), fields).content.decode()
    )
    assert result["criteria"]["cqs_dvctt"]["score"] == "15"  # 60 %, capped at 80 %: 60 / 80 × 20


def test_a_number_that_could_be_thousands_or_decimals_is_refused(unit_formula: Cast):
    cast = unit_formula
    client = cast.client(cast.lan)
    fields = form_fields(client.get(url("form", cast.noi_vu_campaign_unit)))
    fields.update({"value:cqs_dvctt:online": "1.200", "value:cqs_dvctt:total": "2000"})
    result = read_live(
        client.post(url("score", cast.noi_vu_campaign_unit), fields).content.decode()
    )
    assert "không rõ là số nghìn hay số thập phân" in result["errors"]["value:cqs_dvctt:online"]


def test_readers_may_ask_for_a_score_but_it_saves_nothing(cast: Cast):
    result = live(cast, user=cast.minh, cqs_ky_so="50")
    assert result["total"] == "0"  # the approver's page carries no editable fields
    assert Answer.objects.count() == 0


def test_a_unit_missing_an_attribute_gets_a_clear_message_and_nothing_editable(cast: Cast):
    cast.noi_vu.attributes = {}
    cast.noi_vu.save()
    page = cast.client(cast.lan).get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    assert "thuộc tính của đơn vị chưa đủ" in page
    assert "has_online_public_services" in page
    assert "version:" not in page


def test_a_corrected_field_loses_its_error(cast: Cast):
    """Every value field the page posted gets its error part, empty when the value reads."""
    html = cast.client(cast.lan)
    fields = form_fields(html.get(url("form", cast.noi_vu_campaign_unit)))
    fields["value:cqs_ky_so"] = "87,5"
    fragment = html.post(url("score", cast.noi_vu_campaign_unit), fields).content.decode()
    assert """hx-swap-oob='innerHTML:[data-error-for="value:cqs_ky_so"]'></span>""" in fragment
    assert read_live(fragment)["errors"] == {}
