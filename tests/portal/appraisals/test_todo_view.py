"""What needs my attention (/tham-dinh/): for a unit's reporter and approver, per unit and
campaign, the rounds returned and awaiting the unit's response, and the supplements asked
for and not yet answered, soonest deadline first, overdue ones marked; for the team, the
criteria still to score (portal.appraisals.selectors.appraiser_todo)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from portal.accounts.models import Membership
from portal.appraisals.posted import PostedResponse
from portal.appraisals.responses import response_save
from portal.roles import Role
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import SUPPLEMENT_DUE, Appraised

URL = "/tham-dinh/"


def page(appraised: Appraised, who: str) -> str:
    response = appraised.cast.client(appraised.person(who)).get(URL)
    assert response.status_code == 200
    return str(response.content.decode())


def pending(html: str) -> list[tuple[str, str, bool]]:
    """(criterion, deadline, overdue) of each unanswered supplement, in the page's order."""
    rows = re.findall(r"<tr( class=\"overdue\")?>\s*<td><a [^>]*#tc-(\w+)\">.*?</tr>", html, re.S)
    dues = re.findall(r"<td>(\d\d/\d\d/\d{4} \d\d:\d\d)", html)
    return [(code, due, bool(overdue)) for (overdue, code), due in zip(rows, dues, strict=True)]


def test_anonymous_visitors_are_sent_to_log_in(appraised: Appraised):
    response = appraised.cast.client(None).get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/tai-khoan/dang-nhap/")


@pytest.mark.parametrize("who", ["lan", "minh"])
def test_the_units_people_see_its_returned_round_and_open_requests(appraised: Appraised, who):
    html = page(appraised, who)
    assert "Sở Nội vụ" in html
    assert "Vòng 1 đã trả kết quả" in html and "đã phản hồi 0/4 tiêu chí" in html
    assert pending(html) == [
        ("cqs_ky_so", "20/05/2099 17:00", False),
        ("cqs_so_hoa", "27/05/2099 17:00", False),
    ]
    assert "Gửi danh sách." in html
    assert f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/ket-qua/?vong=1#tc-cqs_ky_so" in html


def test_an_answered_request_leaves_the_list(appraised: Appraised):
    response_save(
        campaign_unit=appraised.campaign_unit,
        round=appraised.rounds[1],
        actor=appraised.cast.lan,
        posted=PostedResponse("cqs_ky_so", "confirm", None, "", 0),
    )
    html = page(appraised, "lan")
    assert [code for code, _, _ in pending(html)] == ["cqs_so_hoa"]
    assert "đã phản hồi 1/4 tiêu chí" in html


def test_overdue_requests_are_marked(appraised: Appraised):
    with time_machine.travel(SUPPLEMENT_DUE + timedelta(hours=1), tick=False):
        html = page(appraised, "lan")
    assert pending(html) == [
        ("cqs_ky_so", "20/05/2099 17:00", True),
        ("cqs_so_hoa", "27/05/2099 17:00", False),
    ]
    assert "Quá hạn" in html


def test_a_unit_sees_only_its_own_requests(appraised: Appraised):
    html = page(appraised, "thao")
    assert "Sở Tư pháp gửi thêm." in html
    assert "Sở Nội vụ" not in html and "Gửi danh sách." not in html


def test_nothing_is_listed_before_a_round_is_returned(appraised: Appraised):
    from portal.campaigns.models import AppraisalRound
    from portal.workflow import RoundState

    AppraisalRound.objects.filter(number=1).update(state=RoundState.SCORING)
    html = page(appraised, "lan")
    assert "Gửi danh sách." not in html
    assert "Không có việc thẩm định nào cần bạn xử lý." in html


def test_people_with_nothing_to_do_are_told_so(appraised: Appraised):
    assert "Không có việc thẩm định nào cần bạn xử lý." in page(appraised, "quang")


def test_an_appraiser_sees_what_is_left_to_score(appraised: Appraised):
    html = page(appraised, "hung")
    assert "Việc thẩm định của tôi" in html
    assert "nts_ke_hoach" in html  # round 2 is being scored; Hùng has all of Sở Nội vụ


def test_the_list_takes_the_same_number_of_queries_for_more_units(
    appraised: Appraised, django_assert_max_num_queries
):
    cast = appraised.cast
    Membership.objects.create(
        user=cast.lan, province=cast.province, role=Role.REPORTER, unit=cast.tu_phap
    )
    # session, user; entries; rounds; appraisals; responses; frameworks; the team's list
    # (rounds being scored, team memberships); the header's memberships and bell
    client = cast.client(cast.lan)
    with django_assert_max_num_queries(11):
        html = client.get(URL).content.decode()
    assert "Sở Tư pháp gửi thêm." in html and "Gửi danh sách." in html
