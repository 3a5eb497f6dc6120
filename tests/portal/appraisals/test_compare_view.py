"""The side-by-side view (/tham-dinh/don-vi/<id>/doi-chieu/): per criterion, grouped by main
index, the self-assessment and each round's value and points, totals per column, and the
history of each value from the audit trail. The office, leadership and the team see every
round; the unit's people only the rounds returned to them, and only the team's history of
those rounds."""

from __future__ import annotations

import re

import pytest

from portal.appraisals.models import Response
from portal.appraisals.posted import PostedResponse
from portal.appraisals.responses import response_save
from portal.audit.services import audit_record
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import SECRET_REMARK, Appraised


def url(appraised: Appraised) -> str:
    return f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/doi-chieu/"


def page(appraised: Appraised, who: str) -> str:
    response = appraised.cast.client(appraised.person(who)).get(url(appraised))
    assert response.status_code == 200
    return str(response.content.decode())


def row(html: str, code: str) -> str:
    start = html.index(f'id="tc-{code}"')
    return html[start : html.index("</tr>", start)]


def cells(html: str, code: str) -> list[str]:
    """Each column's cell of one criterion, as text: "value points"."""
    found = re.findall(r'<td class="num[^"]*">(.*?)</td>', row(html, code), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in found]


def headers(html: str) -> list[str]:
    head = html[html.index("<thead>") : html.index("</thead>")]
    found = re.findall(r'<th class="num">(.*?)</th>', head, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in found]


def tally(html: str) -> list[str]:
    foot = html[html.index("<tfoot>") : html.index("</tfoot>")]
    found = re.findall(r'<td class="num">(.*?)</td>', foot, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in found]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lan", 200), ("minh", 200), ("quang", 200), ("hoa", 200), ("hung", 200),
        ("tham", 200), ("chinh", 200), ("ngoai", 200),
        ("thao", 404), ("khoa", 404), ("anon", 302),
    ],
)  # fmt: skip
def test_who_sees_the_side_by_side_view(appraised: Appraised, who, status):
    response = appraised.cast.client(appraised.person(who)).get(url(appraised))
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith("/tai-khoan/dang-nhap/")


def test_the_team_sees_every_round_started_with_values_points_and_totals(appraised: Appraised):
    html = page(appraised, "hung")
    assert headers(html) == ["Tự đánh giá", "Vòng 1", "Vòng 2 Tổ đang chấm"]
    assert cells(html, "cqs_ky_so") == [
        "87,5 13,13 đ",
        "60 9 đ Tỷ lệ văn bản ký số thực tế chỉ 60%.",
        f"70 10,5 đ {SECRET_REMARK}",
    ]
    assert cells(html, "tcs_quy_che") == ["Ban hành đầy đủ 10 đ"] * 3  # carried over
    assert tally(html) == ["60,13 / 100 60,1%", "45 / 100 45%", "46,5 / 100 46,5%"]
    groups = re.findall(r'<tr class="index"><th>(.*?)</th>(.*?)</tr>', html, re.S)
    assert [name for name, _ in groups] == [
        "Nhận thức số",
        "Thể chế số",
        "Hoạt động chính quyền số",
        "Xã hội số",
    ]
    points = re.findall(r"<strong>(.*?)</strong>", groups[2][1])
    assert points == ["23,13", "14", "15,5"]  # ký số + số hoá (+ DVCTT, not imported here)


def test_the_unit_sees_only_the_rounds_returned_to_it(appraised: Appraised):
    html = page(appraised, "lan")
    assert headers(html) == ["Tự đánh giá", "Vòng 1"]
    assert SECRET_REMARK not in html
    assert "70" not in " ".join(cells(html, "cqs_ky_so"))
    assert tally(html) == ["60,13 / 100 60,1%", "45 / 100 45%"]


