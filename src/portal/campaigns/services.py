"""Changing campaigns: create, levels, units in scope, and the campaign's workflow (the
appraisal deadlines and extensions are in portal.campaigns.schedule). Every function checks
its input, leaves the database as it was when it refuses (ValidationError, in Vietnamese),
and records who did what in a CampaignEvent. Importing published results of past years lives
in portal.campaigns.historic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.documents import DocumentError
from portal.accounts.models import Province, User
from portal.accounts.permissions import roles_in
from portal.audit.locks import locked_or_refused
from portal.audit.services import Record, audit_record, audit_records
from portal.bulk import insert_rows
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import (
    Campaign,
    CampaignEvent,
    CampaignLevel,
    CampaignUnit,
)
from portal.campaigns.selectors import previous_results, units_of_level
from portal.frameworks.models import FrameworkVersion
from portal.units.models import Unit
from portal.workflow import CAMPAIGN_STATE_LABELS, CampaignState, Machine, check_or_refuse
from portal.workflow.guards import Blocker, enforce, override_note

C = CampaignState
BEFORE_RESULTS = frozenset({C.DRAFT, C.OPEN, C.SELF_ASSESSMENT_CLOSED, C.IN_APPRAISAL})


def record(campaign: Campaign, action: str, user: User, note: str = "") -> None:
    CampaignEvent.objects.create(campaign=campaign, action=action, actor=user, note=note)


def locked_campaign(campaign: Campaign) -> Campaign:
    """The campaign read again and locked (portal.audit.locks): changes of one campaign run
    one after the other, each deciding on what the one before left."""
    return locked_or_refused(campaign, gettext("Đợt đánh giá này không còn nữa."))


def locked_campaign_unit(campaign_unit: CampaignUnit) -> CampaignUnit:
    gone = gettext("%(unit)s đã được bỏ khỏi đợt đánh giá trước đó.") % {
        "unit": campaign_unit.unit.name
    }
    return locked_or_refused(campaign_unit, gone)


def require_state(campaign: Campaign, states: frozenset[str], what: str) -> None:
    if campaign.historic:
        raise ValidationError(
            gettext("Đợt này là kết quả năm cũ nhập từ bảng đã công bố, không sửa được.")
        )
    if campaign.state not in states:
        label = CAMPAIGN_STATE_LABELS[CampaignState(campaign.state)]
        raise ValidationError(
            gettext("Không thể %(what)s khi đợt đánh giá đang ở trạng thái “%(state)s”.")
            % {"what": what, "state": label}
        )


def _check_year_and_title(province: Province, year: int, title: str, pk: int | None) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError(
            gettext("Năm %(year)s không hợp lệ (từ 2000 đến 2100).") % {"year": year}
        )
    same = Campaign.objects.filter(province=province, year=year, title=title.strip())
    if pk is not None:
        same = same.exclude(pk=pk)
    if same.exists():
        raise ValidationError(
            gettext("%(province)s đã có đợt đánh giá “%(title)s” năm %(year)s; hãy đặt tên khác.")
            % {"province": province, "title": title.strip(), "year": year}
        )


@transaction.atomic
def campaign_create(
    *,
    province: Province,
    year: int,
    title: str,
    self_assessment_deadline: datetime | None,
    user: User,
    source: str = "",
) -> Campaign:
    _check_year_and_title(province, year, title, None)
    campaign = Campaign(
        province=province,
        year=year,
        title=title.strip(),
        source=source.strip(),
        self_assessment_deadline=self_assessment_deadline,
    )
    campaign.full_clean()
    campaign.save()
    record(campaign, "create", user)
    audit_record(
        actor=user,
        entity="campaign",
        action="create",
        campaign=campaign,
        entity_id=campaign.pk,
        new={
            "title": campaign.title,
            "year": year,
            "self_assessment_deadline": self_assessment_deadline,
        },
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    title: str,
    self_assessment_deadline: datetime | None,
    user: User,
    source: str = "",
    reason: str = "",
) -> Campaign:
    campaign = locked_campaign(campaign)
    require_state(campaign, BEFORE_RESULTS, gettext("sửa thông tin đợt"))
    _check_year_and_title(campaign.province, campaign.year, title, campaign.pk)
    if self_assessment_deadline is None and campaign.state != C.DRAFT:
        raise ValidationError(gettext("Đợt đánh giá đã mở phải có hạn tự đánh giá."))
    previous = campaign.self_assessment_deadline
    before = format_deadline(previous)
    campaign.title, campaign.source = title.strip(), source.strip()
    campaign.self_assessment_deadline = self_assessment_deadline
    campaign.full_clean()
    campaign.save()
    after = format_deadline(self_assessment_deadline)
    note = f"hạn tự đánh giá: {before or '—'} → {after or '—'}" if before != after else ""
    record(campaign, "update", user, note)
    if before != after:
        audit_record(
            actor=user,
            entity="deadline",
            action="update",
            old=previous,
            new=self_assessment_deadline,
            reason=reason,
            campaign=campaign,
            entity_id="self_assessment",
        )
    return campaign


@transaction.atomic
def campaign_level_add(
    *, campaign: Campaign, level: str, name: str, framework: FrameworkVersion, user: User
) -> CampaignLevel:
    """A level of the campaign, scored with a framework version of the same province made
    for that level."""
    campaign = locked_campaign(campaign)
    require_state(campaign, frozenset({C.DRAFT}), gettext("thêm khối"))
    level, name = level.strip(), name.strip()
    problems = []
    if framework.province_id != campaign.province_id:
        problems.append(
            gettext("Bộ chỉ số “%(framework)s” không thuộc %(province)s.")
            % {"framework": framework.name, "province": campaign.province}
        )
    elif framework.level != level:
        problems.append(
            gettext(
                "Bộ chỉ số “%(framework)s” dành cho khối “%(framework_level)s”, "
                "không phải khối “%(level)s”."
            )
            % {"framework": framework.name, "framework_level": framework.level, "level": level}
        )
    if campaign.levels.filter(level=level).exists():
        problems.append(gettext("Đợt đánh giá đã có khối “%(level)s”.") % {"level": level})
    if problems:
        raise ValidationError(problems)
    try:
        framework.build()
    except DocumentError as error:
        raise ValidationError(
            gettext("Bộ chỉ số “%(framework)s” có lỗi: %(error)s")
            % {"framework": framework.name, "error": error}
        ) from error
    campaign_unit = CampaignLevel(campaign=campaign, level=level, name=name, framework=framework)
    campaign_unit.full_clean()
    campaign_unit.save()
    record(campaign, "level_add", user, f"{name}: {framework.name}")
    audit_record(
        actor=user,
        entity="level",
        action="add",
        campaign=campaign,
        entity_id=campaign_unit.pk,
        new={"level": level, "name": name, "framework": framework.name},
    )
    return campaign_unit


@transaction.atomic
def campaign_units_add(
    *, campaign: Campaign, level: str, units: Sequence[Unit] | None, user: User
) -> list[CampaignUnit]:
    """Put units of `level` in the campaign's scope: the chosen ones, or with None every unit
    of that level in the province. Units already in scope are left as they are; each new one
    carries last year's class when a published result of last year is known."""
    campaign = locked_campaign(campaign)
    require_state(campaign, frozenset({C.DRAFT, C.OPEN}), gettext("thêm đơn vị"))
    level_campaign_unit = campaign.levels.filter(level=level).first()
    if level_campaign_unit is None:
        raise ValidationError(
            gettext("Đợt đánh giá chưa có khối “%(level)s”; hãy thêm khối trước.")
            % {"level": level}
        )
    chosen = list(
        units_of_level(campaign.province, level, campaign.year) if units is None else units
    )
    wrong = [u.name for u in chosen if u.province_id != campaign.province_id or u.level != level]
    if wrong:
        raise ValidationError(
            gettext("Không thuộc khối %(level)s của %(province)s: %(units)s.")
            % {
                "level": level_campaign_unit.name,
                "province": campaign.province,
                "units": ", ".join(wrong),
            }
        )
    if not chosen:
        raise ValidationError(
            gettext("%(province)s chưa có đơn vị nào thuộc khối %(level)s.")
            % {"province": campaign.province, "level": level_campaign_unit.name}
        )
    present = set(campaign.units.values_list("unit_id", flat=True))
    new = [u for u in chosen if u.pk not in present]
    classes = previous_results(campaign, [u.pk for u in new])
    campaign_units = []
    for unit in new:
        last = classes.get(unit.pk, [])
        campaign_unit = CampaignUnit(
            campaign=campaign,
            unit=unit,
            level=level,
            previous_class=last[0].class_label if len(last) == 1 else "",
        )
        # its own fields; campaign and unit were checked above, and `present` keeps each
        # unit once (the campaign is locked): no query per unit
        campaign_unit.clean_fields(exclude=["campaign", "unit"])
        campaign_units.append(campaign_unit)
    insert_rows(campaign_units)
    if campaign_units:
        record(campaign, "units_add", user, ", ".join(u.name for u in new))
    audit_records(
        [
            Record(
                actor=user,
                entity="unit",
                action="add",
                new={"level": level, "name": campaign_unit.unit.name},
                campaign=campaign,
                unit=campaign_unit.unit,
                entity_id=campaign_unit.pk or "",
            )
            for campaign_unit in campaign_units
        ]
    )
    return campaign_units


