"""The scoring sheet (/tham-dinh/don-vi/<id>/vong/<n>/): read by the team and the office,
written by the members assigned each criterion while the round is scored, through the same
inputs and parsing as the self-assessment; every other role refused; conflicts shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.appraisals.models import Appraisal, EvidenceVerdict
from portal.appraisals.team import assignment_add, team_member_add
from portal.appraisals.values import trail_for
from portal.assessments import evidence_files
from portal.assessments.models import Evidence, Submission
from portal.audit.models import AuditEntry
from portal.frameworks.scoring import score_answers
from tests.portal.appraisals.test_team_views import READERS
from tests.portal.assessments.conftest import PDF, form_fields
from tests.portal.live_score import read_live

REFUSED_READ = [
    pytest.param(None, 302, id="anonymous"),
    pytest.param("khoa", 404, id="khoa-other-province"),
    pytest.param("thao", 404, id="thao-another-units-reporter"),
    pytest.param("lan", 403, id="lan-own-unit"),
    pytest.param("minh", 403, id="minh-own-unit"),
]
REFUSED_WRITE = [
    *REFUSED_READ,
    pytest.param("hoa", 403, id="hoa-leadership"),
    pytest.param("quang", 403, id="quang-office-admin"),
]


def url(team, suffix: str = "", number: int = 1, campaign_unit=None) -> str:  # type: ignore[no-untyped-def]
    return f"/tham-dinh/don-vi/{(campaign_unit or team.campaign_unit).pk}/vong/{number}/{suffix}"


def stored() -> tuple[object, ...]:
    rows = Appraisal.objects.values_list("criterion", "value", "remark", "version")
    return sorted(rows), EvidenceVerdict.objects.count(), AuditEntry.objects.count()


def page_fields(client, team, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The sheet's fields as a browser posts them, with some changed ("__" for ":")."""
    fields = form_fields(client.get(url(team)))
    fields.update({name.replace("__", ":"): value for name, value in changes.items()})
    return fields


def points(team, number: int = 1) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    framework = team.cast.framework.build()
    values = trail_for(team.campaign_unit).values_at(
        number, [leaf.code for leaf in framework.leaves]
    )
    return score_answers(framework, team.campaign_unit.unit, values).scores


@pytest.fixture
def scoring(team):  # type: ignore[no-untyped-def]
    team.move(1, "open_round")
    return team


@pytest.mark.parametrize("who", READERS)
def test_the_team_and_the_office_read_the_sheet(scoring, who):
    response = scoring.cast.client(scoring.person(who)).get(url(scoring))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thẩm định Sở Nội vụ — vòng 1" in html
    assert "87,5 (13,13 đ)" in html  # the self value and points
    assert (
        'name="value:cqs_ky_so"' in html
        and "readonly" not in html.split('name="value:cqs_ky_so"')[1][:80]
    ) == (who == "mai")


@pytest.mark.parametrize(("who", "status"), REFUSED_READ)
def test_it_refuses_the_sheet(scoring, who, status):
    assert scoring.cast.client(scoring.person(who)).get(url(scoring)).status_code == status


@pytest.mark.parametrize(("who", "status"), REFUSED_READ)
def test_it_refuses_the_live_score_and_the_evidence(scoring, who, status):
    client = scoring.cast.client(scoring.person(who))
    assert client.post(url(scoring, "tinh-diem/"), {}).status_code == status
    evidence = Evidence.objects.create(
        submission=Submission.objects.get(campaign_unit=scoring.campaign_unit),
        criterion="cqs_ky_so",
        url="https://vb.example.vn/1",
        original_name="Văn bản",
        uploaded_by=scoring.cast.lan,
    )
    path = f"/tham-dinh/don-vi/{scoring.campaign_unit.pk}/minh-chung/{evidence.pk}/tai-ve/"
    assert client.get(path).status_code == status


@pytest.mark.parametrize(("who", "status"), REFUSED_WRITE)
def test_it_refuses_to_save_to_anyone_off_the_team(scoring, who, status):
    fields = page_fields(
        scoring.cast.client(scoring.mai), scoring, value__cqs_ky_so="60", note__cqs_ky_so="x"
    )
    before = stored()
    response = scoring.cast.client(scoring.person(who)).post(url(scoring, "luu/"), fields)
    assert response.status_code == status
    assert stored() == before


