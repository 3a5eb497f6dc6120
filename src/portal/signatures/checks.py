"""System check: a signing certificate that is configured can be used (read, opened with
its passphrase, able to sign a page), so a broken key file is found when the portal starts,
not when a citizen downloads a report. The timestamp authority is not called here: a
command run offline must still start."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error

from dti.signatures import SigningError, sign_pdf
from portal.signatures.exports import signing_configured, signing_key


def signing_key_usable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not signing_configured():
        return []
    try:
        pkcs12, passphrase = signing_key()
        sign_pdf(blank_pdf(), pkcs12=pkcs12, passphrase=passphrase)
    except SigningError as error:
        return [
            Error(
                f"DTI_SIGNING_PKCS12 cannot sign: {error}",
                hint="Check the file and DTI_SIGNING_PASSPHRASE_FILE (docs/signatures.md), "
                "or leave DTI_SIGNING_PKCS12 empty.",
                id="signatures.E001",
            )
        ]
    return []


def blank_pdf() -> bytes:
    """The smallest well-formed PDF: one empty A4 page, its cross-reference table exact."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
