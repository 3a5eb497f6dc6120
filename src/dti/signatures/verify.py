"""Verifying the PAdES signatures of a PDF: each signature's integrity, what changed after
it, its certificate's chain to the caller's trust roots at the time of signing, revocation
from the data embedded in the file, and the hash the signed revision carries.

Nothing is fetched: the roots come from the caller (the office's configured roots), the
revocation data from the file's document security store. The signing time is the
timestamp token's when the signature has a valid one, else the time the signer's software
wrote, which is only a claim (docs/signatures.md says what that means)."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.generic import IndirectObject
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from dti.signatures.model import (
    HASH_KEYWORD,
    Failure,
    PdfUnreadable,
    Signature,
    Signer,
    hash_keywords,
)
from dti.signatures.roots import common_name

__all__ = [
    "HASH_KEYWORD",
    "Failure",
    "PdfUnreadable",
    "Signature",
    "Signer",
    "hash_keywords",
    "verify_pdf",
]

_CARRIED = re.compile(re.escape(HASH_KEYWORD) + r"([0-9a-f]{64})")

# What PAdES lets a signed document receive afterwards: nothing, the validation data of
# long-term signatures (DSS, document timestamps), and form filling with more signatures.
_ALLOWED_AFTER = frozenset(
    {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
)
_COVERED = frozenset({SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION})
_REVOKED = frozenset(
    {AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE}
)
_OUT_OF_TIME = frozenset(
    {
        AdESFailure.NOT_YET_VALID,
        AdESIndeterminate.EXPIRED,
        AdESIndeterminate.NOT_YET_VALID,
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    }
)
# Revocation: checked where a certificate declares where its status is published (a failure
# to find it tolerated), then, for the signer's certificate, required from the file itself.
_IF_DECLARED = CertRevTrustPolicy(
    RevocationCheckingPolicy.from_legacy("soft-fail"), retroactive_revinfo=True
)
_REQUIRED = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
    ),
    retroactive_revinfo=True,
)
# A signing certificate may say so by either bit: agencies' certificates carry both or one.
_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


def verify_pdf(data: bytes, roots: Sequence[bytes]) -> tuple[Signature, ...]:
    """Every signature of the PDF `data`, verified against the DER certificates `roots`;
    () when it has none. PdfUnreadable when it is not a readable PDF."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
        embedded = _embedded_revocation(reader)
    except Exception as error:  # a hostile file may break the reader anywhere
        raise PdfUnreadable(str(error) or type(error).__name__) from error
    trust = [x509.Certificate.load(der) for der in roots]
    return tuple(_verified(reader, signature, trust, embedded) for signature in signatures)


def _verified(
    reader: PdfFileReader,
    signature: EmbeddedPdfSignature,
    trust: list[x509.Certificate],
    embedded: dict[str, list[Any]],
) -> Signature:
    try:
        cert = signature.signer_cert
    except Exception as error:
        raise PdfUnreadable(f"signature {signature.field_name}: {error}") from error
    signer = _signer(cert)
    try:
        first = _status(signature, trust, embedded, moment=None, hard=False)
    except Exception:  # the CMS structure itself is broken: nothing more can be said
        return Signature(signature.field_name, signer, None, (Failure.BROKEN,), False, None)
    signed_at, timestamped = _signing_time(first, signature)
    status = _status(signature, trust, embedded, moment=signed_at, hard=False)
    failures = _failures(status, signer, signed_at)
    checked = False
    if not failures and (embedded["crls"] or embedded["ocsps"]):
        # Again, now requiring revocation data for the signer's certificate: it is found in
        # the file (checked), says the certificate was revoked, or is not there.
        strict = _status(signature, trust, embedded, moment=signed_at, hard=True)
        checked = bool(strict.trusted)
        if strict.revoked or strict.trust_problem_indic in _REVOKED:
            failures = (Failure.REVOKED,)
    return Signature(
        field=signature.field_name,
        signer=signer,
        signed_at=signed_at,
        failures=failures,
        revocation_checked=checked,
        carried_hash=_carried_hash(reader, signature),
        timestamped=timestamped,
    )


def _status(
    signature: EmbeddedPdfSignature,
    trust: list[x509.Certificate],
    embedded: dict[str, list[Any]],
    *,
    moment: datetime | None,
    hard: bool,
) -> PdfSignatureStatus:
    context = ValidationContext(
        trust_roots=trust,
        other_certs=embedded["certs"],
        crls=embedded["crls"],
        ocsps=embedded["ocsps"],
        allow_fetching=False,
        revinfo_policy=_REQUIRED if hard else _IF_DECLARED,
        moment=moment,
    )
    return validate_pdf_signature(
        signature, signer_validation_context=context, key_usage_settings=_USAGE
    )


def _signing_time(
    status: PdfSignatureStatus, signature: EmbeddedPdfSignature
) -> tuple[datetime | None, bool]:
    stamp = status.timestamp_validity
    if stamp is not None and stamp.intact and stamp.valid:
        return stamp.timestamp, True
    claimed = status.signer_reported_dt or signature.self_reported_timestamp
    return claimed, False


def _failures(
    status: PdfSignatureStatus, signer: Signer, signed_at: datetime | None
) -> tuple[Failure, ...]:
    if not (status.intact and status.valid):
        return (Failure.BROKEN,)
    failures: list[Failure] = []
    if (
        status.coverage not in _COVERED
        or status.modification_level not in _ALLOWED_AFTER
        or status.docmdp_ok is False
    ):
        failures.append(Failure.MODIFIED)
    when = signed_at or datetime.now(UTC)
    indication = status.trust_problem_indic
    if status.revoked or indication in _REVOKED:
        failures.append(Failure.REVOKED)
    elif not signer.not_before <= when <= signer.not_after or indication in _OUT_OF_TIME:
        failures.append(Failure.EXPIRED)
    elif not status.trusted:
        failures.append(Failure.UNTRUSTED)
    return tuple(failures)


def _signer(cert: x509.Certificate) -> Signer:
    return Signer(
        name=common_name(cert),
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "x"),
        fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
    )


def _embedded_revocation(reader: PdfFileReader) -> dict[str, list[Any]]:
    """The certificates, CRLs and OCSP responses of the file's document security store."""
    try:
        store = DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS (the common case), or one that cannot be read: none used
        return {"certs": [], "crls": [], "ocsps": []}
    return {
        "certs": list(store.load_certs()),
        "crls": [
            asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL))
            for ref in store.crls
        ],
        "ocsps": [
            asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
            for ref in store.ocsps
        ],
    }


def _carried_hash(reader: PdfFileReader, signature: EmbeddedPdfSignature) -> str | None:
    """The hash in the /Keywords of the revision the signature signed: a later incremental
    update cannot change what the signer saw."""
    try:
        revision = reader.get_historical_resolver(signature.signed_revision)
        info = revision.trailer_view.raw_get("/Info")
        if isinstance(info, IndirectObject):  # resolved in that revision, not the latest
            info = revision.get_object(info.reference)
        keywords = info.raw_get("/Keywords")
        if isinstance(keywords, IndirectObject):
            keywords = revision.get_object(keywords.reference)
    except Exception:  # no /Info, no /Keywords, or not readable: nothing carried
        return None
    found = _CARRIED.search(str(keywords))
    return found.group(1) if found else None
