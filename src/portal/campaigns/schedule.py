"""The campaign's schedule after it is created: the appraisal rounds' deadlines and a unit's
extension of the self-assessment deadline. Like every service of the campaign, each checks its
input, refuses with a ValidationError (in Vietnamese) leaving the database as it was, and
records who did what (a CampaignEvent and the audit trail)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.audit.services import audit_record
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.campaigns.services import (
    BEFORE_RESULTS,
    locked_campaign,
    locked_campaign_unit,
    record,
    require_state,
)


@transaction.atomic
def round_deadline_set(
    *,
    campaign: Campaign,
    number: int,
    appraisal_due: datetime,
    supplement_due: datetime | None,
    user: User,
    reason: str = "",
) -> AppraisalRound:
    """Set the deadlines of appraisal round `number`: rounds follow the self-assessment and
    each other, and within a round the units' supplements follow the team's scoring. The
    same deadlines set again change nothing and are not logged again."""
    campaign = locked_campaign(campaign)
    require_state(campaign, BEFORE_RESULTS, gettext("đặt hạn thẩm định"))
    problems = _round_problems(campaign, number, appraisal_due, supplement_due)
    if problems:
        raise ValidationError(problems)
    deadline = campaign.rounds.filter(number=number).first() or AppraisalRound(
        campaign=campaign, number=number
    )
    old = _round_deadlines(deadline) if deadline.pk else None
    if old == {"appraisal_due": appraisal_due, "supplement_due": supplement_due}:
        return deadline  # already so: another request (or a second click) set them first
    deadline.appraisal_due, deadline.supplement_due = appraisal_due, supplement_due
    deadline.full_clean()
    deadline.save()
    note = f"vòng {number}: thẩm định đến {format_deadline(appraisal_due)}"
    if supplement_due:
        note += f", bổ sung đến {format_deadline(supplement_due)}"
    record(campaign, "round_set", user, note)
    audit_record(
        actor=user,
        entity="deadline",
        action="set",
        old=old,
        new=_round_deadlines(deadline),
        reason=reason,
        campaign=campaign,
        entity_id=f"round-{number}",
    )
    return deadline


def _round_deadlines(deadline: AppraisalRound) -> dict[str, object]:
    return {"appraisal_due": deadline.appraisal_due, "supplement_due": deadline.supplement_due}


def _round_problems(
    campaign: Campaign, number: int, appraisal: datetime, supplement: datetime | None
) -> list[str]:
    problems = []
    rounds = {r.number: r for r in campaign.rounds.all()}
    if number < 1:
        problems.append(gettext("Số vòng thẩm định bắt đầu từ 1."))
    elif number > 1 and number - 1 not in rounds:
        problems.append(
            gettext("Hãy đặt hạn vòng %(previous)s trước vòng %(number)s.")
            % {"previous": number - 1, "number": number}
        )
    start = campaign.self_assessment_deadline
    if start and appraisal <= start:
        problems.append(
            gettext("Hạn thẩm định phải sau hạn tự đánh giá (%(deadline)s).")
            % {"deadline": format_deadline(start)}
        )
    previous = rounds.get(number - 1)
    if previous:
        end = previous.supplement_due or previous.appraisal_due
        if appraisal <= end:
            problems.append(
                gettext("Hạn thẩm định vòng %(number)s phải sau vòng %(previous)s (%(deadline)s).")
                % {"number": number, "previous": number - 1, "deadline": format_deadline(end)}
            )
    following = rounds.get(number + 1)
    if following and (supplement or appraisal) >= following.appraisal_due:
        problems.append(
            gettext(
                "Vòng %(number)s phải kết thúc trước hạn thẩm định vòng %(next)s (%(deadline)s)."
            )
            % {
                "number": number,
                "next": number + 1,
                "deadline": format_deadline(following.appraisal_due),
            }
        )
    if supplement and supplement <= appraisal:
        problems.append(gettext("Hạn bổ sung phải sau hạn thẩm định của cùng vòng."))
    return problems


@transaction.atomic
def campaign_unit_extend(
    *, campaign_unit: CampaignUnit, until: datetime, user: User, reason: str = ""
) -> CampaignUnit:
    """Give one unit more time for its self-assessment; the same date again changes nothing."""
    campaign = locked_campaign(campaign_unit.campaign)
    campaign_unit = locked_campaign_unit(campaign_unit)
    require_state(campaign, BEFORE_RESULTS, gettext("gia hạn"))
    deadline = campaign.self_assessment_deadline
    if deadline is None:
        raise ValidationError(gettext("Đợt đánh giá chưa có hạn tự đánh giá để gia hạn."))
    if until <= deadline:
        raise ValidationError(
            gettext("Ngày gia hạn (%(until)s) phải sau hạn tự đánh giá (%(deadline)s).")
            % {"until": format_deadline(until), "deadline": format_deadline(deadline)}
        )
    previous = campaign_unit.extension_until
    if previous == until:
        return campaign_unit
    campaign_unit.extension_until = until
    campaign_unit.full_clean()
    campaign_unit.save(update_fields=["extension_until"])
    record(campaign, "extend", user, f"{campaign_unit.unit.name}: đến {format_deadline(until)}")
    audit_record(
        actor=user,
        entity="extension",
        action="set",
        old=previous,
        new=until,
        reason=reason,
        campaign=campaign,
        unit=campaign_unit.unit,
        entity_id=campaign_unit.pk,
    )
    return campaign_unit


@transaction.atomic
def campaign_units_extend(
    *, campaign_units: list[CampaignUnit], until: datetime, user: User, reason: str = ""
) -> list[CampaignUnit]:
    """The same extension for several units at once, all or nothing: one refused (the
    campaign's state, a date before the deadline) leaves every unit as it was."""
    if not campaign_units:
        raise ValidationError(gettext("Chưa chọn đơn vị nào: đánh dấu các đơn vị cần gia hạn."))
    return [
        campaign_unit_extend(campaign_unit=campaign_unit, until=until, user=user, reason=reason)
        for campaign_unit in campaign_units
    ]
