"""Writing the appraisal team of a campaign and its assignments: the office admin's
services, usable until the campaign's results are finalized.

Every function checks before it writes, raises ValidationError (Vietnamese, saying what and
where) leaving the database as it was, and records each change in the audit trail inside
its transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from portal.accounts.models import Membership, User
from portal.appraisals.models import Assignment, TeamMember
from portal.audit.locks import locked_or_refused
from portal.audit.services import audit_record
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit
from portal.roles import UNIT_ROLES
from portal.units.models import Unit
from portal.workflow import CAMPAIGN_STATE_LABELS, CampaignState

# The team may change until the results are finalized.
TEAM_STATES = frozenset(
    {
        CampaignState.DRAFT,
        CampaignState.OPEN,
        CampaignState.SELF_ASSESSMENT_CLOSED,
        CampaignState.IN_APPRAISAL,
    }
)


def _team_open(campaign: Campaign) -> Campaign:
    """The campaign, locked, if its team may still change."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.historic or campaign.state not in TEAM_STATES:
        state = CAMPAIGN_STATE_LABELS.get(CampaignState(campaign.state), campaign.state)
        raise ValidationError(
            gettext(
                "Đợt đánh giá đã chốt kết quả (trạng thái “%(state)s”): tổ thẩm định và "
                "phân công không thay đổi được nữa."
            )
            % {"state": state}
        )
    return campaign


def _locked_member(member: TeamMember) -> TeamMember:
    """The member read again under the campaign's lock: a second request finds him gone."""
    gone = gettext("%(person)s đã được đưa ra khỏi tổ thẩm định trước đó.") % {
        "person": member.user
    }
    return locked_or_refused(member, gone)


def _record_team(
    campaign: Campaign,
    actor: User,
    entity: str,
    action: str,
    entity_id: int,
    old: object = None,
    new: object = None,
) -> None:
    audit_record(
        actor=actor,
        entity=entity,
        action=action,
        old=old,
        new=new,
        campaign=campaign,
        entity_id=entity_id,
    )


@transaction.atomic
def team_member_add(*, campaign: Campaign, user: User, actor: User) -> TeamMember:
    """Put a person of the province on the campaign's appraisal team."""
    campaign = _team_open(campaign)
    if not Membership.objects.filter(user=user, province_id=campaign.province_id).exists():
        raise ValidationError(
            gettext("%(person)s không có vai trò nào ở %(province)s: không đưa vào tổ được.")
            % {"person": user, "province": campaign.province}
        )
    if TeamMember.objects.filter(campaign=campaign, user=user).exists():
        raise ValidationError(gettext("%(person)s đã ở trong tổ thẩm định.") % {"person": user})
    member = TeamMember(campaign=campaign, user=user)
    member.full_clean()
    member.save()
    _record_team(campaign, actor, "team", "member_add", member.pk, new={"member": str(user)})
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor: User) -> None:
    """Take a person off the team, with his assignments; what he scored stays (by name)."""
    campaign = _team_open(member.campaign)
    member = _locked_member(member)
    old = {
        "member": str(member.user),
        "chair": member.chair,
        "assignments": member.assignments.count(),
    }
    pk = member.pk
    member.delete()
    _record_team(campaign, actor, "team", "member_remove", pk, old=old)


@transaction.atomic
def team_chair_set(*, member: TeamMember, actor: User) -> TeamMember:
    """Make this member the chair: a team has exactly one. Already the chair: nothing to do."""
    campaign = _team_open(member.campaign)
    member = _locked_member(member)
    if member.chair:
        return member
    previous = TeamMember.objects.filter(campaign=campaign, chair=True).select_related("user")
    old = [str(m.user) for m in previous]
    previous.exclude(pk=member.pk).update(chair=False)
    member.chair = True
    member.full_clean()
    member.save(update_fields=["chair"])
    _record_team(
        campaign,
        actor,
        "team",
        "chair_set",
        member.pk,
        old={"chair": ", ".join(old)},
        new={"chair": str(member.user)},
    )
    return member


