"""The signed PDF a unit head uploads when approving the submission.

The province's signature settings (portal.signatures) say whether approving asks for one:
OFF (never: no file), OPTIONAL (a file may come; if it does, it must verify) or REQUIRED.
The file is checked by portal.signatures.pdf_check against the approver (his confirmed
certificate) and the snapshot's hash carried in the PDF's /Keywords; only a verdict that is
ok lets the approval go on, and only then is the file stored (in the evidence store) with a
SubmissionSignature row, a SubmissionEvent and an audit entry.

`signed_copy_check` runs before the approval's transaction: pdf_check records an unknown
certificate for the office to confirm, and that record must outlive the refusal."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.assessments import evidence_files
from portal.assessments.models import Submission, SubmissionEvent, SubmissionSignature
from portal.audit.services import audit_record
from portal.campaigns.models import CampaignUnit
from portal.moments import moment_text
from portal.signatures.models import SubmissionMode
from portal.signatures.selectors import settings_of
from portal.signatures.services import SignatureView, Verdict, pdf_check

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class SignedCopy:
    """A signed PDF that passed every check, not stored yet."""

    data: bytes
    snapshot_sha256: str
    signature: SignatureView
    verdict: Verdict


def submission_mode(campaign_unit: CampaignUnit) -> str:
    """off, optional or required: what the province asks of an approval."""
    return str(settings_of(campaign_unit.campaign.province).submission_mode)


def _read_pdf(upload: UploadedFile) -> bytes:
    """The upload's bytes, if it is a PDF within the evidence limit (size checked first)."""
    if upload.size is None or upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(evidence_files.too_large_message(upload.size or 0))
    upload.seek(0)
    data: bytes = upload.read()
    if not data.startswith(PDF_MAGIC) or evidence_files.detect(upload) != "pdf":
        raise ValidationError(
            gettext("Tệp “%(name)s” không phải tệp PDF: chỉ nhận bản PDF đã ký số.")
            % {"name": upload.name or ""}
        )
    return data


def signed_copy_check(
    *, campaign_unit: CampaignUnit, submission: Submission, actor: User, upload: UploadedFile | None
) -> SignedCopy | None:
    """The signed copy the approval will keep; None when none is asked for nor given. A
    ValidationError names every check that failed; nothing of the submission is written."""
    mode = submission_mode(campaign_unit)
    if mode == SubmissionMode.OFF:
        return None
    if upload is None:
        if mode == SubmissionMode.REQUIRED:
            raise ValidationError(
                gettext(
                    "Chưa phê duyệt: cần tải lên bản tự đánh giá (PDF) đã được thủ trưởng ký số."
                )
            )
        return None
    data = _read_pdf(upload)
    verdict = pdf_check(
        province=campaign_unit.campaign.province,
        data=data,
        signer=actor,
        expected_hash=submission.snapshot_sha256,
    )
    if not verdict.ok:
        raise ValidationError(
            [gettext("Chưa phê duyệt: bản PDF ký số chưa đạt."), *verdict.problems]
        )
    signature = next((s for s in verdict.signatures if s.status == "valid"), None)
    if signature is None:  # ok without a valid signature cannot be; refuse rather than guess
        raise ValidationError(gettext("Chưa phê duyệt: không có chữ ký số hợp lệ trong tệp."))
    return SignedCopy(data, submission.snapshot_sha256, signature, verdict)


def signed_copy_keep(
    *, campaign_unit: CampaignUnit, submission: Submission, actor: User, copy: SignedCopy
) -> SubmissionSignature:
    """Store the checked copy in the evidence store and record it, inside the approval's
    transaction; the file is removed again if anything after it fails."""
    if copy.snapshot_sha256 != submission.snapshot_sha256:  # sent again meanwhile
        raise ValidationError(
            gettext("Chưa phê duyệt: bản tự đánh giá vừa thay đổi; hãy tải bản PDF mới để ký.")
        )
    stored = evidence_files.store(SimpleUploadedFile("ky-so.pdf", copy.data))
    try:
        row = SubmissionSignature(
            submission=submission,
            snapshot_sha256=copy.snapshot_sha256,
            stored_name=stored.stored_name,
            size=stored.size,
            sha256=stored.sha256,
            signer_name=copy.signature.signer_name[:255],
            signer_fingerprint=copy.signature.fingerprint,
            signed_at=copy.signature.signed_at,
            status=copy.signature.status,
            status_label=str(copy.signature.status_label)[:100],
            uploaded_by=actor,
        )
        row.full_clean()
        row.save()
        _record(campaign_unit, submission, actor, row)
    except BaseException:
        evidence_files.remove_stored(stored.stored_name)
        raise
    return row


def _record(
    campaign_unit: CampaignUnit, submission: Submission, actor: User, row: SubmissionSignature
) -> None:
    note = gettext("Ký số bởi %(signer)s lúc %(at)s — %(status)s") % {
        "signer": row.signer_name,
        "at": moment_text(row.signed_at) if row.signed_at else "—",
        "status": row.status_label.lower(),
    }
    SubmissionEvent.objects.create(
        submission=submission, action="sign", actor=actor, note=f"{note}; SHA-256 {row.sha256}"
    )
    audit_record(
        actor=actor,
        entity="submission_signature",
        action="add",
        new={
            "signer": row.signer_name,
            "fingerprint": row.signer_fingerprint,
            "signed_at": row.signed_at.isoformat() if row.signed_at else None,
            "status": row.status,
            "sha256": row.sha256,
            "snapshot_sha256": row.snapshot_sha256,
        },
        campaign=campaign_unit.campaign,
        unit=campaign_unit.unit,
        entity_id=row.pk,
    )


def current_signature(submission: Submission) -> SubmissionSignature | None:
    """The signed copy kept with the current approval; those of an approval reopened since,
    or of a submission returned and sent again (even unchanged, with the same hash), are
    history."""
    if submission.pk is None or submission.approved_at is None or submission.submitted_at is None:
        return None
    return (
        SubmissionSignature.objects.filter(
            submission=submission,
            snapshot_sha256=submission.snapshot_sha256,
            uploaded_at__gte=submission.submitted_at,
        )
        .order_by("-uploaded_at", "-pk")
        .first()
    )
