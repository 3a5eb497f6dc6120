"""The portal's own PDFs signed with the organisation's certificate, when the deployment
sets one (DTI_SIGNING_PKCS12, docs/signatures.md): a reader can then check with any PDF
reader that the file came from the portal unchanged. The key file stays outside the
database; the system check `signatures.E001` refuses to start with one that cannot be used."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from dti.signatures import SigningError, sign_pdf


def signing_configured() -> bool:
    return bool(settings.DTI_SIGNING_PKCS12)


def signed_by_portal(data: bytes) -> bytes:
    """`data` signed by the portal's certificate (and timestamped when an authority is
    set); unchanged when no certificate is configured. SigningError when it is and cannot
    be used (the system check says so at start)."""
    if not signing_configured():
        return data
    pkcs12, passphrase = signing_key()
    return sign_pdf(
        data,
        pkcs12=pkcs12,
        passphrase=passphrase,
        tsa_url=settings.DTI_SIGNING_TSA_URL or None,
        field_name="DTI",
    )


def signing_key() -> tuple[bytes, bytes | None]:
    """The PKCS#12 file's bytes and its passphrase (None without a passphrase file)."""
    try:
        pkcs12 = Path(settings.DTI_SIGNING_PKCS12).read_bytes()
        passphrase_file = settings.DTI_SIGNING_PASSPHRASE_FILE
        passphrase = Path(passphrase_file).read_bytes().strip() if passphrase_file else None
    except OSError as error:
        raise SigningError(f"{error.filename}: {error.strerror}") from error
    return pkcs12, passphrase
