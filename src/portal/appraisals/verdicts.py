"""The team's verdict on each evidence file, per round: planned with the scoring sheet's other
writes (conflicts found before anything is written), then written and audited."""

from __future__ import annotations

from collections.abc import Mapping
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
from portal.audit.services import audit_record


def verdict_plan(
    context: ScoringContext, posted: Mapping[int, PostedVerdict]
) -> tuple[dict[int, Evidence], dict[int, Any], dict[int, Conflict]]:
    if not posted:
        return {}, {}, {}
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
        for row in EvidenceVerdict.objects.select_for_update()
        .filter(evidence_id__in=list(posted), round=context.round)
        .select_related("updated_by")
    }
    writes: dict[int, Any] = {}
    conflicts: dict[int, Conflict] = {}
    problems: list[str] = []
    for pk, item in posted.items():
        row = current.get(pk)
        if item.canonical == stored_verdict(row) or not item.changed:
            continue
        if not item.verdict and row is None:
            continue  # no verdict, and none to clear
        if item.version != (row.version if row else 0):
            conflicts[pk] = _verdict_conflict(row)
            continue
        problems += _verdict_problems(context, evidence[pk], item)
        writes[pk] = (item, row)
    if problems and not conflicts:
        raise ValidationError(problems)
    return evidence, writes, conflicts


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


def _verdict_state(row: EvidenceVerdict | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"round": row.round.number, "verdict": row.verdict, "note": row.note}


def verdict_write(
    context: ScoringContext, evidence: Evidence, item: PostedVerdict, row: EvidenceVerdict | None
) -> None:
    old = _verdict_state(row)
    if not item.verdict:
        assert row is not None  # an empty verdict over no row is "unchanged"
        row.delete()
        new = None
    else:
        if row is None:
            row = EvidenceVerdict(evidence=evidence, round=context.round, version=0)
        row.verdict, row.note = item.verdict, item.note.strip()
        row.version += 1
        row.updated_by = context.actor
        row.full_clean()
        row.save()
        new = _verdict_state(row)
    audit_record(
        actor=context.actor,
        entity="verdict",
        action="set" if new else "clear",
        old=old,
        new=new,
        reason=item.note,
        campaign=context.round.campaign,
        unit=context.campaign_unit.unit,
        criterion=evidence.criterion,
        entity_id=evidence.pk,
    )
