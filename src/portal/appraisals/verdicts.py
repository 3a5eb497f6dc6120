"""The team's verdict on each evidence file, per round: planned with the scoring sheet's other
writes (conflicts found before anything is written), prepared with their audit records, then
written together (portal.appraisals.services.sheet_save)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from portal.answers import Conflict
from portal.appraisals.models import EvidenceVerdict, Verdict
from portal.appraisals.posted import (
    PostedVerdict,
    stored_verdict,
)
from portal.appraisals.scoring_context import ScoringContext, refuse_unassigned
from portal.assessments.models import Evidence
from portal.audit.services import Record
from portal.bulk import insert_rows, update_rows


@dataclass
class VerdictPlan:
    """The verdicts a save writes ({evidence id: (posted, stored row)}), the conflicts, the
    posted evidence, and what they were planned against: the posted evidence, each with
    its verdict in the round as (its row, its version), (0, 0) for none."""

    evidence: dict[int, Evidence] = field(default_factory=dict)
    writes: dict[int, tuple[PostedVerdict, EvidenceVerdict | None]] = field(default_factory=dict)
    conflicts: dict[int, Conflict] = field(default_factory=dict)
    versions: dict[int, tuple[int, int]] = field(default_factory=dict)


def verdict_plan(context: ScoringContext, posted: Mapping[int, PostedVerdict]) -> VerdictPlan:
    """What a save of `posted` writes against what is stored now; ValidationError listing
    the verdicts that cannot be accepted (unless some are in conflict), PermissionDenied for
    evidence of a criterion the person may not score."""
    if not posted:
        return VerdictPlan()
    evidence = {
        item.pk: item
        for item in Evidence.objects.filter(
            pk__in=list(posted), submission__campaign_unit=context.campaign_unit
        ).select_related("round")
    }
    if set(posted) - set(evidence):
        raise ValidationError(gettext("Có minh chứng không thuộc đơn vị này."))
    refuse_unassigned(context, sorted({item.criterion for item in evidence.values()}))
    current = {
        row.evidence_id: row
        for row in EvidenceVerdict.objects.filter(
            evidence_id__in=list(posted), round=context.round
        ).select_related("updated_by")
    }
    versions = {pk: _row_version(current.get(pk)) for pk in evidence}
    plan = VerdictPlan(evidence, versions=versions)
    problems: list[str] = []
    for pk, item in posted.items():
        row = current.get(pk)
        if item.canonical == stored_verdict(row) or not item.changed:
            continue
        if not item.verdict and row is None:
            continue  # no verdict, and none to clear
        if item.version != (row.version if row else 0):
            plan.conflicts[pk] = _verdict_conflict(row)
            continue
        problems += _verdict_problems(context, evidence[pk], item)
        plan.writes[pk] = (item, row)
    if problems and not plan.conflicts:
        raise ValidationError(problems)
    return plan


def verdict_versions(
    context: ScoringContext, posted: Mapping[int, PostedVerdict]
) -> dict[int, tuple[int, int]]:
    """The posted evidence still in the unit, each with its verdict in the round as (its row,
    its version), (0, 0) for none, as `verdict_plan` read them: what a save compares under
    the round's lock. The row too: a verdict cleared and set again starts a new row at
    version 1."""
    if not posted:
        return {}
    present = Evidence.objects.filter(
        pk__in=list(posted), submission__campaign_unit=context.campaign_unit
    ).values_list("pk", flat=True)
    verdicts = EvidenceVerdict.objects.filter(evidence_id__in=list(posted), round=context.round)
    judged = {
        evidence: (pk, version)
        for evidence, pk, version in verdicts.values_list("evidence_id", "pk", "version")
    }
    return {pk: judged.get(pk, (0, 0)) for pk in present}


def _row_version(row: EvidenceVerdict | None) -> tuple[int, int]:
    return (row.pk, row.version) if row is not None else (0, 0)


def _verdict_conflict(row: EvidenceVerdict | None) -> Conflict:
    if row is None:
        return Conflict(gettext("(đã bị xoá)"), "", "?", timezone.now())
    label = str(Verdict(row.verdict).label)
    return Conflict(label, row.note, str(row.updated_by), row.updated_at)


def _verdict_problems(
    context: ScoringContext, evidence: Evidence, item: PostedVerdict
) -> list[str]:
    where = f"{evidence.criterion}, “{evidence.original_name}”"
    if item.verdict and item.verdict not in Verdict.values:
        return [gettext("%(where)s: kết luận không hợp lệ.") % {"where": where}]
    if evidence.round is not None and evidence.round.number >= context.round.number:
        return [
            gettext("%(where)s: minh chứng bổ sung ở vòng %(number)s được xem xét ở vòng sau.")
            % {"where": where, "number": evidence.round.number}
        ]
    if item.verdict in (Verdict.INSUFFICIENT, Verdict.REJECTED) and not item.note.strip():
        return [gettext("%(where)s: ghi rõ lý do của kết luận.") % {"where": where}]
    return []


def _verdict_state(context: ScoringContext, row: EvidenceVerdict | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"round": context.round.number, "verdict": row.verdict, "note": row.note}


@dataclass(frozen=True)
class VerdictWrite:
    """A verdict as a save writes it: `row` (None: `stored` is deleted; no id: inserted)
    and its audit record."""

    stored: EvidenceVerdict | None
    row: EvidenceVerdict | None
    record: Record


def verdict_row(
    context: ScoringContext, evidence: Evidence, item: PostedVerdict, stored: EvidenceVerdict | None
) -> VerdictWrite:
    """The verdict `item` over `stored`, checked, and its audit record; nothing written."""
    row: EvidenceVerdict | None = None
    if item.verdict:
        if stored is None:
            row = EvidenceVerdict(evidence=evidence, round=context.round, version=0)
        else:
            row = copy.copy(stored)
        row.verdict, row.note = item.verdict, item.note.strip()
        row.version += 1
        row.updated_by = context.actor
        # what was posted is checked; the references and the version are set here
        row.clean_fields(exclude=["evidence", "round", "version", "updated_by"])
    elif stored is None:
        raise ValueError("an empty verdict over no verdict is no change")
    record = Record(
        actor=context.actor,
        entity="verdict",
        action="set" if row is not None else "clear",
        old=_verdict_state(context, stored),
        new=_verdict_state(context, row),
        reason=item.note,
        campaign=context.round.campaign,
        unit=context.campaign_unit.unit,
        criterion=evidence.criterion,
        entity_id=evidence.pk,
    )
    return VerdictWrite(stored, row, record)


def verdicts_write(
    new: Sequence[EvidenceVerdict],
    changed: Sequence[EvidenceVerdict],
    cleared: Sequence[EvidenceVerdict],
) -> None:
    """Write verdicts prepared by `verdict_row`: a few statements, whatever their number."""
    insert_rows(new)
    update_rows(changed, ["verdict", "note", "version", "updated_by", "updated_at"])
    if cleared:
        EvidenceVerdict.objects.filter(pk__in=[row.pk for row in cleared]).delete()