@transaction.atomic
def assignment_add(
    *,
    member: TeamMember,
    actor: User,
    unit: Unit | None = None,
    district: Unit | None = None,
    index: str = "",
) -> Assignment:
    """Assign a member a unit, a district's communes (the district committee's delegation)
    or every unit (neither), narrowed to one main index or not (`index` "")."""
    campaign = _team_open(member.campaign)
    problems = _assignment_problems(campaign, member, unit, district, index)
    if problems:
        raise ValidationError(problems)
    assignment = Assignment(member=member, unit=unit, district=district, index=index)
    assignment.full_clean()
    assignment.save()
    _record_team(
        campaign,
        actor,
        "assignment",
        "add",
        assignment.pk,
        new=assignment_description(assignment),
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, actor: User) -> None:
    campaign = _team_open(assignment.member.campaign)
    gone = gettext("Phân công này đã được bỏ trước đó.")
    assignment = locked_or_refused(assignment, gone)
    old = assignment_description(assignment)
    pk = assignment.pk
    assignment.delete()
    _record_team(campaign, actor, "assignment", "remove", pk, old=old)


def assignment_description(assignment: Assignment) -> dict[str, str]:
    """What an assignment says, as the audit trail keeps it."""
    where = (
        str(assignment.unit)
        if assignment.unit_id
        else gettext("các xã của %(district)s") % {"district": assignment.district}
        if assignment.district_id
        else gettext("tất cả đơn vị")
    )
    return {
        "member": str(assignment.member.user),
        "units": where,
        "index": assignment.index or gettext("tất cả chỉ số"),
    }


def _assignment_problems(
    campaign: Campaign, member: TeamMember, unit: Unit | None, district: Unit | None, index: str
) -> list[str]:
    if member.campaign_id != campaign.pk:
        return [gettext("Thành viên không thuộc tổ thẩm định của đợt này.")]
    if unit is not None and district is not None:
        return [gettext("Chọn một đơn vị hoặc các xã của một huyện, không chọn cả hai.")]
    scope = CampaignUnit.objects.filter(campaign=campaign)
    if unit is not None and not scope.filter(unit=unit).exists():
        return [gettext("%(unit)s không thuộc phạm vi đợt đánh giá.") % {"unit": unit}]
    if district is not None and not scope.filter(unit__parent=district).exists():
        return [
            gettext("%(district)s không có xã nào trong phạm vi đợt đánh giá.")
            % {"district": district}
        ]
    problems = []
    if unit is not None and _reports_for(member.user, unit):
        problems.append(
            gettext("%(person)s là cán bộ của %(unit)s: không thẩm định đơn vị của mình.")
            % {"person": member.user, "unit": unit}
        )
    if index and index not in _index_codes(campaign, unit, district):
        problems.append(
            gettext("“%(index)s” không phải chỉ số chính của bộ chỉ số áp dụng.") % {"index": index}
        )
    same = Assignment.objects.filter(member=member, unit=unit, district=district, index=index)
    if same.exists():
        problems.append(
            gettext("%(person)s đã được phân công đúng như vậy.") % {"person": member.user}
        )
    return problems


def _reports_for(user: User, unit: Unit) -> bool:
    return Membership.objects.filter(user=user, unit=unit, role__in=UNIT_ROLES).exists()


def _index_codes(campaign: Campaign, unit: Unit | None, district: Unit | None) -> set[str]:
    """The main indices of the frameworks of the levels the assignment reaches."""
    campaign_units = CampaignUnit.objects.filter(campaign=campaign)
    if unit is not None:
        campaign_units = campaign_units.filter(unit=unit)
    elif district is not None:
        campaign_units = campaign_units.filter(unit__parent=district)
    levels = set(campaign_units.values_list("level", flat=True))
    codes: set[str] = set()
    for level in CampaignLevel.objects.filter(campaign=campaign, level__in=levels).select_related(
        "framework"
    ):
        codes |= {index.code for index in level.framework.build().main_indices}
    return codes


def main_indices_of(campaign: Campaign) -> list[tuple[str, str]]:
    """(code, name) of every main index of the campaign's frameworks, for the forms."""
    seen: dict[str, str] = {}
    for level in CampaignLevel.objects.filter(campaign=campaign).select_related("framework"):
        for index in level.framework.build().main_indices:
            seen.setdefault(index.code, f"{index.code} — {index.name}")
    return sorted(seen.items())
