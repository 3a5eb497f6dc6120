"""The digital signatures of evidence PDFs: checked when a file is uploaded, kept as
EvidenceSignature rows shown next to the file, and checked again for a whole campaign when
the office adds a trust root (a signature of an unknown root becomes valid).

Evidence is the unit's own file: whatever the check finds (a broken signature, a PDF pyHanko
cannot read), the file is kept; only its rows say what was found. Verification is
portal.signatures.services.pdf_check with the campaign's province's trust roots, no signer
and no expected hash: evidence is signed by whoever issued it, not by the unit."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from portal.accounts.models import Province, User
from portal.assessments.models import Evidence, EvidenceSignature, SignatureStatus
from portal.audit.services import audit_record
from portal.campaigns.models import Campaign
from portal.signatures.services import Verdict, pdf_check

logger = logging.getLogger(__name__)

PDF = "application/pdf"
STATUSES = frozenset(SignatureStatus.values)
RECHECK_ACTOR = "evidence_signatures_recheck"  # the audit's actor when no person ran it


def signatures_found(*, province: Province, data: bytes) -> list[EvidenceSignature]:
    """Unsaved rows, one per signature in `data` (none for an unsigned PDF, one UNREADABLE
    row for a file that cannot be read as a PDF). Never raises for a hostile file."""
    now = timezone.now()
    try:
        verdict = pdf_check(province=province, data=data)
    except Exception:  # a hostile file must not cost the unit its upload
        logger.exception("checking the signatures of an evidence PDF failed")
        return [_unreadable(now)]
    if not verdict.readable:
        return [_unreadable(now)]
    return _rows(verdict, now)


def _rows(verdict: Verdict, now: datetime) -> list[EvidenceSignature]:
    return [
        EvidenceSignature(
            position=position,
            signer_name=signature.signer_name[:255],
            signed_at=signature.signed_at,
            status=signature.status if signature.status in STATUSES else SignatureStatus.BROKEN,
            revocation_checked=signature.revocation_checked,
            fingerprint=signature.fingerprint[:64],
            checked_at=now,
        )
        for position, signature in enumerate(verdict.signatures)
    ]


def _unreadable(now: datetime) -> EvidenceSignature:
    return EvidenceSignature(position=0, status=SignatureStatus.UNREADABLE, checked_at=now)


def signatures_keep(
    *, evidence: Evidence, rows: list[EvidenceSignature], actor: User | None, action: str
) -> bool:
    """Replace the file's rows with `rows`, what a check of its content found
    (`signatures_found`, run before the caller's transaction); True when that differs from
    what the rows said. Each difference is audited (`action`: "check" on upload, "recheck"
    later); an unsigned PDF that stays unsigned is no event."""
    old = [_audited(row) for row in evidence.signatures.all()]
    new = [_audited(row) for row in rows]
    if old == new:
        evidence.signatures.update(checked_at=timezone.now())
        return False
    evidence.signatures.all().delete()
    for row in rows:
        row.evidence = evidence
    EvidenceSignature.objects.bulk_create(rows)
    campaign_unit = evidence.submission.campaign_unit
    audit_record(
        actor=actor,
        actor_name="" if actor else RECHECK_ACTOR,
        entity="evidence_signature",
        action=action,
        old=old or None,
        new=new or None,
        reason=evidence.original_name,
        campaign=campaign_unit.campaign,
        unit=campaign_unit.unit,
        criterion=evidence.criterion,
        entity_id=evidence.pk,
    )
    return True


def _audited(row: EvidenceSignature) -> dict[str, Any]:
    return {
        "signer": row.signer_name,
        # in UTC: the stored moment reads back in UTC, the verifier's may carry its own offset
        "signed_at": row.signed_at.astimezone(UTC).isoformat() if row.signed_at else None,
        "status": row.status,
        "revocation_checked": row.revocation_checked,
        "fingerprint": row.fingerprint,
    }


def campaign_pdfs(campaign: Campaign, *, every_pdf: bool = False) -> list[Evidence]:
    """The campaign's stored PDF evidence a re-check reads: those with a signature (a new
    trust root changes nothing for an unsigned or unreadable file), or with `every_pdf` all
    of them (files uploaded before signatures were checked have no rows yet)."""
    items = Evidence.objects.filter(submission__campaign_unit__campaign=campaign, content_type=PDF)
    if not every_pdf:
        signed = EvidenceSignature.objects.exclude(status=SignatureStatus.UNREADABLE)
        items = items.filter(pk__in=signed.values("evidence_id"))
    return list(
        items.exclude(stored_name="")
        .select_related("submission__campaign_unit__campaign", "submission__campaign_unit__unit")
        .prefetch_related("signatures")
        .order_by("pk")
    )
