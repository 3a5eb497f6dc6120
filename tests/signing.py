"""A throwaway public-key infrastructure for the signature tests: a root and an intermediate
authority, people's certificates with Vietnamese names (one expired, one from a root nobody
configured), PDFs made with WeasyPrint and signed with pyHanko as a unit head's tools would."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Thử nghiệm DTI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


@dataclass(frozen=True)
class Person:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # the intermediate(s) a signer's software embeds

    @property
    def der(self) -> bytes:
        return _der(self.cert)

    @property
    def fingerprint(self) -> str:
        return self.cert.fingerprint(hashes.SHA256()).hex()

    def pkcs12(self, passphrase: bytes) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"dti",
            self.key,
            self.cert,
            list(self.chain),
            serialization.BestAvailableEncryption(passphrase),
        )


def _certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: Authority | None,
    *,
    ca: bool,
    valid: tuple[datetime, datetime],
) -> x509.Certificate:
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    usage.update(
        {"key_cert_sign": True, "crl_sign": True}
        if ca
        else {"digital_signature": True, "content_commitment": True}
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
    )
    return builder.sign(issuer.key if issuer else key, hashes.SHA256())


class Pki:
    def __init__(self, root_name: str = "Cơ quan chứng thực thử nghiệm") -> None:
        now = datetime.now(UTC)
        self.now = now
        self._years = (now - timedelta(days=365), now + timedelta(days=3650))
        root_key = ec.generate_private_key(ec.SECP256R1())
        root = _certificate(_name(root_name), root_key, None, ca=True, valid=self._years)
        self.root = Authority(root_key, root)
        key = ec.generate_private_key(ec.SECP256R1())
        middle = _certificate(
            _name(f"{root_name} - cấp 2"), key, self.root, ca=True, valid=self._years
        )
        self.intermediate = Authority(key, middle)
        self._revoked: list[x509.Certificate] = []

    @property
    def root_der(self) -> bytes:
        return _der(self.root.cert)

    @property
    def root_pem(self) -> bytes:
        return self.root.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def intermediate_der(self) -> bytes:
        return _der(self.intermediate.cert)

    def person(self, name: str, *, valid: tuple[datetime, datetime] | None = None) -> Person:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(
            _name(name), key, self.intermediate, ca=False, valid=valid or self._years
        )
        return Person(name, key, cert, (self.intermediate.cert,))

    def expired(self, name: str) -> Person:
        """Valid for a month that ended a year ago: signing with it today is too late."""
        start = self.now - timedelta(days=400)
        return self.person(name, valid=(start, start + timedelta(days=30)))

    def stranger(self, name: str) -> Person:
        """A certificate from a root no office configured."""
        return Pki("Cơ quan chứng thực lạ").person(name)

    def revoked(self, name: str) -> Person:
        person = self.person(name)
        self._revoked.append(person.cert)
        return person

    def crl(self) -> bytes:
        """The intermediate's revocation list, with every certificate `revoked` made."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.intermediate.cert.subject)
            .last_update(self.now - timedelta(days=1))
            .next_update(self.now + timedelta(days=30))
        )
        for cert in self._revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cert.serial_number)
                .revocation_date(self.now - timedelta(hours=1))
                .build()
            )
        revocations = builder.sign(self.intermediate.key, hashes.SHA256())
        return revocations.public_bytes(serialization.Encoding.DER)

    def sign(self, data: bytes, person: Person, *, field_name: str = "Signature1") -> bytes:
        """`data` signed by `person`, as a unit head's signing software would (PAdES B-B)."""
        signer = signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(person.der),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                person.key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs(
                [asn1_x509.Certificate.load(_der(cert)) for cert in person.chain]
            ),
        )
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        return signers.sign_pdf(writer, metadata, signer=signer).getvalue()

    def with_revocation_data(self, signed: bytes) -> bytes:
        """`signed` with the chain and the intermediate's CRL in its document security
        store, as long-term (PAdES B-LT) signing software adds them."""
        out = io.BytesIO(signed)
        DocumentSecurityStore.add_dss(
            out,
            None,
            certs=[asn1_x509.Certificate.load(self.intermediate_der)],
            crls=[asn1_crl.CertificateList.load(self.crl())],
            strict=False,
        )
        return out.getvalue()


@contextmanager
def timestamp_authority(pki: Pki) -> Iterator[str]:
    """An RFC 3161 timestamp authority on 127.0.0.1 for the duration of the block, its
    certificate issued by `pki`'s intermediate; yields its URL. (An RSA key: pyHanko's
    test authority signs with RSA only.)"""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("Dịch vụ cấp dấu thời gian thử nghiệm"))
        .issuer_name(pki.intermediate.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.now - timedelta(days=1))
        .not_valid_after(pki.now + timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    )
    cert = builder.sign(pki.intermediate.key, hashes.SHA256())
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(_der(cert)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(pki.intermediate_der)]
        ),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@cache
def pdf(keywords: str = "", text: str = "Tài liệu thử nghiệm") -> bytes:
    """A one-page PDF with `text` and `keywords` in its /Keywords."""
    from html import escape

    from weasyprint import HTML

    html = (
        f'<html lang="vi"><head><meta charset="utf-8"><title>Thử nghiệm</title>'
        f'<meta name="keywords" content="{escape(keywords)}"></head>'
        f"<body><p>{escape(text)}</p></body></html>"
    )
    return bytes(HTML(string=html).write_pdf())
