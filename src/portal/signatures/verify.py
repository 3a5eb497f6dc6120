"""Checking a signed PDF for the portal: `dti.signatures.verify_pdf` with the province's
trust roots, then what the portal knows and the core does not: whose certificate it is (a
confirmed `CertificateIdentity`), whether the PDF is of the snapshot expected, whether an
unchecked revocation is acceptable. A certificate nobody confirmed yet is claimed for the
person who signed with it, once: the office decides (docs/signatures.md)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction

from dti.signatures import PdfUnreadable, Signature, verify_pdf
from portal.accounts.models import Province, User
from portal.audit.services import audit_record
from portal.signatures import vocabulary as words
from portal.signatures.models import CertificateIdentity, IdentityState
from portal.signatures.selectors import (
    confirmed_owners,
    identities_of,
    identity_described,
    root_certificates,
    settings_of,
)
from portal.signatures.vocabulary import Verdict

logger = logging.getLogger(__name__)


def pdf_check(
    *,
    province: Province,
    data: bytes,
    signer: User | None = None,
    expected_hash: str | None = None,
) -> Verdict:
    """Verifies the PDF's signatures with the province's trust roots and settings.

    Without `signer` (evidence): ok when at least one signature is valid. With `signer`:
    one valid signature whose certificate is confirmed as his; a certificate nobody
    confirmed is claimed for him (the office is asked, once) and refused until then. With
    `expected_hash`: that signature carries it. Never raises on the file's content."""
    roots = root_certificates(province)
    try:
        found = verify_pdf(data, roots)
    except PdfUnreadable:
        return Verdict(ok=False, problems=(words.unreadable(),), readable=False)
    except Exception:  # a hostile file may still break the validator past the reader
        logger.warning("A PDF's signatures could not be verified", exc_info=True)
        return Verdict(ok=False, problems=(words.unreadable(),), readable=False)
    if not found:
        return Verdict(ok=False, problems=(words.unsigned(),))
    views = tuple(words.view_of(signature) for signature in found)
    accept_unchecked = settings_of(province).unchecked_revocation_ok
    problems = [text for s in found if not s.valid for text in words.failure_sentences(s)]
    valid = [s for s in found if s.valid]
    chosen = valid if signer is None else _own(valid, signer, province, problems)
    if expected_hash is not None and chosen:
        matching = [s for s in chosen if s.carried_hash == expected_hash]
        if not matching:
            problems.append(words.other_snapshot())
        chosen = matching
    warnings = [
        words.revocation_sentence(s, accepted=accept_unchecked)
        for s in chosen
        if not s.revocation_checked
    ]
    if not accept_unchecked:
        problems.extend(warnings)
        warnings = []
        chosen = [s for s in chosen if s.revocation_checked]
    if chosen:  # met: what is wrong with the other signatures is for reading, not refusing
        return Verdict(ok=True, warnings=(*warnings, *problems), signatures=views)
    return Verdict(ok=False, problems=tuple(problems), warnings=tuple(warnings), signatures=views)


def _own(
    valid: Sequence[Signature], signer: User, province: Province, problems: list[str]
) -> list[Signature]:
    """The valid signatures made with a certificate confirmed as `signer`'s; for each other
    valid one, the problem (another's certificate, refused, or not confirmed yet: claimed)."""
    fingerprints = {s.signer.fingerprint for s in valid}
    owners = confirmed_owners(fingerprints)
    claims = identities_of(signer, fingerprints)
    own = [s for s in valid if owners.get(s.signer.fingerprint) == signer]
    if own:
        return own
    person = str(signer)
    for signature in valid:
        fingerprint = signature.signer.fingerprint
        owner = owners.get(fingerprint)
        claim = claims.get(fingerprint)
        if owner is not None:
            problems.append(words.not_the_signer(person, str(owner)))
        elif claim is not None and claim.state in (IdentityState.REFUSED, IdentityState.REVOKED):
            problems.append(words.refused(person, signature.signer.name))
        else:
            identity_claim(user=signer, signature=signature, province=province)
            problems.append(words.not_confirmed(person, signature.signer.name))
    return []


def identity_claim(*, user: User, signature: Signature, province: Province) -> CertificateIdentity:
    """The person's claim of the signature's certificate: recorded (and audited) the first
    time, found again afterwards. Called inside the caller's transaction: a caller that
    rolls back its transaction rolls the claim back too."""
    signer = signature.signer
    with transaction.atomic():
        identity, created = CertificateIdentity.objects.get_or_create(
            user=user,
            fingerprint=signer.fingerprint,
            defaults={
                "name": signer.name[:300],
                "subject": signer.subject,
                "issuer": signer.issuer,
                "serial": signer.serial[:100],
                "not_after": signer.not_after,
            },
        )
        if created:
            audit_record(
                actor=user,
                entity="certificate_identity",
                action="claim",
                new=identity_described(identity),
                province=province,
                entity_id=identity.pk,
            )
    return identity
