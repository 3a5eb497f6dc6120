"""Who may appraise what. A campaign's team (TeamMember) holds TeamRole.CHAIR or
TeamRole.APPRAISER beside the province roles; an assignment says which units and main
indices a member appraises; nobody appraises a unit he reports or approves for.

`team_roles` gives the roles portal.workflow.check is asked with for round moves;
`may_appraise` is asked for every criterion written. The `get_*_for_team` functions answer
the team's pages: 404 to outsiders, 403 to members of the province who may not do it;
`get_unit_access_for_user` the unit's side (its returned results and its responses)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from dti.framework.model import Framework, NodeKind
from portal.accounts.models import Membership
from portal.accounts.permissions import AnyUser, roles_for_unit, roles_in
from portal.appraisals.models import Assignment, TeamMember
from portal.campaigns.models import Campaign, CampaignUnit
from portal.roles import READ_ALL_ROLES, UNIT_ROLES, Role
from portal.workflow import TeamRole


def team_member(user: AnyUser, campaign: Campaign | int) -> TeamMember | None:
    if not user.is_authenticated:
        return None
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    return TeamMember.objects.filter(campaign_id=campaign_id, user=user).first()


def roles_of_member(member: TeamMember | None) -> set[TeamRole]:
    if member is None:
        return set()
    return {TeamRole.APPRAISER, TeamRole.CHAIR} if member.chair else {TeamRole.APPRAISER}


def team_roles(user: AnyUser, campaign: Campaign | int) -> set[TeamRole]:
    """CHAIR for the chair; APPRAISER for every member (the chair scores too, if assigned)."""
    return roles_of_member(team_member(user, campaign))


def campaign_roles(user: AnyUser, campaign: Campaign) -> set[str]:
    """The roles a move of the campaign or of its rounds is checked with: the person's in
    the province, and on the campaign's team."""
    return {*roles_in(user, campaign.province_id), *team_roles(user, campaign)}