@transaction.atomic
def campaign_unit_remove(*, campaign_unit: CampaignUnit, user: User) -> None:
    campaign = locked_campaign(campaign_unit.campaign)
    campaign_unit = locked_campaign_unit(campaign_unit)
    require_state(campaign, frozenset({C.DRAFT}), gettext("bỏ đơn vị khỏi đợt"))
    name, campaign_unit_id = campaign_unit.unit.name, campaign_unit.pk
    campaign_unit.delete()
    record(campaign, "unit_remove", user, name)
    audit_record(
        actor=user,
        entity="unit",
        action="remove",
        old={"level": campaign_unit.level, "name": name},
        campaign=campaign,
        unit=campaign_unit.unit,
        entity_id=campaign_unit_id,
    )


@transaction.atomic
def campaign_transition(
    *,
    campaign: Campaign,
    action: str,
    user: User,
    guard: Callable[[Campaign], Sequence[Blocker]] | None = None,
    override_reason: str = "",
) -> Campaign:
    """Move the campaign through portal.workflow; opening needs something to assess.
    `guard` gives the move's blockers (portal.workflow.guards), read under the lock: the
    apps above this one know the submissions and the team (portal.appraisals.checks). A
    move over blockers that may be overridden needs `override_reason`, kept in the trail."""
    campaign = Campaign.objects.select_for_update().select_related("province").get(pk=campaign.pk)
    if campaign.historic:
        raise ValidationError(gettext("Đợt này là kết quả năm cũ nhập từ bảng đã công bố."))
    roles = roles_in(user, campaign.province)
    target = check_or_refuse(Machine.CAMPAIGN, campaign.state, action, roles)
    if action == "open":
        problems = opening_problems(campaign, timezone.now())
        if problems:
            raise ValidationError(problems)
    overridden = enforce(guard(campaign), override_reason) if guard is not None else []
    note = override_note(override_reason, overridden)
    before = campaign.state
    campaign.state = target
    campaign.full_clean()
    campaign.save(update_fields=["state"])
    record(campaign, action, user, note)
    audit_record(
        actor=user,
        entity="campaign",
        action=action,
        old=before,
        new=target,
        reason=note,
        campaign=campaign,
        entity_id=campaign.pk,
    )
    return campaign


def opening_problems(campaign: Campaign, now: datetime) -> list[str]:
    """What a campaign lacks to open: levels, units in each, a deadline still to come."""
    problems = []
    levels = list(campaign.levels.all())
    in_scope = set(campaign.units.values_list("level", flat=True))
    if not levels:
        problems.append(gettext("Chưa có khối nào: hãy thêm khối và bộ chỉ số."))
    elif not in_scope:
        problems.append(gettext("Chưa có đơn vị nào trong phạm vi đánh giá."))
    else:
        problems += [
            gettext("Khối %(level)s chưa có đơn vị nào.") % {"level": lv.name}
            for lv in levels
            if lv.level not in in_scope
        ]
    deadline = campaign.self_assessment_deadline
    if deadline is None:
        problems.append(gettext("Chưa đặt hạn tự đánh giá."))
    elif deadline <= now:
        problems.append(
            gettext("Hạn tự đánh giá (%(deadline)s) đã qua.")
            % {"deadline": format_deadline(deadline)}
        )
    return problems
