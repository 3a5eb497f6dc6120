"""The team and its assignments (portal.appraisals.team): any person of the province may sit
on the team, there is one chair, a member is never assigned his own unit, a repeated
assignment is refused, nothing changes once the campaign is finalized, every change is
audited."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from portal.appraisals.models import Assignment, TeamMember
from portal.appraisals.permissions import assigned_indices, team_covering, team_roles
from portal.appraisals.team import (
    assignment_add,
    assignment_remove,
    team_chair_set,
    team_member_add,
    team_member_remove,
)
from portal.audit.models import AuditEntry
from portal.units.models import Unit
from portal.workflow import CampaignState, TeamRole


def state(team) -> tuple[object, ...]:
    """The team and its assignments, and the audit trail's length."""
    return (
        sorted(TeamMember.objects.values_list("user__username", "chair")),
        sorted(Assignment.objects.values_list("member_id", "unit_id", "district_id", "index")),
        AuditEntry.objects.count(),
    )


def test_it_puts_any_person_of_the_province_on_the_team(team):
    member = team_member_add(campaign=team.campaign, user=team.cast.thao, actor=team.cast.quang)
    assert team_roles(team.cast.thao, team.campaign) == {TeamRole.APPRAISER}
    audit_entry = AuditEntry.objects.get(entity="team", action="member_add")
    assert (audit_entry.actor, audit_entry.campaign_id, audit_entry.entity_id) == (
        team.cast.quang,
        team.campaign.pk,
        str(member.pk),
    )
    assert audit_entry.new == {"member": "Lê Thị Thảo"}


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("khoa", "Bùi Đăng Khoa không có vai trò nào ở Tỉnh Mẫu"),
        ("hung", "Phạm Văn Hùng đã ở trong tổ thẩm định."),
    ],
)
def test_it_refuses_outsiders_and_members_twice(team, who, message):
    before = state(team)
    with pytest.raises(ValidationError, match=re.escape(message)):
        team_member_add(campaign=team.campaign, user=team.person(who), actor=team.cast.quang)
    assert state(team) == before


def test_a_team_has_exactly_one_chair(team):
    team_chair_set(member=team.members["hung"], actor=team.cast.quang)
    assert list(TeamMember.objects.filter(chair=True).values_list("user__username", flat=True)) == [
        "hung"
    ]
    audit_entry = AuditEntry.objects.get(action="chair_set")
    assert (audit_entry.old, audit_entry.new) == (
        {"chair": "Trần Văn Chính"},
        {"chair": "Phạm Văn Hùng"},
    )


def test_removing_a_member_removes_his_assignments_and_is_audited(team):
    team_member_remove(member=team.members["hung"], actor=team.cast.quang)
    assert not Assignment.objects.filter(member__user=team.cast.hung).exists()
    assert assigned_indices(team.cast.hung, team.campaign_unit) == set()
    audit_entry = AuditEntry.objects.get(action="member_remove")
    assert audit_entry.old == {"member": "Phạm Văn Hùng", "chair": False, "assignments": 1}


def test_an_assignment_of_one_office_a_district_or_everywhere(team):
    cast = team.cast
    member = team.members["chair"]
    assignment_add(member=member, unit=cast.noi_vu, index="the_che_so", actor=cast.quang)
    assert assigned_indices(team.chair, team.campaign_unit) == {"the_che_so"}
    assert assigned_indices(team.chair, team.other) == set()
    assignment_add(member=member, actor=cast.quang)
    assert assigned_indices(team.chair, team.other) is None
    audit_entries = AuditEntry.objects.filter(entity="assignment").order_by("pk")
    assert [e.new for e in audit_entries] == [
        {"member": "Trần Văn Chính", "units": "Sở Nội vụ", "index": "the_che_so"},
        {"member": "Trần Văn Chính", "units": "tất cả đơn vị", "index": "tất cả chỉ số"},
    ]


def district_and_commune(team, letter: str):  # type: ignore[no-untyped-def]
    """A district of the province and one commune of it, in the team's campaign."""
    cast = team.cast
    district = Unit.objects.create(
        province=cast.province,
        code=f"huyen-{letter}",
        name=f"UBND huyện {letter.upper()}",
        level="huyen",
    )
    commune = Unit.objects.create(
        province=cast.province,
        code=f"xa-{letter}1",
        name=f"UBND xã {letter.upper()}1",
        level="so",
        parent=district,
        attributes={"has_online_public_services": False},
    )
    return district, team.campaign.units.create(unit=commune, level="so")


def test_a_district_committee_is_delegated_its_communes(team):
    """The communes of a district, in a campaign of the province, go to the district's
    officer; he appraises them and no other unit."""
    cast = team.cast
    district, campaign_unit = district_and_commune(team, "a")
    officer = team_member_add(campaign=team.campaign, user=cast.minh, actor=cast.quang)
    assignment_add(member=officer, district=district, actor=cast.quang)
    assert assigned_indices(cast.minh, campaign_unit) is None
    assert assigned_indices(cast.minh, team.other) == set()
    assert AuditEntry.objects.filter(entity="assignment").last().new["units"] == (
        "các xã của UBND huyện A"
    )


