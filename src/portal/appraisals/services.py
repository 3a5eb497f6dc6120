"""Writing the team's scores: per criterion and round the appraised value, the remark and
the supplement request (`appraisal_save`), and the verdict on each evidence file
(`verdict_set`); the scoring sheet saves both at once (`sheet_save`). The team and its
assignments are written by portal.appraisals.team, the rounds' moves by
portal.appraisals.rounds, the results by portal.appraisals.finalization. The unit's replies
to a returned round are written one by one in portal.appraisals.responses, and all of a page's
at once here (`responses_save`).

Writes follow the round machine (check(Machine.ROUND, state, "score", …): an assigned member
while the round is scoring and the campaign in appraisal, never after finalization) and
`permissions.may_appraise` for every criterion. Optimistic locking as the self-assessment
does it: each row carries a version; a row changed since the page was loaded is a conflict
that shows the other person's value, remark, name and time, and nothing is written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.model import Node, Source
from portal.accounts.models import User
from portal.answers import AnswerValue, Conflict, answer_label
from portal.appraisals.models import Appraisal
from portal.appraisals.posted import (
    PostedAppraisal,
    PostedResponse,
    PostedVerdict,
    stored_canonical,
)
from portal.appraisals.responses import ResponseConflict, response_save
from portal.appraisals.scoring_context import ScoringContext, refuse_unassigned, scoring_context
from portal.appraisals.values import Trail, trail_for
from portal.appraisals.verdicts import verdict_plan, verdict_write
from portal.assessments.models import Evidence
from portal.audit.services import audit_record
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.frameworks.scoring import core_value, score_answers


class AppraisalConflict(ValidationError):
    """Someone else saved some of these criteria or verdicts since the page was loaded."""

    def __init__(self, conflicts: dict[str, Conflict], verdicts: dict[int, Conflict]):
        self.conflicts, self.verdicts = conflicts, verdicts
        super().__init__(
            gettext(
                "%(count)s mục vừa được người khác lưu sau khi bạn mở trang; chưa lưu gì. "
                "Xem giá trị của họ bên dưới, sửa lại nếu cần rồi bấm Lưu lần nữa."
            )
            % {"count": len(conflicts) + len(verdicts)}
        )


@dataclass(frozen=True)
class Saved:
    appraisals: int
    verdicts: int


@transaction.atomic
def appraisal_save(
    *,
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    posted: Mapping[str, PostedAppraisal],
) -> int:
    """Save the posted criteria of one unit in one round; returns how many changed."""
    return sheet_save(
        campaign_unit=campaign_unit, round=round, actor=actor, appraisals=posted
    ).appraisals


@transaction.atomic
def verdict_set(
    *, evidence: Evidence, round: AppraisalRound, actor: User, posted: PostedVerdict
) -> int:
    """Set (or, with verdict "", clear) the verdict on one evidence file in one round."""
    campaign_unit = CampaignUnit.objects.select_related("campaign", "unit").get(
        pk=evidence.submission.campaign_unit_id
    )
    saved = sheet_save(
        campaign_unit=campaign_unit, round=round, actor=actor, verdicts={evidence.pk: posted}
    )
    return saved.verdicts


@transaction.atomic
def sheet_save(
    *,
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    appraisals: Mapping[str, PostedAppraisal] | None = None,
    verdicts: Mapping[int, PostedVerdict] | None = None,
) -> Saved:
    context = scoring_context(campaign_unit, round, actor)
    trail = trail_for(campaign_unit)
    rows, conflicts = _appraisal_plan(context, trail, appraisals or {})
    evidence, verdict_rows, verdict_conflicts = verdict_plan(context, verdicts or {})
    if conflicts or verdict_conflicts:
        raise AppraisalConflict(conflicts, verdict_conflicts)
    for code, (item, row) in rows.items():
        _write_appraisal(context, code, item, row)
    for pk, (posted, row) in verdict_rows.items():
        verdict_write(context, evidence[pk], posted, row)
    return Saved(len(rows), len(verdict_rows))


# ---- appraisals ------------------------------------------------------------------------


def _appraisal_plan(
    context: ScoringContext, trail: Trail, posted: Mapping[str, PostedAppraisal]
) -> tuple[dict[str, Any], dict[str, Conflict]]:
    """The criteria to write ({code: (posted, row)}), or the conflicts; ValidationError
    listing every criterion whose input cannot be accepted."""
    refuse_unassigned(context, list(posted))
    current = {
        row.criterion: row
        for row in Appraisal.objects.select_for_update()
        .filter(
            campaign_unit=context.campaign_unit, round=context.round, criterion__in=list(posted)
        )
        .select_related("updated_by")
    }
    writes: dict[str, Any] = {}
    conflicts: dict[str, Conflict] = {}
    for code, item in posted.items():
        row = current.get(code)
        if item.canonical == stored_canonical(row) or not item.changed:
            continue  # nothing new, or untouched on the page: keep what is stored
        if item.version != (row.version if row else 0):
            conflicts[code] = _conflict(context.leaves[code], row)
        else:
            writes[code] = (item, row)
    if not conflicts:
        _validate(context, trail, {code: item for code, (item, _) in writes.items()})
    return writes, conflicts


def _conflict(leaf: Node, row: Appraisal | None) -> Conflict:
    if row is None:
        return Conflict(gettext("(đã bị xoá)"), "", "?", timezone.now())
    return Conflict(answer_label(leaf, row.value), row.remark, str(row.updated_by), row.updated_at)


def _validate(context: ScoringContext, trail: Trail, writes: Mapping[str, PostedAppraisal]) -> None:
    number = context.round.number
    problems = []
    for code, item in writes.items():
        leaf = context.leaves[code]
        where = f"“{leaf.name}”"  # by name: the sheet shows the criterion's code only on request
        declared = trail.declared(code, number)
        if item.value is not None and not item.remark.strip():
            if leaf.source is Source.SYSTEM:
                problems.append(
                    gettext(
                        "%(where)s: tiêu chí lấy từ hệ thống dùng chung; chấm lại phải "
                        "ghi rõ lý do trong nhận xét."
                    )
                    % {"where": where}
                )
            elif not same_value(item.value, declared):
                problems.append(
                    gettext(
                        "%(where)s: giá trị thẩm định khác giá trị đơn vị kê khai "
                        "(%(declared)s); ghi rõ lý do trong nhận xét."
                    )
                    % {"where": where, "declared": answer_label(leaf, declared)}
                )
        problems += _supplement_problems(context, where, item)
    problems += _score_problems(context, trail, writes)
    if problems:
        raise ValidationError(problems)


def _supplement_problems(context: ScoringContext, where: str, item: PostedAppraisal) -> list[str]:
    if not item.supplement_requested:
        return []
    if context.round.final:
        return [gettext("%(where)s: vòng cuối không yêu cầu bổ sung.") % {"where": where}]
    if not item.supplement_request.strip():
        return [gettext("%(where)s: ghi rõ nội dung cần bổ sung.") % {"where": where}]
    if item.supplement_due is not None and item.supplement_due <= timezone.now():
        return [
            gettext("%(where)s: hạn bổ sung (%(due)s) đã qua.")
            % {"where": where, "due": format_deadline(item.supplement_due)}
        ]
    return []


def _score_problems(
    context: ScoringContext, trail: Trail, writes: Mapping[str, PostedAppraisal]
) -> list[str]:
    """What the core cannot score among the new values (a service caller may pass anything
    the page's parsing would have refused)."""
    if not writes:
        return []
    unreadable = []
    for code, item in writes.items():
        try:
            core_value(context.leaves[code], item.value)
        except (ArithmeticError, TypeError, ValueError):
            unreadable.append(
                gettext("%(name)s: “%(value)s” không phải giá trị của tiêu chí này.")
                % {"name": context.leaves[code].name, "value": item.value}
            )
    if unreadable:
        return unreadable
    values = trail.values_at(context.round.number, context.leaves)
    values.update({code: item.value for code, item in writes.items()})
    live = score_answers(context.framework, context.campaign_unit.unit, values)
    if live.error and not live.problems:
        return [live.error]
    return [
        f"{context.leaves[code].name}: {message}"
        for code, message in live.problems.items()
        if code in writes
    ]


def same_value(a: AnswerValue, b: AnswerValue) -> bool:
    """Whether two stored values say the same (87.5 is 87.50; a formula's inputs alike)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[name], b[name]) for name in a)
    return _same(a, b)


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool | dict) or isinstance(b, bool | dict) or a is None or b is None:
        return a == b
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:  # an option's value
        return a == b


def appraisal_state(row: Appraisal | None) -> dict[str, Any] | None:
    """What the audit trail keeps of an appraisal."""
    if row is None:
        return None
    return {
        "round": row.round.number,
        "value": row.value,
        "remark": row.remark,
        "supplement_requested": row.supplement_requested,
        "supplement_request": row.supplement_request,
        "supplement_due": format_deadline(row.supplement_due) or None,
    }


def _write_appraisal(
    context: ScoringContext, code: str, item: PostedAppraisal, row: Appraisal | None
) -> None:
    old = appraisal_state(row)
    if row is None:
        row = Appraisal(
            campaign_unit=context.campaign_unit, round=context.round, criterion=code, version=0
        )
    row.value, row.remark = item.value, item.remark.strip()
    row.supplement_requested = item.supplement_requested
    row.supplement_request = item.supplement_request.strip() if item.supplement_requested else ""
    row.supplement_due = item.supplement_due if item.supplement_requested else None
    row.version += 1
    row.updated_by = context.actor
    row.full_clean()
    row.save()
    audit_record(
        actor=context.actor,
        entity="appraisal",
        action="score",
        old=old,
        new=appraisal_state(row),
        reason=row.remark,
        campaign=context.round.campaign,
        unit=context.campaign_unit.unit,
        criterion=code,
        entity_id=row.pk,
    )


# ---- the unit's replies to a returned round, all of a page at once -------------------------


class ResponsesRefused(ValidationError):
    """Replies of one save that were refused, by criterion: nothing of that save is written."""

    def __init__(self, errors: dict[str, str], conflicts: dict[str, ResponseConflict]):
        self.errors, self.conflicts = errors, conflicts
        super().__init__(
            gettext(
                "Chưa lưu phản hồi nào: %(count)s tiêu chí cần xem lại, ghi ngay dưới tiêu chí."
            )
            % {"count": len(errors) + len(conflicts)}
        )


@transaction.atomic
def responses_save(
    *, campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, posted: list[PostedResponse]
) -> int:
    """Every reply of the results page at once, all or none; the number of replies changed."""
    errors: dict[str, str] = {}
    conflicts: dict[str, ResponseConflict] = {}
    changed = 0
    for item in posted:
        try:
            saved = response_save(
                campaign_unit=campaign_unit, round=round, actor=actor, posted=item
            )
            changed += saved.version != item.version
        except ResponseConflict as conflict:
            conflicts[item.criterion] = conflict
        except ValidationError as error:
            errors[item.criterion] = " ".join(error.messages)
    if errors or conflicts:
        raise ResponsesRefused(errors, conflicts)  # rolls back the replies already written
    return changed
