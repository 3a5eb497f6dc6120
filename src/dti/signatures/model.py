"""What the signatures' engines answer and raise, apart from the engines themselves: the
portal names these on every page that shows a signature, while pyHanko and its certificate
validator (some 45 MB of a process's memory) are loaded only by the module that signs or
verifies a file (dti.signatures.sign, dti.signatures.verify, dti.signatures.roots)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

HASH_KEYWORD = "dti-sha256:"


class SigningError(ValueError):
    """The key file cannot be used, or the PDF cannot be signed (English, technical)."""


class RootInvalid(ValueError):
    """Not a CA certificate this module can use; the message says why (English, technical)."""


@dataclass(frozen=True)
class Root:
    der: bytes
    name: str  # the common name, or the whole subject when it has none
    subject: str
    fingerprint: str  # SHA-256 of the DER, hex
    not_before: datetime
    not_after: datetime


def hash_keywords(sha256: str) -> str:
    """The /Keywords a document carries to name the data it was made from."""
    return f"{HASH_KEYWORD}{sha256}"


class PdfUnreadable(ValueError):
    """Not a PDF that can be read; the message is the reader's (English, technical)."""


class Failure(StrEnum):
    BROKEN = "broken"  # the signed bytes or the signature itself do not verify
    MODIFIED = "modified"  # changed after signing beyond what PAdES allows
    UNTRUSTED = "untrusted"  # the certificate does not chain to any of the roots given
    EXPIRED = "expired"  # the certificate was not valid at the time of signing
    REVOKED = "revoked"  # the embedded revocation data say the certificate was revoked


@dataclass(frozen=True)
class Signer:
    name: str
    subject: str
    issuer: str
    serial: str  # hex
    fingerprint: str  # SHA-256 of the certificate's DER, hex
    not_before: datetime
    not_after: datetime


@dataclass(frozen=True)
class Signature:
    field: str
    signer: Signer
    signed_at: datetime | None
    failures: tuple[Failure, ...]
    revocation_checked: bool
    carried_hash: str | None  # the hash the signed revision's /Keywords carry
    timestamped: bool = False  # signed_at from a verified timestamp token

    @property
    def valid(self) -> bool:
        return not self.failures
