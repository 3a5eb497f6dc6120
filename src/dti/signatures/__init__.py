"""PAdES signatures on PDF documents: verified against trust roots the caller gives, never
against anything fetched, and the portal's own documents signed with its organisation
certificate. Built on pyHanko and its certificate validator (docs/signatures.md).

Importing this package loads neither: what the engines answer and raise is in
dti.signatures.model, and `sign_pdf`, `verify_pdf` and `parse_root` load their engine when
first called, so a process that never signs or verifies a file (most of the portal's
requests) does not carry it (docs/deployment.md, "Memory")."""

from __future__ import annotations

from collections.abc import Sequence

from dti.signatures.model import (
    HASH_KEYWORD,
    Failure,
    PdfUnreadable,
    Root,
    RootInvalid,
    Signature,
    Signer,
    SigningError,
    hash_keywords,
)

__all__ = [
    "HASH_KEYWORD",
    "Failure",
    "PdfUnreadable",
    "Root",
    "RootInvalid",
    "Signature",
    "Signer",
    "SigningError",
    "hash_keywords",
    "parse_root",
    "sign_pdf",
    "verify_pdf",
]


def parse_root(data: bytes) -> Root:
    """dti.signatures.roots.parse_root: one CA certificate, PEM or DER."""
    from dti.signatures import roots

    return roots.parse_root(data)


def sign_pdf(
    data: bytes,
    *,
    pkcs12: bytes,
    passphrase: bytes | None,
    tsa_url: str | None = None,
    field_name: str = "DTI",
) -> bytes:
    """dti.signatures.sign.sign_pdf: `data` with one more PAdES signature."""
    from dti.signatures import sign

    return sign.sign_pdf(
        data, pkcs12=pkcs12, passphrase=passphrase, tsa_url=tsa_url, field_name=field_name
    )


def verify_pdf(data: bytes, roots: Sequence[bytes]) -> tuple[Signature, ...]:
    """dti.signatures.verify.verify_pdf: every signature of the PDF, verified against the
    DER certificates `roots`."""
    from dti.signatures import verify

    return verify.verify_pdf(data, roots)