def own_unit(user: AnyUser, unit_id: int) -> bool:
    """Whether the user reports or approves for the unit: he never appraises it."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, unit_id=unit_id, role__in=UNIT_ROLES).exists()


def own_unit_ids(user: AnyUser) -> set[int]:
    """Every unit the user reports or approves for (one query, for lists)."""
    if not user.is_authenticated:
        return set()
    held = Membership.objects.filter(user=user, role__in=UNIT_ROLES, unit__isnull=False)
    return set(held.values_list("unit_id", flat=True))


def covering_indices(
    assignments: Iterable[Assignment], unit_id: int, parent_id: int | None
) -> set[str] | None:
    """The main indices a member's assignments give him on one unit: None for all of them,
    an empty set for none. The one rule, for one unit (`assigned_indices`) or for many at
    once (the to-do list)."""
    indices = {
        a.index
        for a in assignments
        if (a.unit_id is None and a.district_id is None)
        or a.unit_id == unit_id
        or (a.district_id is not None and a.district_id == parent_id)
    }
    return None if "" in indices else indices


def assigned_indices(user: AnyUser, campaign_unit: CampaignUnit) -> set[str] | None:
    """The main indices of this unit the user is assigned to appraise: None for all of
    them, an empty set for none (not on the team, not assigned, or his own unit)."""
    member = team_member(user, campaign_unit.campaign_id)
    if member is None or own_unit(user, campaign_unit.unit_id):
        return set()
    covering = Assignment.objects.filter(member=member).filter(_may_cover(campaign_unit))
    return covering_indices(covering, campaign_unit.unit_id, campaign_unit.unit.parent_id)


def _may_cover(campaign_unit: CampaignUnit) -> Q:
    """The assignments that may give a member something of this unit (everywhere, the unit,
    its district's communes); `covering_indices` says what they give."""
    return (
        Q(unit__isnull=True, district__isnull=True)
        | Q(unit_id=campaign_unit.unit_id)
        | Q(district_id=campaign_unit.unit.parent_id, district__isnull=False)
    )


def team_covering(campaign_unit: CampaignUnit) -> list[tuple[TeamMember, set[str] | None]]:
    """Every member of the campaign's team who appraises something of this unit, in the
    team's order, with the main indices he appraises there (None for all of them): what
    `assigned_indices` answers for one person, for the whole team in three queries."""
    unit = campaign_unit.unit
    members = list(
        TeamMember.objects.filter(campaign_id=campaign_unit.campaign_id)
        .select_related("user")
        .order_by("pk")
    )
    own = set(
        Membership.objects.filter(
            user_id__in=[member.user_id for member in members],
            unit_id=unit.pk,
            role__in=UNIT_ROLES,
        ).values_list("user_id", flat=True)
    )
    held: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(member__in=members).filter(
        _may_cover(campaign_unit)
    ):
        held.setdefault(assignment.member_id, []).append(assignment)
    covering = []
    for member in members:
        if member.user_id in own:
            continue
        indices = covering_indices(held.get(member.pk, []), unit.pk, unit.parent_id)
        if indices is None or indices:
            covering.append((member, indices))
    return covering


def main_index_of(framework: Framework, code: str) -> str:
    """The code of the main index a criterion belongs to ("" if it has none)."""
    node = framework.by_code[code]
    while node.kind is not NodeKind.MAIN_INDEX:
        parent = framework.parent_of.get(node.code)
        if parent is None:
            return ""
        node = parent
    return node.code


def codes_in(framework: Framework, indices: set[str] | None) -> set[str]:
    """The leaves of the framework in these main indices (None: every leaf)."""
    leaves = framework.leaves
    if indices is None:
        return {leaf.code for leaf in leaves}
    return {leaf.code for leaf in leaves if main_index_of(framework, leaf.code) in indices}


def appraisable_codes(user: AnyUser, campaign_unit: CampaignUnit, framework: Framework) -> set[str]:
    """The leaves of this unit the user may score."""
    return codes_in(framework, assigned_indices(user, campaign_unit))


def may_appraise(
    user: AnyUser, campaign_unit: CampaignUnit, framework: Framework, code: str
) -> bool:
    return code in appraisable_codes(user, campaign_unit, framework)


# ---- the team's pages ------------------------------------------------------------------


class Need(StrEnum):
    """What a team page asks of the person, beyond seeing the campaign's appraisal."""

    READ = "read"
    OFFICE = "office"  # the province's office admin: the team, its assignments, final round
    CHAIR = "chair"  # the team's chair: round moves, finalization
    TEAM = "team"  # a team member: scoring


def _not_found() -> Http404:
    return Http404(gettext("Không tìm thấy đợt đánh giá."))


def get_campaign_for_team(user: AnyUser, pk: int, *, need: Need = Need.READ) -> Campaign:
    """The campaign's appraisal as the team sees it: read by the office admin, leadership,
    the province's appraisers and every team member; unit roles are refused (403: they see
    their own unit's results on the unit's pages), outsiders get 404."""
    campaign = Campaign.objects.select_related("province").filter(pk=pk, historic=False).first()
    if campaign is None:
        raise _not_found()
    roles = roles_in(user, campaign.province_id)
    if not roles:
        raise _not_found()
    member = team_member(user, campaign)
    if not (roles & READ_ALL_ROLES or member is not None):
        raise PermissionDenied(gettext("Chỉ tổ thẩm định và Sở chủ trì xem được trang này."))
    _require(need, roles, roles_of_member(member))
    return campaign


def _require(need: Need, roles: set[Role], team: set[TeamRole]) -> None:
    if need is Need.OFFICE and Role.OFFICE_ADMIN not in roles:
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì được làm việc này."))
    if need is Need.CHAIR and TeamRole.CHAIR not in team:
        raise PermissionDenied(gettext("Chỉ tổ trưởng tổ thẩm định được làm việc này."))
    if need is Need.TEAM and TeamRole.APPRAISER not in team:
        raise PermissionDenied(gettext("Chỉ thành viên tổ thẩm định được chấm điểm."))


def get_campaign_unit_for_team(user: AnyUser, pk: int, *, need: Need = Need.READ) -> CampaignUnit:
    """A unit of a campaign, for its scoring sheet: as `get_campaign_for_team`, and a team
    member who reports or approves for this unit does not see its sheet (403) unless a
    province-wide role lets him read everything. Another unit's reporter gets 404."""
    campaign_unit = (
        CampaignUnit.objects.select_related("campaign", "campaign__province", "unit")
        .filter(pk=pk, campaign__historic=False)
        .first()
    )
    if campaign_unit is None:
        raise Http404(gettext("Không tìm thấy đơn vị trong đợt đánh giá."))
    roles = roles_in(user, campaign_unit.campaign.province_id)
    member = team_member(user, campaign_unit.campaign_id)
    reads_all = bool(roles & READ_ALL_ROLES)
    if not reads_all and member is None:
        if own_unit(user, campaign_unit.unit_id):
            raise PermissionDenied(
                gettext("Đơn vị xem kết quả thẩm định ở trang kết quả của đơn vị.")
            )
        raise Http404(gettext("Không tìm thấy đơn vị trong đợt đánh giá."))
    if not reads_all and own_unit(user, campaign_unit.unit_id):
        raise PermissionDenied(gettext("Bạn không thẩm định đơn vị của mình."))
    _require(need, roles, roles_of_member(member))
    return campaign_unit


# ---- the unit's side: its returned results and its responses --------------------------


@dataclass(frozen=True)
class UnitAccess:
    """How a person reaches one unit's appraisal."""

    campaign_unit: CampaignUnit
    roles: frozenset[Role]  # province roles that reach the unit
    full: bool  # every round (office, leadership, appraisers, the team); else returned ones

    @property
    def reporter(self) -> bool:
        return Role.REPORTER in self.roles


def get_unit_access_for_user(user: AnyUser, pk: int, *, write: bool = False) -> UnitAccess:
    """404 to whoever may not see the unit's appraisal; with `write`, 403 to everyone but
    the unit's reporter (the approver, the office, leadership and the team only read)."""
    campaign_unit = (
        CampaignUnit.objects.select_related("campaign", "unit", "submission")
        .filter(pk=pk, campaign__historic=False)
        .first()
    )
    if campaign_unit is None or not user.is_authenticated:
        raise Http404(gettext("Không tìm thấy đơn vị trong đợt đánh giá."))
    roles = frozenset(
        roles_for_unit(user, campaign_unit.campaign.province_id, campaign_unit.unit_id)
    )
    own = bool(roles & UNIT_ROLES)
    full = bool(roles & READ_ALL_ROLES) or (
        not own and team_member(user, campaign_unit.campaign_id) is not None
    )
    if not (full or own):
        raise Http404(gettext("Không tìm thấy đơn vị trong đợt đánh giá."))
    if write and Role.REPORTER not in roles:
        raise PermissionDenied(
            gettext("Chỉ cán bộ đầu mối của đơn vị được giải trình, bổ sung kết quả thẩm định.")
        )
    return UnitAccess(campaign_unit, roles, full)