def test_the_whole_team_read_at_once_covers_what_each_member_covers_alone(team):
    """`team_covering` (the team told of a unit's replies) answers, for every member who
    appraises something of a unit, what `assigned_indices` answers for him alone: an
    office, a district's communes, everywhere, one index; never his own unit."""
    cast = team.cast
    district, in_district = district_and_commune(team, "b")
    assignment_add(
        member=team.members["chair"], unit=cast.noi_vu, index="the_che_so", actor=cast.quang
    )
    officer = team_member_add(campaign=team.campaign, user=cast.minh, actor=cast.quang)
    assignment_add(member=officer, district=district, actor=cast.quang)
    reporter = team_member_add(campaign=team.campaign, user=cast.lan, actor=cast.quang)
    assignment_add(member=reporter, actor=cast.quang)  # everywhere, but never Sở Nội vụ
    members = TeamMember.objects.filter(campaign=team.campaign).order_by("pk")
    for campaign_unit in (team.campaign_unit, team.other, in_district):
        alone = [(m.user, assigned_indices(m.user, campaign_unit)) for m in members]
        expected = [(user, indices) for user, indices in alone if indices is None or indices]
        found = [(member.user, indices) for member, indices in team_covering(campaign_unit)]
        assert found == expected, campaign_unit.unit.name
    assert cast.lan not in [member.user for member, _ in team_covering(team.campaign_unit)]
    assert cast.lan in [member.user for member, _ in team_covering(team.other)]


@pytest.mark.parametrize(
    ("unit", "district", "index", "message"),
    [
        (
            "noi_vu",
            None,
            "",
            "Nguyễn Thị Lan là cán bộ của Sở Nội vụ: không thẩm định đơn vị của mình.",
        ),
        (None, None, "khong_co", "“khong_co” không phải chỉ số chính"),
        ("noi_vu", "noi_vu", "", "Chọn một đơn vị hoặc các xã của một huyện"),
        (None, "tu_phap", "", "Sở Tư pháp không có xã nào trong phạm vi đợt đánh giá."),
        ("other_unit", None, "", "Sở Khác không thuộc phạm vi đợt đánh giá."),
    ],
)
def test_it_refuses_assignments_that_do_not_fit(team, unit, district, index, message):
    cast = team.cast
    Unit.objects.create(province=cast.province, code="so-khac", name="Sở Khác", level="so")
    units = {"noi_vu": cast.noi_vu, "tu_phap": cast.tu_phap, None: None}
    units["other_unit"] = Unit.objects.get(code="so-khac")
    lan = team_member_add(campaign=team.campaign, user=cast.lan, actor=cast.quang)
    before = state(team)
    with pytest.raises(ValidationError, match=re.escape(message)):
        assignment_add(
            member=lan, unit=units[unit], district=units[district], index=index, actor=cast.quang
        )
    assert state(team) == before


def test_a_repeated_assignment_is_refused(team):
    before = state(team)
    with pytest.raises(
        ValidationError, match=re.escape("Phạm Văn Hùng đã được phân công đúng như vậy.")
    ):
        assignment_add(member=team.members["hung"], index="nhan_thuc_so", actor=team.cast.quang)
    assert state(team) == before


def test_assignments_are_removed_with_an_audit_entry(team):
    assignment = Assignment.objects.get(member=team.members["mai"])
    assignment_remove(assignment=assignment, actor=team.cast.quang)
    assert assigned_indices(team.mai, team.campaign_unit) == set()
    assert AuditEntry.objects.get(entity="assignment", action="remove").old == {
        "member": "Ngô Thị Mai",
        "units": "tất cả đơn vị",
        "index": "hoat_dong_chinh_quyen_so",
    }


@pytest.mark.parametrize("campaign_state", [CampaignState.FINALIZED, CampaignState.PUBLISHED])
def test_nothing_changes_once_the_campaign_is_finalized(team, campaign_state):
    team.campaign.state = campaign_state
    team.campaign.save()
    cast = team.cast
    before = state(team)
    attempts = [
        lambda: team_member_add(campaign=team.campaign, user=cast.thao, actor=cast.quang),
        lambda: team_member_remove(member=team.members["hung"], actor=cast.quang),
        lambda: team_chair_set(member=team.members["mai"], actor=cast.quang),
        lambda: assignment_add(member=team.members["chair"], actor=cast.quang),
        lambda: assignment_remove(
            assignment=Assignment.objects.get(member=team.members["mai"]), actor=cast.quang
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match=re.escape("không thay đổi được nữa")):
            attempt()
    assert state(team) == before
