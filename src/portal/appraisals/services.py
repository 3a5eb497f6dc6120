"""Writing the team's scores: per criterion and round the appraised value, the remark and
the supplement request (`appraisal_save`), and the verdict on each evidence file
(`verdict_set`); the scoring sheet saves both at once (`sheet_save`). The team and its
assignments are written by portal.appraisals.team, the rounds' moves by
portal.appraisals.rounds, the results by portal.appraisals.finalization. The unit's replies
to a returned round are written in portal.appraisals.responses (`replies_save`, all of a
page's at once; `responses_save` here gives the page the number changed).

Writes follow the round machine (check(Machine.ROUND, state, "score", …): an assigned member
while the round is scoring and the campaign in appraisal, never after finalization) and
`permissions.may_appraise` for every criterion. Optimistic locking as the self-assessment
does it: each row carries a version; a row changed since the page was loaded is a conflict
that shows the other person's value, remark, name and time, and nothing is written."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.model import Node, Source
from portal.accounts.models import User
from portal.answers import AnswerValue, Conflict, answer_label
from portal.appraisals.models import Appraisal, EvidenceVerdict
from portal.appraisals.posted import (
    PostedAppraisal,
    PostedResponse,
    PostedVerdict,
    stored_canonical,
)
from portal.appraisals.responses import replies_save
from portal.appraisals.scoring_context import ScoringContext, refuse_unassigned, scoring_context
from portal.appraisals.values import Trail, trail_for
from portal.appraisals.verdicts import verdict_plan, verdict_row, verdict_versions, verdicts_write
from portal.assessments.models import Evidence
from portal.audit.models import AuditEntry
from portal.audit.services import Record, audit_append, audit_entries
from portal.bulk import insert_rows, update_rows
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


def sheet_save(
    *,
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    appraisals: Mapping[str, PostedAppraisal] | None = None,
    verdicts: Mapping[int, PostedVerdict] | None = None,
) -> Saved:
    """Save the sheet's scores and verdicts of one unit in one round, all or nothing.

    Prepared before its transaction, as a unit's answers are (portal.assessments.saving):
    the permissions, the conflicts, the rules, the unit's score with the new values, and the
    rows and audit entries to write are worked out without a lock. The transaction then
    locks the round (saves of a round run one after the other, never beside a move of the
    round), checks the permissions again and reads the round's state and whether it is final,
    the unit's scores in the round and the posted evidence's verdicts (each row and its
    version): if they are the ones prepared against, the
    prepared rows and entries are written at once; if someone saved meanwhile, the save is
    prepared again under the lock, as it always was. A sheet posted with nothing changed
    opens no transaction."""
    appraisals, verdicts = appraisals or {}, verdicts or {}
    context = scoring_context(campaign_unit, round, actor, lock=False)
    prepared = _prepared(context, appraisals, verdicts)
    if not prepared.entries:
        return Saved(0, 0)
    return _write(campaign_unit, round, actor, appraisals, verdicts, prepared)


@transaction.atomic
def _write(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    appraisals: Mapping[str, PostedAppraisal],
    verdicts: Mapping[int, PostedVerdict],
    prepared: _Prepared,
) -> Saved:
    context = scoring_context(campaign_unit, round, actor)  # the round locked, checked again
    if _stored(context, verdicts) != prepared.stored:  # saved meanwhile: prepared again
        prepared = _prepared(context, appraisals, verdicts)
    else:  # what was prepared stands; who may score which criterion is checked again, now
        refuse_unassigned(context, list(appraisals))
        refuse_unassigned(context, sorted({e.criterion for e in prepared.evidence.values()}))
    now = timezone.now()
    for row in prepared.changed:
        row.updated_at = now
    for verdict in prepared.changed_verdicts:
        verdict.updated_at = now
    insert_rows(prepared.new)
    update_rows(prepared.changed, APPRAISAL_WRITTEN)
    verdicts_write(prepared.new_verdicts, prepared.changed_verdicts, prepared.cleared)
    for entry, inserted in prepared.identified:
        entry.entity_id = str(inserted.pk)  # a new row's, known once it is inserted
    # the last write, linked as it is written: the chain's head is locked only for it and
    # the commit (portal.audit.sealing)
    audit_append(prepared.entries, linked=True)
    return Saved(prepared.appraisals, prepared.verdicts)


# ---- appraisals ------------------------------------------------------------------------

APPRAISAL_WRITTEN = [
    "value",
    "remark",
    "supplement_requested",
    "supplement_request",
    "supplement_due",
    "version",
    "updated_by",
    "updated_at",
]
# What a save was prepared against: the round's state and whether it is the final one; the
# unit's scores in the round, by criterion, each as (its row, its version); the posted
# evidence still in the unit, each with its verdict in the round as (its row, its version),
# (0, 0) for none. A row and its version together: a verdict cleared and set again starts
# a new row at version 1.
Stored = tuple[tuple[str, bool], dict[str, tuple[int, int]], dict[int, tuple[int, int]]]


@dataclass
class _Prepared:
    """A sheet's save ready to write: new and changed rows, the verdicts cleared, the audit
    entries of them all in order (those of new rows get their row's id once it is
    inserted: `identified`), and the versions they were prepared against."""

    stored: Stored
    evidence: dict[int, Evidence]
    appraisals: int = 0  # scores written
    verdicts: int = 0  # verdicts set or cleared
    new: list[Appraisal] = field(default_factory=list)
    changed: list[Appraisal] = field(default_factory=list)
    new_verdicts: list[EvidenceVerdict] = field(default_factory=list)
    changed_verdicts: list[EvidenceVerdict] = field(default_factory=list)
    cleared: list[EvidenceVerdict] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)
    identified: list[tuple[AuditEntry, Model]] = field(default_factory=list)


def _stored(context: ScoringContext, verdicts: Mapping[int, PostedVerdict]) -> Stored:
    scores = Appraisal.objects.filter(campaign_unit=context.campaign_unit, round=context.round)
    return (
        _round_now(context),
        {
            code: (pk, version)
            for code, pk, version in scores.values_list("criterion", "pk", "version")
        },
        verdict_versions(context, verdicts),
    )


def _round_now(context: ScoringContext) -> tuple[str, bool]:
    """What the rules read of the round: its state, and whether it is the final one (no
    supplement is asked in the final round)."""
    return str(context.round.state), bool(context.round.final)


def _prepared(
    context: ScoringContext,
    appraisals: Mapping[str, PostedAppraisal],
    verdicts: Mapping[int, PostedVerdict],
) -> _Prepared:
    """The rows and entries of a save against what is stored now: AppraisalConflict if a
    posted score or verdict was loaded at another version than the stored one,
    ValidationError listing what cannot be accepted, PermissionDenied for a criterion the
    person may not score. Each row's own fields are validated here; a score's criterion is
    unique in the round because the rows are written under the round's lock, against these
    versions."""
    trail = trail_for(context.campaign_unit)
    current = {
        code: row
        for (number, code), row in trail.appraisals.items()
        if number == context.round.number
    }
    writes, conflicts = _appraisal_plan(context, trail, current, appraisals)
    plan = verdict_plan(context, verdicts)
    if conflicts or plan.conflicts:
        raise AppraisalConflict(conflicts, plan.conflicts)
    prepared = _Prepared(
        (
            _round_now(context),
            {code: (row.pk, row.version) for code, row in current.items()},
            plan.versions,
        ),
        plan.evidence,
        appraisals=len(writes),
        verdicts=len(plan.writes),
    )
    records: list[tuple[Record, Model | None]] = []  # with the new row whose id it will name
    for code, (item, stored) in writes.items():
        row = _appraisal_row(context, code, item, stored)
        (prepared.changed if stored else prepared.new).append(row)
        record = Record(
            actor=context.actor,
            entity="appraisal",
            action="score",
            old=appraisal_state(context, stored),
            new=appraisal_state(context, row),
            reason=row.remark,
            campaign=context.round.campaign,
            unit=context.campaign_unit.unit,
            criterion=code,
            entity_id=stored.pk if stored else "",
        )
        records.append((record, None if stored else row))
    for pk, (posted, verdict) in plan.writes.items():
        written = verdict_row(context, plan.evidence[pk], posted, verdict)
        if written.row is None and written.stored is not None:
            prepared.cleared.append(written.stored)
        elif written.row is None:
            raise AssertionError("a verdict cleared where none was stored")
        elif written.stored is None:
            prepared.new_verdicts.append(written.row)
        else:
            prepared.changed_verdicts.append(written.row)
        records.append((written.record, None))
    prepared.entries = audit_entries([record for record, _ in records])
    prepared.identified = [
        (entry, row)
        for entry, (_, row) in zip(prepared.entries, records, strict=True)
        if row is not None
    ]
    return prepared


def _appraisal_plan(
    context: ScoringContext,
    trail: Trail,
    current: Mapping[str, Appraisal],
    posted: Mapping[str, PostedAppraisal],
) -> tuple[dict[str, tuple[PostedAppraisal, Appraisal | None]], dict[str, Conflict]]:
    """The criteria to write ({code: (posted, stored row)}), or the conflicts;
    ValidationError listing every criterion whose input cannot be accepted."""
    refuse_unassigned(context, list(posted))
    writes: dict[str, tuple[PostedAppraisal, Appraisal | None]] = {}
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


def appraisal_state(context: ScoringContext, row: Appraisal | None) -> dict[str, Any] | None:
    """What the audit trail keeps of a score of the round."""
    if row is None:
        return None
    return {
        "round": context.round.number,
        "value": row.value,
        "remark": row.remark,
        "supplement_requested": row.supplement_requested,
        "supplement_request": row.supplement_request,
        "supplement_due": format_deadline(row.supplement_due) or None,
    }


def _appraisal_row(
    context: ScoringContext, code: str, item: PostedAppraisal, stored: Appraisal | None
) -> Appraisal:
    """The row as the save writes it: a copy of `stored` changed, or a new one (no id
    yet). A copy: a save prepared again under the lock starts from what it reads then."""
    if stored is None:
        row = Appraisal(
            campaign_unit=context.campaign_unit, round=context.round, criterion=code, version=0
        )
    else:
        row = copy.copy(stored)
    row.value, row.remark = item.value, item.remark.strip()
    row.supplement_requested = item.supplement_requested
    row.supplement_request = item.supplement_request.strip() if item.supplement_requested else ""
    row.supplement_due = item.supplement_due if item.supplement_requested else None
    row.version += 1
    row.updated_by = context.actor
    # what was posted is checked; the references and the version are set here
    row.clean_fields(exclude=["campaign_unit", "round", "criterion", "version", "updated_by"])
    return row


# ---- the unit's replies to a returned round, all of a page at once -------------------------


def responses_save(
    *, campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, posted: list[PostedResponse]
) -> int:
    """Every reply of the results page at once, all or none (ResponsesRefused); the number
    of replies changed. Prepared before its transaction (responses.replies_save)."""
    return replies_save(
        campaign_unit=campaign_unit, round=round, actor=actor, posted=posted
    ).changed
