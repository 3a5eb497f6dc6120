"""PAdES signatures on PDF documents: verified against trust roots the caller gives, never
against anything fetched, and the portal's own documents signed with its organisation
certificate. Built on pyHanko and its certificate validator (docs/signatures.md)."""

from dti.signatures.roots import Root, RootInvalid, parse_root
from dti.signatures.sign import SigningError, sign_pdf
from dti.signatures.verify import (
    HASH_KEYWORD,
    Failure,
    PdfUnreadable,
    Signature,
    Signer,
    hash_keywords,
    verify_pdf,
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
