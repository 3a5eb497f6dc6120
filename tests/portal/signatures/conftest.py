"""What the signature tests share: certificates made on the spot (a CA, a leaf, an expired
CA) for the trust-root uploads, a person's certificate identity in any state, and the
office's page."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portal.accounts.models import Province, User
from portal.signatures.models import CertificateIdentity, IdentityState

PAGE = "/chu-ky-so/"


def province_page(province: Province) -> str:
    return f"{PAGE}tinh/{province.code}/"


def certificate(
    name: str = "Ban Cơ yếu Chính phủ (thử nghiệm)",
    *,
    ca: bool = True,
    days: int = 3650,
    start_days_ago: int = 1,
    pem: bool = True,
) -> bytes:
    """A self-signed certificate (a CA unless `ca` is False), PEM or DER."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.now(UTC) - timedelta(days=start_days_ago)
    built = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    encoding = serialization.Encoding.PEM if pem else serialization.Encoding.DER
    return built.public_bytes(encoding)


def identity(
    user: User,
    *,
    name: str = "NGUYỄN VĂN AN",
    state: IdentityState = IdentityState.PENDING,
    fingerprint: str = "",
) -> CertificateIdentity:
    return CertificateIdentity.objects.create(
        user=user,
        fingerprint=fingerprint or hashlib.sha256(f"{user.pk}{name}".encode()).hexdigest(),
        name=name,
        subject=f"CN={name}",
        issuer="CN=Cục Chứng thực số và Bảo mật thông tin (thử nghiệm)",
        serial="1a2b",
        not_after=datetime(2028, 3, 31, tzinfo=UTC),
        state=state,
    )