def test_the_final_round_joins_the_units_view_once_finalized(appraised: Appraised):
    from portal.campaigns.models import AppraisalRound
    from portal.workflow import CampaignState, RoundState

    AppraisalRound.objects.filter(number=2).update(state=RoundState.CLOSED)
    AppraisalRound.objects.filter(number=3).update(state=RoundState.AGREED)
    assert headers(page(appraised, "lan")) == ["Tự đánh giá", "Vòng 1", "Vòng 2"]
    assert headers(page(appraised, "quang"))[-1] == "Vòng 3 (cuối) Tổ đã thống nhất điểm"
    appraised.cast.campaign.state = CampaignState.FINALIZED
    appraised.cast.campaign.save()
    assert headers(page(appraised, "lan"))[-1].startswith("Vòng 3 (cuối)")


def team_entry(appraised: Appraised, number: int, value: str, remark: str) -> None:
    """An entry as the team's scoring writes it (portal.appraisals.services)."""
    audit_record(
        actor=appraised.cast.hung,
        entity="appraisal",
        action="score",
        old=None,
        new={"round": number, "value": value, "remark": remark},
        reason=remark,
        campaign=appraised.cast.campaign,
        unit=appraised.cast.noi_vu,
        criterion="cqs_ky_so",
    )


def history(html: str, code: str) -> str:
    start = html.index(f'id="tc-{code}"')
    block = html[start : html.index("</tr>", start)]
    assert "<details" in block  # folded under the row
    return block[block.index("<details") : block.index("</details>")]


def test_each_value_has_its_history_who_when_from_what_to_what_why(appraised: Appraised):
    team_entry(appraised, 1, "60", "Tỷ lệ văn bản ký số thực tế chỉ 60%.")
    response_save(
        campaign_unit=appraised.campaign_unit,
        round=appraised.rounds[1],
        actor=appraised.cast.lan,
        posted=PostedResponse("cqs_ky_so", "supplement", "90", "Đã ký số thêm.", 0),
    )
    team_entry(appraised, 2, "70", SECRET_REMARK)
    full = history(page(appraised, "quang"), "cqs_ky_so")
    assert "Phạm Văn Hùng · Điểm thẩm định, vòng 1: — → 60 — <em>Tỷ lệ văn bản" in full
    assert "Nguyễn Thị Lan · Phản hồi của đơn vị, vòng 1: — → Giải trình, bổ sung · 90" in full
    assert SECRET_REMARK in full
    mine = history(page(appraised, "lan"), "cqs_ky_so")
    assert "Điểm thẩm định, vòng 1" in mine and "Đã ký số thêm." in mine
    assert SECRET_REMARK not in mine and "vòng 2" not in mine  # still being scored


def test_a_team_entry_that_does_not_name_its_round_is_not_shown_to_the_unit(
    appraised: Appraised,
):
    audit_record(
        actor=appraised.cast.hung,
        entity="appraisal",
        action="score",
        old=None,
        new={"value": "1"},
        reason="Không rõ vòng.",
        campaign=appraised.cast.campaign,
        unit=appraised.cast.noi_vu,
        criterion="cqs_ky_so",
    )
    assert "Không rõ vòng." not in page(appraised, "lan")
    assert "Không rõ vòng." in page(appraised, "hoa")


def test_the_team_gets_a_link_to_the_criterions_audit_trail(appraised: Appraised):
    campaign, unit = appraised.cast.campaign.pk, appraised.cast.noi_vu.pk
    link = f'href="/nhat-ky/dot/{campaign}/don-vi/{unit}/tieu-chi/cqs_ky_so/"'
    assert link in page(appraised, "quang")
    assert link not in page(appraised, "lan")  # that page lists the unfinished round too


def test_the_page_takes_the_same_number_of_queries_however_long_the_history(
    appraised: Appraised, django_assert_max_num_queries
):
    client = appraised.cast.client(appraised.cast.quang)
    for number in range(30):
        team_entry(appraised, 1 + number % 2, str(number), f"Lần {number}.")
    # session, user; entry; roles; team member; rounds; framework; trail (answers,
    # appraisals, responses, round numbers); audit entries; the header's memberships and bell
    with django_assert_max_num_queries(14):
        html = client.get(url(appraised)).content.decode()
    assert "Lần 29." in html
    assert not Response.objects.exists()
