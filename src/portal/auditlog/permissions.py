"""Who reads which part of a campaign's audit trail. The province's office admin,
leadership and appraisers read all of it; a unit's reporter or approver only the entries of
their own units (entries without a unit, such as the campaign's moves, are not theirs);
anyone else gets 404. Only the office admin checks the chain's integrity (403 to others)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from portal.accounts.permissions import AnyUser
from portal.campaigns.models import AppraisalRound, Campaign
from portal.campaigns.permissions import viewer_in
from portal.units.models import Unit
from portal.workflow import results_returned_to_unit


@dataclass(frozen=True)
class LogScope:
    """The part of one campaign's log a person may read."""

    campaign: Campaign
    unit_ids: frozenset[int] | None  # None: every entry of the campaign
    office_admin: bool
    # The appraisal rounds whose results were returned to the units: a unit reads the team's
    # entries (scores, remarks, verdicts) of those rounds only, never of a round still being
    # scored. None: every round (the office, leadership, appraisers).
    returned_rounds: frozenset[int] | None = None

    def sees_unit(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids


def get_campaign_log_for_user(user: AnyUser, campaign_id: int) -> LogScope:
    campaign = get_object_or_404(Campaign.objects.select_related("province"), pk=campaign_id)
    viewer = viewer_in(user, campaign.province_id)
    if viewer.sees_all_units:
        return LogScope(campaign, None, viewer.is_office_admin)
    if viewer.unit_ids:
        return LogScope(campaign, viewer.unit_ids, False, _returned_rounds(campaign))
    raise Http404(gettext("Không tìm thấy nhật ký."))


def _returned_rounds(campaign: Campaign) -> frozenset[int]:
    rounds = AppraisalRound.objects.filter(campaign=campaign)
    return frozenset(
        r.number
        for r in rounds
        if results_returned_to_unit(
            round_state=r.state, final=r.final, campaign_state=campaign.state
        )
    )


def get_unit_log_for_user(user: AnyUser, campaign_id: int, unit_id: int) -> tuple[LogScope, Unit]:
    """A unit's part of the log: 404 for a unit of another province, or one the person
    does not report or approve for."""
    scope = get_campaign_log_for_user(user, campaign_id)
    unit = get_object_or_404(Unit, pk=unit_id, province_id=scope.campaign.province_id)
    if not scope.sees_unit(unit.pk):
        raise Http404(gettext("Không tìm thấy nhật ký."))
    return scope, unit


def get_integrity_check_for_user(user: AnyUser, campaign_id: int) -> LogScope:
    scope = get_campaign_log_for_user(user, campaign_id)
    if not scope.office_admin:
        raise PermissionDenied(
            gettext("Chỉ quản trị của Sở chủ trì được kiểm tra tính toàn vẹn của nhật ký.")
        )
    return scope
