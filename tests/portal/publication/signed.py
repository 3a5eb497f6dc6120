"""What the signed report's tests share: a province trusting the test PKI's root, a
certificate confirmed as a person's, and a small PDF carrying a version's hash."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dti.signatures import parse_root
from portal.accounts.models import Province, User
from portal.publication.models import Version
from portal.publication.report import report_keywords
from portal.signatures.models import CertificateIdentity, IdentityState, TrustRoot
from tests.signing import pdf


def trusted(province: Province, pki: Any, by: User) -> TrustRoot:
    """The test PKI's root, uploaded by the office as a trust root of the province."""
    root = parse_root(pki.root_der)
    return TrustRoot.objects.create(
        province=province,
        name=root.name,
        der=root.der,
        fingerprint=root.fingerprint,
        subject=root.subject,
        not_after=root.not_after,
        added_by=by,
        added_at=timezone.now(),
    )


def confirmed(user: User, person: Any, by: User) -> CertificateIdentity:
    """The certificate recorded on the person's profile and confirmed by the office."""
    now = timezone.now()
    return CertificateIdentity.objects.create(
        user=user,
        fingerprint=person.fingerprint,
        name=user.full_name,
        subject=f"CN={user.full_name}",
        issuer="CN=Gốc thử nghiệm",
        serial="01",
        state=IdentityState.CONFIRMED,
        decided_by=by,
        decided_at=now,
    )


def report_pdf(version: Version, text: str = "Báo cáo kết quả DTI") -> bytes:
    """A small PDF carrying the version's hash as the report does (the real report is
    made by LibreOffice: test_the_report_the_portal_makes_is_the_one_to_sign)."""
    return pdf(keywords=report_keywords(version), text=text)
