"""A trust root as an office uploads it: one CA certificate, PEM or DER."""

from __future__ import annotations

import hashlib

from asn1crypto import pem, x509

from dti.signatures.model import Root, RootInvalid

__all__ = ["ROOT_MAX_BYTES", "Root", "RootInvalid", "common_name", "parse_root"]

ROOT_MAX_BYTES = 64 * 1024  # a certificate is a few kilobytes; refused before parsing beyond


def parse_root(data: bytes) -> Root:
    if len(data) > ROOT_MAX_BYTES:
        raise RootInvalid(f"larger than {ROOT_MAX_BYTES} bytes")
    try:
        if pem.detect(data):
            kind, _headers, data = pem.unarmor(data)
            if kind != "CERTIFICATE":
                raise RootInvalid(f"PEM block {kind!r}, not a certificate")
        cert = x509.Certificate.load(data)
        cert.native  # noqa: B018 (parses every field: a truncated certificate fails here)
    except RootInvalid:
        raise
    except Exception as error:  # asn1crypto raises ValueError, TypeError, KeyError…
        raise RootInvalid(f"not a certificate: {error}") from error
    if not cert.ca:
        raise RootInvalid("not a certification authority's certificate")
    return Root(
        der=cert.dump(),
        name=common_name(cert),
        subject=cert.subject.human_friendly,
        fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
    )


def common_name(cert: x509.Certificate) -> str:
    name = cert.subject.native.get("common_name")
    if isinstance(name, list):  # several CN attributes: the last is the most specific
        name = name[-1]
    return str(name) if name else cert.subject.human_friendly
