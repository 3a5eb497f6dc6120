"""Signing the portal's own PDFs with the organisation's certificate (a PKCS#12 file kept
outside the database, by setting), with a timestamp when a timestamp authority is set."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper

from dti.signatures.model import SigningError

__all__ = ["SigningError", "sign_pdf"]


def sign_pdf(
    data: bytes,
    *,
    pkcs12: bytes,
    passphrase: bytes | None,
    tsa_url: str | None = None,
    field_name: str = "DTI",
) -> bytes:
    """`data` with one more PAdES signature (B-B, or B-T with `tsa_url`)."""
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, (), passphrase=passphrase)
    except Exception as error:
        raise SigningError(f"the PKCS#12 file cannot be opened: {error}") from error
    if signer is None:
        raise SigningError("the PKCS#12 file cannot be opened (wrong passphrase?)")
    timestamper = HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = signers.sign_pdf(writer, metadata, signer=signer, timestamper=timestamper)
    except Exception as error:
        raise SigningError(f"the PDF cannot be signed: {error}") from error
    return bytes(out.getvalue())
