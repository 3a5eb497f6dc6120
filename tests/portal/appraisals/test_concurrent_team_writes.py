"""The appraisal team's and rounds' changes asked for several times at the same moment are
made once and logged once (portal.audit.locks; tests/portal/audit/test_concurrent_writes.py
for the self-assessment's and the campaign's). Real threads on real connections."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.appraisals.models import Assignment, TeamMember
from portal.appraisals.responses import response_evidence_add_link, response_evidence_delete
from portal.appraisals.rounds import round_final_set, round_open
from portal.appraisals.team import assignment_remove, team_chair_set, team_member_remove
from portal.assessments.models import Evidence
from portal.campaigns.models import AppraisalRound, Campaign
from portal.campaigns.schedule import round_deadline_set
from tests.portal.appraisals.conftest import Team
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403 (the appraised fixture)
from tests.portal.appraisals.unit_fixtures import Appraised
from tests.portal.audit.test_concurrent_writes import CLICKS, at_once, entries, refused

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_round_deadline_set_at_once_is_logged_once(team: Team):
    first = team.rounds[1]
    due = first.appraisal_due + timedelta(hours=1)
    copies = [Campaign.objects.get(pk=team.campaign.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [
            lambda c=c: round_deadline_set(
                campaign=c,
                number=1,
                appraisal_due=due,
                supplement_due=first.supplement_due,
                user=team.cast.quang,
            )
            for c in copies
        ]
    )
    assert refused(outcomes) == []
    assert AppraisalRound.objects.get(pk=first.pk).appraisal_due == due
    assert entries("deadline", "set") == 1


def test_a_round_opened_at_once_is_opened_and_logged_once(team: Team):
    copies = [Campaign.objects.get(pk=team.campaign.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [lambda c=c: round_open(campaign=c, number=1, actor=team.chair) for c in copies]
    )
    assert len(refused(outcomes)) == CLICKS - 1
    assert entries("round", "open_round") == 1


def test_the_final_round_chosen_at_once_is_logged_once(team: Team):
    copies = [Campaign.objects.get(pk=team.campaign.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [
            lambda c=c: round_final_set(campaign=c, number=3, final=False, actor=team.cast.quang)
            for c in copies
        ]
    )
    assert refused(outcomes) == []
    assert entries("round", "final_set") == 1


def test_a_team_member_removed_at_once_is_removed_and_logged_once(team: Team):
    mai = team.members["mai"]
    copies = [TeamMember.objects.get(pk=mai.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [lambda m=m: team_member_remove(member=m, actor=team.cast.quang) for m in copies]
    )
    assert refused(outcomes) == ["Ngô Thị Mai đã được đưa ra khỏi tổ thẩm định trước đó."] * 4
    assert entries("team", "member_remove") == 1


def test_a_chair_chosen_at_once_is_logged_once(team: Team):
    hung = team.members["hung"]
    copies = [TeamMember.objects.get(pk=hung.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [lambda m=m: team_chair_set(member=m, actor=team.cast.quang) for m in copies]
    )
    assert refused(outcomes) == []
    assert TeamMember.objects.get(campaign=team.campaign, chair=True).pk == hung.pk
    assert entries("team", "chair_set") == 1


def test_an_assignment_removed_at_once_is_removed_and_logged_once(team: Team):
    assignment = Assignment.objects.filter(member=team.members["mai"]).get()
    copies = [Assignment.objects.get(pk=assignment.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [lambda a=a: assignment_remove(assignment=a, actor=team.cast.quang) for a in copies]
    )
    assert refused(outcomes) == ["Phân công này đã được bỏ trước đó."] * 4
    assert entries("assignment", "remove") == 1


def test_a_round_evidence_deleted_at_once_is_deleted_and_logged_once(appraised: Appraised):
    cast, round = appraised.cast, appraised.rounds[1]
    added = response_evidence_add_link(
        campaign_unit=cast.noi_vu_campaign_unit,
        round=round,
        actor=cast.lan,
        criterion="cqs_ky_so",
        url="https://vb.example.vn/q4",
        name="Văn bản quý IV",
    )
    copies = [Evidence.objects.get(pk=added.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [
            lambda e=e: response_evidence_delete(
                campaign_unit=cast.noi_vu_campaign_unit, round=round, actor=cast.lan, evidence=e
            )
            for e in copies
        ]
    )
    assert refused(outcomes) == ["Minh chứng “Văn bản quý IV” đã được xoá trước đó."] * 4
    assert entries("evidence", "delete") == 1
