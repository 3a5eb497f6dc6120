"""Who may see and change a unit's self-assessment.

Outsiders (another unit's reporter, another province's admin) get 404: they learn nothing,
not even that the unit takes part. Members who may only read (the approver, office admin,
appraisers, leadership) get 403 when they try to write."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import Http404
from django.utils.translation import gettext

from portal.accounts.permissions import AnyUser, held_in_province, roles_for_unit, roles_reaching
from portal.campaigns.models import CampaignUnit
from portal.compiled import Compiled
from portal.roles import Role

# Every page of a unit's self-assessment reads it (a save too), with the person's roles in
# its province: composed once (portal.compiled), and not ordered (the model's ordering, by
# level and the unit's name, would sort the one row).
_CAMPAIGN_UNIT = Compiled(
    lambda campaign_unit, person: CampaignUnit.objects.select_related(
        "campaign", "unit", "submission"
    )
    .filter(pk=campaign_unit)
    .annotate(held=held_in_province(person, OuterRef("campaign__province_id")))
    .order_by(),
    "campaign_unit",
    "person",
)


def get_campaign_unit_for_user(
    user: AnyUser, pk: int, *, write: bool = False, role: Role = Role.REPORTER
) -> CampaignUnit:
    """The campaign unit (a unit in a campaign), if the user may see it.

    With `write`, the user must also hold `role` for the unit (the reporter fills in the
    self-assessment; the approver approves or returns it; the office admin reopens it)."""
    return campaign_unit_and_roles(user, pk, write=write, role=role)[0]


def campaign_unit_and_roles(
    user: AnyUser, pk: int, *, write: bool = False, role: Role = Role.REPORTER
) -> tuple[CampaignUnit, set[Role]]:
    """`get_campaign_unit_for_user`, with the roles it read: for a service that would
    otherwise read them again (a save of the answers)."""
    # one statement: the unit, and the roles the person holds in its province
    found = []
    if user.is_authenticated:
        found = _CAMPAIGN_UNIT.objects(campaign_unit=pk, person=user.pk)
    if not found:
        raise Http404(gettext("Không tìm thấy đơn vị trong đợt đánh giá."))
    campaign_unit: CampaignUnit = found[0]
    roles = roles_reaching(campaign_unit.held, campaign_unit.unit_id)  # type: ignore[attr-defined]  # read with it
    if not roles:
        raise Http404(gettext("Không tìm thấy đơn vị trong đợt đánh giá."))
    if write and role not in roles:
        raise PermissionDenied(gettext("Bạn chỉ có quyền xem bản tự đánh giá này."))
    return campaign_unit, roles


def unit_roles(user: AnyUser, campaign_unit: CampaignUnit) -> set[Role]:
    """The roles through which the user reaches this campaign unit (for the page's buttons)."""
    return roles_for_unit(user, campaign_unit.campaign.province_id, campaign_unit.unit_id)