def test_an_appraiser_of_index_5_cannot_score_index_6(scoring):
    client = scoring.cast.client(scoring.cast.hung)
    fields = page_fields(client, scoring)
    assert "version:cqs_ky_so" not in fields  # not offered…
    fields.update({"version:cqs_ky_so": "0", "value:cqs_ky_so": "10", "note:cqs_ky_so": "Tự ý."})
    before = stored()
    response = client.post(url(scoring, "luu/"), fields)  # …and refused when forged
    assert response.status_code == 403
    assert "Bạn không được phân công thẩm định tiêu chí “Tỷ lệ văn bản đi được ký số”" in (
        response.content.decode()
    )
    assert stored() == before
    assignment_add(
        member=scoring.members["hung"], index="hoat_dong_chinh_quyen_so", actor=scoring.cast.quang
    )
    fields = page_fields(client, scoring, value__cqs_ky_so="10", note__cqs_ky_so="Chỉ 10%.")
    assert client.post(url(scoring, "luu/"), fields).status_code == 302
    assert Appraisal.objects.get().value == "10"


def test_each_rule_is_typed_and_scored_as_in_the_self_assessment(scoring):
    assignment_add(member=scoring.members["chair"], actor=scoring.cast.quang)
    client = scoring.cast.client(scoring.chair)
    typed = {
        "value:nts_ke_hoach": "no", "value:nts_tuyen_truyen": "3", "value:tcs_quy_che": "mot_phan",
        "value:cqs_ky_so": "60,5", "value:cqs_so_hoa": "55 %", "value:cqs_dvctt:online": "400",
        "value:cqs_dvctt:total": "1000", "value:xhs_danh_gia": "12,5",
    }  # fmt: skip
    remarks = {f"note:{name.split(':')[1]}": "Theo biên bản kiểm tra." for name in typed}
    fields = page_fields(client, scoring)
    fields.update({**typed, **remarks})
    response = client.post(url(scoring, "luu/"), fields, follow=True)
    assert "Đã lưu: 7 tiêu chí, 0 kết luận minh chứng." in response.content.decode()
    assert dict(Appraisal.objects.values_list("criterion", "value")) == {
        "nts_ke_hoach": False,
        "nts_tuyen_truyen": "3",
        "tcs_quy_che": "mot_phan",
        "cqs_ky_so": "60.5",
        "cqs_so_hoa": "55",
        "cqs_dvctt": {"online": "400", "total": "1000"},
        "xhs_danh_gia": "12.5",
    }
    scores = points(scoring)
    assert [
        scores[c] for c in ("nts_ke_hoach", "nts_tuyen_truyen", "tcs_quy_che", "cqs_ky_so")
    ] == [
        0,
        Decimal("1.5"),
        5,
        Decimal("9.08"),
    ]
    assert [scores[c] for c in ("cqs_so_hoa", "cqs_dvctt", "xhs_danh_gia")] == [
        5,
        10,
        Decimal("12.5"),
    ]
    html = response.content.decode()
    assert (
        '<span data-summary="total">43,08</span>' in html
    )  # the round's total, beside the self-score
    assert "Tự chấm: 75,13 / 100" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"value:cqs_ky_so": "1.200"}, "“1.200” không rõ là số nghìn hay số thập phân"),
        ({"value:cqs_ky_so": "120"}, "Tỷ lệ phải từ 0 đến 100% (đã nhập “120”)."),
    ],
)
def test_a_value_typed_wrong_is_shown_back_and_nothing_is_saved(scoring, typed, message):
    client = scoring.cast.client(scoring.mai)
    before = stored()
    response = client.post(
        url(scoring, "luu/"),
        page_fields(client, scoring, **{k.replace(":", "__"): v for k, v in typed.items()}),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored() == before


def test_a_lowered_score_without_a_remark_is_shown_back(scoring):
    client = scoring.cast.client(scoring.mai)
    before = stored()
    response = client.post(
        url(scoring, "luu/"), page_fields(client, scoring, value__cqs_ky_so="60")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "giá trị thẩm định khác giá trị đơn vị kê khai (87,5); ghi rõ lý do trong nhận xét." in html
    )
    assert 'name="value:cqs_ky_so" value="60"' in html  # what was typed stays on the page
    assert stored() == before


def test_a_second_appraiser_sees_the_first_ones_value_and_loses_nothing(scoring):
    assignment_add(
        member=scoring.members["chair"], index="hoat_dong_chinh_quyen_so", actor=scoring.cast.quang
    )
    mai, chair = scoring.cast.client(scoring.mai), scoring.cast.client(scoring.chair)
    first = page_fields(mai, scoring, value__cqs_ky_so="60", note__cqs_ky_so="Chỉ 60% có ký số.")
    second = page_fields(chair, scoring, value__cqs_ky_so="70", note__cqs_ky_so="Có 70%.")
    assert mai.post(url(scoring, "luu/"), first).status_code == 302
    before = stored()
    response = chair.post(url(scoring, "luu/"), second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ngô Thị Mai đã lưu tiêu chí này lúc" in html and "với giá trị “60”" in html
    assert "và nhận xét “Chỉ 60% có ký số.”" in html
    assert 'name="value:cqs_ky_so" value="70"' in html  # his own value is still there
    assert stored() == before
    again = form_fields(response)  # he read it, and saves his value over it
    assert chair.post(url(scoring, "luu/"), again).status_code == 302
    row = Appraisal.objects.get()
    assert (row.value, row.remark, row.updated_by, row.version) == (
        "70",
        "Có 70%.",
        scoring.chair,
        2,
    )


def test_an_untouched_criterion_is_saved_only_when_confirmed(scoring):
    client = scoring.cast.client(scoring.mai)
    assert client.post(url(scoring, "luu/"), page_fields(client, scoring)).status_code == 302
    assert not Appraisal.objects.exists()
    client.post(url(scoring, "luu/"), page_fields(client, scoring, confirm__cqs_so_hoa="on"))
    assert list(Appraisal.objects.values_list("criterion", "value", "remark")) == [
        ("cqs_so_hoa", "75", "")
    ]


def test_a_sheet_sent_again_as_saved_writes_nothing_and_says_so(scoring):
    """A second tap, or a save sent again after no answer came (the page says that is
    safe): the values are stored already, so nothing is written, no conflict is raised, and
    the page says there was nothing new rather than "0 criteria saved"."""
    client = scoring.cast.client(scoring.mai)
    fields = page_fields(client, scoring, value__cqs_ky_so="60", note__cqs_ky_so="Chỉ 60%.")
    first = client.post(url(scoring, "luu/"), fields, follow=True)
    assert "Đã lưu: 1 tiêu chí, 0 kết luận minh chứng." in first.content.decode()
    before, entries = stored(), AuditEntry.objects.count()
    again = client.post(url(scoring, "luu/"), fields, follow=True)
    assert again.redirect_chain[0][1] == 302
    assert (stored(), AuditEntry.objects.count()) == (before, entries)
    said = [str(message) for message in again.context["messages"]]
    assert said == [
        "Không có gì mới để lưu: mọi giá trị trên trang đã được lưu, hoặc chưa được sửa."
    ]


def test_a_supplement_request_with_its_own_deadline(scoring):
    client = scoring.cast.client(scoring.mai)
    fields = page_fields(
        client,
        scoring,
        value__cqs_ky_so="60",
        note__cqs_ky_so="Chỉ 60%.",
        supplement__cqs_ky_so="on",
        request__cqs_ky_so="Gửi danh sách văn bản quý IV.",
        due__cqs_ky_so="31/12/2099 17:00",
    )
    assert client.post(url(scoring, "luu/"), fields).status_code == 302
    row = Appraisal.objects.get()
    assert (row.supplement_requested, row.supplement_request) == (
        True,
        "Gửi danh sách văn bản quý IV.",
    )
    assert row.supplement_due.year == 2099
    html = client.get(url(scoring)).content.decode()
    assert 'value="31/12/2099 17:00"' in html


def test_verdicts_are_set_on_the_sheet(scoring):
    submission = Submission.objects.get(campaign_unit=scoring.campaign_unit)
    evidence = Evidence.objects.create(
        submission=submission,
        criterion="cqs_ky_so",
        url="https://vb.example.vn/1",
        original_name="Danh sách",
        uploaded_by=scoring.cast.lan,
    )
    client = scoring.cast.client(scoring.mai)
    fields = page_fields(client, scoring)
    assert f"verdict:{evidence.pk}" in fields
    fields.update(
        {f"verdict:{evidence.pk}": "insufficient", f"verdict_note:{evidence.pk}": "Thiếu quý IV."}
    )
    response = client.post(url(scoring, "luu/"), fields, follow=True)
    assert "Đã lưu: 0 tiêu chí, 1 kết luận minh chứng." in response.content.decode()
    assert EvidenceVerdict.objects.get().verdict == "insufficient"
    hung = page_fields(scoring.cast.client(scoring.cast.hung), scoring)
    assert f"verdict:{evidence.pk}" not in hung  # not his criterion


def test_a_round_not_being_scored_is_read_only(scoring):
    scoring.move(1, "return_results")
    client = scoring.cast.client(scoring.mai)
    html = client.get(url(scoring)).content.decode()
    assert "Vòng 1 không ở giai đoạn chấm" in html and ">Lưu</button>" not in html
    fields = page_fields(client, scoring)
    fields.update({"version:cqs_ky_so": "0", "value:cqs_ky_so": "10", "note:cqs_ky_so": "x"})
    before = stored()
    response = client.post(url(scoring, "luu/"), fields)
    assert response.status_code == 400
    assert "Không thể “Chấm điểm thẩm định”" in response.content.decode()
    assert stored() == before


def test_the_live_score_follows_the_typed_values(scoring):
    client = scoring.cast.client(scoring.mai)
    fields = page_fields(client, scoring, value__cqs_ky_so="60")
    result = read_live(client.post(url(scoring, "tinh-diem/"), fields).content.decode())
    assert result["criteria"]["cqs_ky_so"]["score"] == "9"
    assert result["total"] == "71"
    assert result["missing"] is None  # the sheet has no list of what is missing
    assert not Appraisal.objects.exists()


def test_an_unknown_round_is_not_found(scoring):
    assert scoring.cast.client(scoring.mai).get(url(scoring, number=9)).status_code == 404


def test_the_sheet_reads_a_fixed_number_of_queries(scoring, django_assert_max_num_queries):
    submission = Submission.objects.get(campaign_unit=scoring.campaign_unit)
    for n in range(10):
        Evidence.objects.create(
            submission=submission,
            criterion="cqs_ky_so",
            url=f"https://vb.example.vn/{n}",
            original_name=f"Văn bản {n}",
            uploaded_by=scoring.cast.lan,
        )
    scoring.score(scoring.mai, 1, {"cqs_ky_so": "60", "cqs_so_hoa": "55"}, "Theo minh chứng.")
    client = scoring.cast.client(scoring.mai)
    # session, user, the permission's entry, roles and team member (+ own unit), the round,
    # the framework, the trail (4), rounds, evidence, verdicts, what she may appraise (3),
    # the navigation's memberships and unread notifications.
    with django_assert_max_num_queries(22):
        assert client.get(url(scoring)).status_code == 200


def test_evidence_files_are_downloaded_by_whoever_reads_the_sheet(scoring):
    submission = Submission.objects.get(campaign_unit=scoring.campaign_unit)
    stored_file = evidence_files.store(SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf"))
    evidence = Evidence.objects.create(
        submission=submission,
        criterion="nts_ke_hoach",
        stored_name=stored_file.stored_name,
        original_name="ke-hoach.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=stored_file.sha256,
        uploaded_by=scoring.cast.lan,
    )
    path = f"/tham-dinh/don-vi/{scoring.campaign_unit.pk}/minh-chung/{evidence.pk}/tai-ve/"
    # Thảo reports for another unit; on the team, she appraises Sở Nội vụ's evidence too.
    team_member_add(campaign=scoring.campaign, user=scoring.cast.thao, actor=scoring.cast.quang)
    for who in ["hung", "chair", "quang", "thao"]:
        response = scoring.cast.client(scoring.person(who)).get(path)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == PDF
    assert scoring.cast.client(scoring.cast.khoa).get(path).status_code == 404
    assert scoring.cast.client(scoring.cast.lan).get(path).status_code == 403
    assert scoring.cast.client(None).get(path).status_code == 302
