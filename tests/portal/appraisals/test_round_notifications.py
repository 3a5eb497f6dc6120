"""The rounds' moves tell those who wait on them (portal.notifications.events.round_moved):
a round opened, the team; a round closed, the units' people and the team; the final round
agreed, the office. Once each; the chair who moved is not told; a refused move tells
nobody. (Results returned: test_rounds_moves; finalization: test_finalize_service.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from portal.accounts.models import Membership
from portal.campaigns.models import CampaignUnit
from portal.notifications.models import Kind, Notification
from portal.roles import Role
from portal.units.models import Unit
from tests.portal.appraisals.conftest import Team
from tests.portal.conftest import make_user
from tests.portal.jobs import run_jobs


def told(kind: str) -> list[str]:
    rows = Notification.objects.filter(kind=kind).select_related("user")
    return sorted(row.user.username for row in rows)


def test_opening_a_round_tells_the_team_but_its_chair_once(
    team: Team, django_capture_on_commit_callbacks: Callable[..., Any]
):
    team.mai.email = "mai@tinhmau.gov.vn"
    team.mai.save()
    with django_capture_on_commit_callbacks(execute=True):
        team.move(1, "open_round")
    run_jobs()  # the worker sends what was queued
    assert told(Kind.ROUND_OPENED) == ["hung", "mai"]
    assert [email.to for email in mail.outbox] == [["mai@tinhmau.gov.vn"]]
    row = Notification.objects.get(kind=Kind.ROUND_OPENED, user=team.mai)
    assert row.title == "Bắt đầu vòng thẩm định 1: Đánh giá chuyển đổi số năm 2025"
    assert row.url == "/tham-dinh/"
    with pytest.raises(ValidationError):  # open already: refused, nobody told again
        team.move(1, "open_round")
    assert told(Kind.ROUND_OPENED) == ["hung", "mai"]


def test_closing_a_round_tells_the_units_people_and_the_team(team: Team):
    team.move(1, "open_round", "return_results")
    assert told(Kind.ROUND_CLOSED) == []
    team.move(1, "close_round")
    assert told(Kind.ROUND_CLOSED) == ["hung", "lan", "mai", "minh", "thao"]
    lan = Notification.objects.get(kind=Kind.ROUND_CLOSED, user=team.cast.lan)
    assert lan.title == "Đã kết thúc vòng thẩm định 1: Sở Nội vụ"
    assert lan.url == f"/tham-dinh/don-vi/{team.campaign_unit.pk}/ket-qua/?vong=1"
    hung = Notification.objects.get(kind=Kind.ROUND_CLOSED, user=team.cast.hung)
    assert hung.url == f"/tham-dinh/dot/{team.campaign.pk}/"
    with pytest.raises(ValidationError):
        team.move(1, "close_round")
    assert len(told(Kind.ROUND_CLOSED)) == 5


def test_agreeing_the_final_round_tells_the_office_each_time(team: Team):
    for number in (1, 2):
        team.move(number, "open_round", "return_results", "close_round")
    team.move(3, "open_round", "agree")
    assert told(Kind.FINAL_ROUND_AGREED) == ["quang"]  # not Khoa, of another province
    row = Notification.objects.get(kind=Kind.FINAL_ROUND_AGREED)
    assert row.url == f"/tham-dinh/dot/{team.campaign.pk}/"
    team.move(3, "reopen_round")
    assert told(Kind.FINAL_ROUND_AGREED) == ["quang"]
    team.move(3, "agree")  # agreed again after a reopening: the office is told again
    assert told(Kind.FINAL_ROUND_AGREED) == ["quang", "quang"]


def test_reopening_the_final_round_tells_the_team_and_the_office_at_each_reopening(team: Team):
    for number in (1, 2):
        team.move(number, "open_round", "return_results", "close_round")
    team.move(3, "open_round", "agree")
    assert told(Kind.ROUND_REOPENED) == []
    team.move(3, "reopen_round")
    # the team scores again (not the chair who reopened), the office waits for the new agreement
    assert told(Kind.ROUND_REOPENED) == ["hung", "mai", "quang"]
    hung = Notification.objects.get(kind=Kind.ROUND_REOPENED, user=team.cast.hung)
    assert hung.url == "/tham-dinh/" and "Chấm lại điểm" in hung.body
    quang = Notification.objects.get(kind=Kind.ROUND_REOPENED, user=team.cast.quang)
    assert quang.url == f"/tham-dinh/dot/{team.campaign.pk}/"
    assert quang.title == "Mở lại vòng cuối để chấm lại: Đánh giá chuyển đổi số năm 2025"
    team.move(3, "agree", "reopen_round")  # a second reopening is announced again, once
    assert told(Kind.ROUND_REOPENED) == ["hung", "hung", "mai", "mai", "quang", "quang"]


def test_returning_and_closing_write_every_units_notifications_in_a_few_queries(
    team: Team, django_assert_max_num_queries: Callable[..., Any]
):
    cast = team.cast
    for number in range(30):
        unit = Unit.objects.create(
            province=cast.province, code=f"so-{number}", name=f"Sở số {number}", level="so"
        )
        CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
        reporter = make_user(f"cb{number}", f"Cán bộ {number}")
        Membership.objects.create(
            user=reporter, province=cast.province, role=Role.REPORTER, unit=unit
        )
    team.move(1, "open_round")
    # 33 units' people: a query per unit or person would take more than 60; the move, its
    # guard rails (read in bulk) and the notifications take a fixed few
    with django_assert_max_num_queries(36):
        team.move(1, "return_results")
    with django_assert_max_num_queries(36):
        team.move(1, "close_round")
    assert len(told(Kind.RESULTS_RETURNED)) == 33
    assert len(told(Kind.ROUND_CLOSED)) == 35
