"""The signed official report: the office uploads the PDF of a published version's report,
signed by one of the province's office admins or leaders with his own tools, and names who
signed it; it is verified and kept (SignedReport), and the public downloads it instead of
the PDF the portal made.

Verified by portal.signatures.services.pdf_check(signer=<the person named>,
expected_hash=<the version's digest>) with the province's trust roots: intact, unchanged
since signing, a certificate chaining to a root the office configured, valid when it
signed, not revoked (or revocation unchecked where the province accepts it), the PDF
carrying the version's hash (report.report_keywords) so a signed copy of another version is
refused, and the certificate confirmed by the office as that person's.

Why the office names the signer: pdf_check binds a signature to one person, and a report
may be signed by any of several. Matching the signatures' fingerprints against every
confirmed identity of the office and leadership would work only for certificates already
confirmed, and a leader never signs a submission, so his certificate would never be
claimed; asking pdf_check once per person would verify the file once per person and claim
the certificate for each of them. Named, the file is verified once, and a certificate nobody
confirmed yet is claimed for that person (the office confirms it on /chu-ky-so/, then
uploads again), as for a unit head's submission.

A refusal names each check that failed and keeps nothing (the claim excepted); it is in the
audit trail with the file's hash, as is every upload and replacement (the replaced file by
its hash)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.accounts.permissions import roles_in
from portal.audit.services import audit_record
from portal.campaigns.services import record
from portal.publication.models import SignedReport, Version
from portal.publication.report import report_name
from portal.roles import Role
from portal.signatures.models import CertificateIdentity, IdentityState
from portal.signatures.services import SignatureView, Verdict, pdf_check
from portal.signatures.vocabulary import STATUS_LABELS, VALID

SIGNERS = (Role.OFFICE_ADMIN, Role.LEADERSHIP)  # whose signature makes the report official


def status_label(status: str) -> str:
    """The verification's status in words ("Hợp lệ", or the check that failed)."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else gettext("Chưa rõ")


def signers_of(province_id: int) -> QuerySet[User]:
    """Who may sign the province's official report: its office admins and leaders."""
    return (
        User.objects.filter(
            memberships__province_id=province_id, memberships__role__in=SIGNERS, is_active=True
        )
        .distinct()
        .order_by("full_name", "pk")
    )


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


def signed_report_check(*, version: Version, data: bytes, signer: User) -> Checked:
    """Verifies the PDF for the version, signed by `signer`."""
    campaign = version.campaign
    if len(data) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        return Checked(None, (gettext("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit},), ())
    if not signers_of(campaign.province_id).filter(pk=signer.pk).exists():
        problem = gettext(
            "%(name)s không phải là quản trị Sở chủ trì hay lãnh đạo tỉnh: báo cáo chính thức "
            "do một trong những người này ký."
        ) % {"name": signer}
        return Checked(None, (problem,), ())
    verdict: Verdict = pdf_check(
        province=campaign.province, data=data, signer=signer, expected_hash=version.digest
    )
    if not verdict.ok:
        return Checked(None, verdict.problems, verdict.warnings)
    return Checked(_own(verdict, signer), (), verdict.warnings)


def _own(verdict: Verdict, signer: User) -> SignatureView:
    """The valid signature made with a certificate confirmed as the signer's (pdf_check
    found one: it is ok)."""
    valid = {view.fingerprint: view for view in verdict.signatures if view.status == VALID}
    confirmed = CertificateIdentity.objects.filter(
        user=signer, state=IdentityState.CONFIRMED, fingerprint__in=list(valid)
    ).values_list("fingerprint", flat=True)
    return next(valid[fingerprint] for fingerprint in confirmed)


def signed_report_upload(
    *, version: Version, user: User, signer: User, data: bytes, replace: bool = False
) -> SignedReport:
    """Keeps the signed PDF of a published version, signed by `signer`, once it verifies;
    replaces the one kept only when `replace` (the office confirmed). ValidationError
    naming each failed check otherwise, nothing kept."""
    campaign = version.campaign
    if Role.OFFICE_ADMIN not in roles_in(user, campaign.province_id):
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì tải lên báo cáo đã ký số."))
    if not version.is_public:
        raise ValidationError(gettext("Phiên bản này chưa được công bố."))
    if not replace and SignedReport.objects.filter(version=version).exists():
        raise ValidationError(_ask_to_replace())
    sha256 = hashlib.sha256(data).hexdigest()
    checked = signed_report_check(version=version, data=data, signer=signer)
    if checked.signature is None:
        # Written though nothing is kept: audit_record is a transaction of its own.
        audit_record(
            actor=user,
            entity="signed_report",
            action="refuse",
            new={"sha256": sha256, "size": len(data), "signer": str(signer)},
            reason=" ".join(checked.problems),
            campaign=campaign,
            entity_id=version.pk,
        )
        raise ValidationError(list(checked.problems))
    return _kept(version, user, data, sha256, checked.signature, replace=replace)


def _ask_to_replace() -> str:
    return gettext("Phiên bản này đã có báo cáo đã ký số: hãy xác nhận để thay bằng tệp mới.")


@transaction.atomic
def _kept(
    version: Version,
    user: User,
    data: bytes,
    sha256: str,
    signature: SignatureView,
    *,
    replace: bool,
) -> SignedReport:
    """Decided on the version locked: another upload that came first is replaced only when
    the office asked to replace."""
    locked = Version.objects.select_for_update().get(pk=version.pk)
    old = SignedReport.objects.filter(version=locked).first()
    if old is not None and not replace:
        raise ValidationError(_ask_to_replace())
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
