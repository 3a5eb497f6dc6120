"""The signed official report: the office uploads the PDF of a published version's report,
signed by the province's leadership or the office with their own tools; it is verified and
kept (SignedReport), and the public downloads it instead of the PDF the portal made.

Verified by portal.signatures.services.pdf_check with the province's trust roots: intact,
unchanged since signing, a certificate chaining to a root the office configured, valid when
it signed, not revoked (or revocation unchecked where the province accepts it), and the PDF
carrying the version's hash (report.report_keywords), so a signed copy of another version is
refused. The signer must be a person with a certificate identity the office confirmed who is
the province's office admin or leadership.

Why not pdf_check(signer=...): it binds a signature to one user (the approver of a
submission). The report may be signed by any of several people, and asking once per person
would verify the PDF once per person and record a pending claim of the certificate against
each. The PDF is verified once, and its valid signatures' certificates are matched against
the confirmed identities of those people in one query.

A refusal names the check that failed and keeps nothing; it is in the audit trail with the
file's hash, as is every upload and replacement (the replaced file by its hash)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from portal.accounts.models import User
from portal.accounts.permissions import roles_in
from portal.audit.services import audit_record
from portal.campaigns.services import record
from portal.publication.models import SignedReport, Version
from portal.publication.report import report_name
from portal.roles import Role
from portal.signatures.models import CertificateIdentity
from portal.signatures.services import SignatureView, Verdict, pdf_check

SIGNERS = (Role.OFFICE_ADMIN, Role.LEADERSHIP)  # whose signature makes the report official
CONFIRMED = "confirmed"  # CertificateIdentity.state of a certificate the office confirmed
VALID = "valid"

# The verification's status as a visitor reads it (SignatureView.status).
STATUS_LABELS = {
    "valid": gettext_lazy("hợp lệ"),
    "broken": gettext_lazy("chữ ký bị hỏng"),
    "modified": gettext_lazy("tài liệu bị thay đổi sau khi ký"),
    "untrusted": gettext_lazy("không rõ gốc tin cậy"),
    "expired": gettext_lazy("chứng thư đã hết hạn khi ký"),
    "revoked": gettext_lazy("chứng thư đã bị thu hồi"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, gettext_lazy("chưa rõ")))


def max_bytes() -> int:
    """The largest signed report accepted: as large as an evidence file may be."""
    return int(settings.EVIDENCE_MAX_BYTES)


@dataclass(frozen=True)
class Checked:
    """What the verification found: the signature that makes the report official (None
    when refused) and, when refused, why (each sentence names the check)."""

    signature: SignatureView | None
    problems: tuple[str, ...]
    warnings: tuple[str, ...]


def signed_report_check(*, version: Version, data: bytes) -> Checked:
    """Verifies the PDF for the version: pdf_check, then the signer's confirmed identity."""
    campaign = version.campaign
    if len(data) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        return Checked(None, (gettext("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit},), ())
    verdict: Verdict = pdf_check(
        province=campaign.province, data=data, expected_hash=version.digest
    )
    if not verdict.ok:
        return Checked(None, verdict.problems, verdict.warnings)
    signature = _official(verdict, campaign.province_id)
    if signature is None:
        problem = gettext(
            "Người ký không phải là quản trị Sở chủ trì hay lãnh đạo tỉnh có chứng thư số đã "
            "được Sở xác nhận: người ký cần đăng ký chứng thư số của mình và được Sở xác nhận "
            "trước."
        )
        return Checked(None, (problem,), verdict.warnings)
    return Checked(signature, (), verdict.warnings)


def _official(verdict: Verdict, province_id: int) -> SignatureView | None:
    """The first valid signature whose certificate the office confirmed as that of one of
    the province's office admins or leaders."""
    valid = [view for view in verdict.signatures if view.status == VALID]
    if not valid:
        return None
    known = set(
        CertificateIdentity.objects.filter(
            fingerprint__in=[view.fingerprint for view in valid],
            state=CONFIRMED,
            user__memberships__province_id=province_id,
            user__memberships__role__in=SIGNERS,
        ).values_list("fingerprint", flat=True)
    )
    return next((view for view in valid if view.fingerprint in known), None)


def signed_report_upload(
    *, version: Version, user: User, data: bytes, replace: bool = False
) -> SignedReport:
    """Keeps the signed PDF of a published version once it verifies; replaces the one kept
    only when `replace` (the office confirmed). ValidationError naming the failed check
    otherwise, nothing kept."""
    campaign = version.campaign
    if Role.OFFICE_ADMIN not in roles_in(user, campaign.province_id):
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì tải lên báo cáo đã ký số."))
    if not version.is_public:
        raise ValidationError(gettext("Phiên bản này chưa được công bố."))
    kept = SignedReport.objects.filter(version=version).first()
    if kept is not None and not replace:
        raise ValidationError(
            gettext("Phiên bản này đã có báo cáo đã ký số: hãy xác nhận để thay bằng tệp mới.")
        )
    sha256 = hashlib.sha256(data).hexdigest()
    checked = signed_report_check(version=version, data=data)
    if checked.signature is None:
        audit_record(
            actor=user,
            entity="signed_report",
            action="refuse",
            new={"sha256": sha256, "size": len(data)},
            reason=" ".join(checked.problems),
            campaign=campaign,
            entity_id=version.pk,
        )
        raise ValidationError(list(checked.problems))
    return _kept(version, user, data, sha256, checked.signature)


@transaction.atomic
def _kept(
    version: Version, user: User, data: bytes, sha256: str, signature: SignatureView
) -> SignedReport:
    locked = Version.objects.select_for_update().get(pk=version.pk)
    old = SignedReport.objects.filter(version=locked).first()
    if old is not None:
        old.delete()  # kept in the audit trail by its hash, below
    signed = SignedReport.objects.create(
        version=locked,
        name=report_name(locked, "pdf"),
        content=data,
        sha256=sha256,
        size=len(data),
        signer_name=signature.signer_name,
        signer_fingerprint=signature.fingerprint,
        signed_at=signature.signed_at,
        status=signature.status,
        revocation_checked=signature.revocation_checked,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    audit_record(
        actor=user,
        entity="signed_report",
        action="replace" if old is not None else "upload",
        old={"sha256": old.sha256, "signer": old.signer_name} if old is not None else None,
        new={
            "sha256": sha256,
            "signer": signature.signer_name,
            "fingerprint": signature.fingerprint,
            "signed_at": signature.signed_at.isoformat() if signature.signed_at else None,
            "revocation_checked": signature.revocation_checked,
        },
        campaign=locked.campaign,
        entity_id=locked.pk,
    )
    record(locked.campaign, "signed_report", user, f"phiên bản {locked.number}")
    return signed
