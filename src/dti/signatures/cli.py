"""`dti signature verify FILE --root ROOT…`: a PDF's signatures verified outside the portal,
against roots the user names, as the portal verifies them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dti.signatures.roots import RootInvalid, parse_root
from dti.signatures.verify import Failure, PdfUnreadable, verify_pdf

FAILURES = {
    Failure.BROKEN: "the signed bytes do not match the signature",
    Failure.MODIFIED: "the document was changed after signing beyond what PAdES allows",
    Failure.UNTRUSTED: "the certificate does not chain to any of the roots given",
    Failure.EXPIRED: "the certificate was not valid at the time of signing",
    Failure.REVOKED: "the certificate was revoked (revocation data in the file)",
}


@click.group()
def signature() -> None:
    """PAdES signatures on PDF documents."""


@signature.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--root",
    "roots",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A trusted root certificate (PEM or DER); repeat for several.",
)
def verify_command(file: Path, roots: tuple[Path, ...]) -> None:
    """Verify every signature of FILE; exit 1 unless there is one and all are valid."""
    try:
        trusted = [parse_root(path.read_bytes()).der for path in roots]
        signatures = verify_pdf(file.read_bytes(), trusted)
    except (RootInvalid, PdfUnreadable) as error:
        raise click.ClickException(str(error)) from error
    if not signatures:
        click.echo(f"{file}: no signature")
        sys.exit(1)
    for found in signatures:
        when = found.signed_at.isoformat() if found.signed_at else "time unknown"
        click.echo(f"{found.field}: {found.signer.name} ({found.signer.issuer}), {when}")
        for failure in found.failures:
            click.echo(f"  FAILED: {FAILURES[failure]}")
        if found.valid:
            checked = "checked" if found.revocation_checked else "not checked (no data in file)"
            click.echo(f"  valid; revocation {checked}")
        if found.carried_hash:
            click.echo(f"  carries SHA-256 {found.carried_hash}")
    sys.exit(0 if all(found.valid for found in signatures) else 1)
