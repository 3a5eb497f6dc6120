"""The portal's own PDFs signed with the organisation's PKCS#12 file when one is set, and
a key file that cannot sign found by the system check at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dti.signatures import SigningError, verify_pdf
from portal.signatures.checks import blank_pdf, signing_key_usable
from portal.signatures.exports import signed_by_portal
from tests.signing import Pki, pdf, timestamp_authority


@pytest.fixture
def key_file(pki: Pki, tmp_path: Path, settings: Any) -> Path:
    office = pki.person("Sở Khoa học và Công nghệ tỉnh Thử nghiệm")
    path = tmp_path / "portal.p12"
    path.write_bytes(office.pkcs12(b"bi mat"))
    (tmp_path / "passphrase").write_text("bi mat\n")
    settings.DTI_SIGNING_PKCS12 = str(path)
    settings.DTI_SIGNING_PASSPHRASE_FILE = str(tmp_path / "passphrase")
    settings.DTI_SIGNING_TSA_URL = ""
    return path


def test_without_a_certificate_the_pdf_is_unchanged(settings: Any) -> None:
    settings.DTI_SIGNING_PKCS12 = ""
    assert signed_by_portal(pdf()) == pdf()
    assert signing_key_usable() == []


def test_with_one_the_pdf_is_signed_and_verifies(pki: Pki, key_file: Path) -> None:
    (signature,) = verify_pdf(signed_by_portal(pdf()), [pki.root_der])
    assert signature.valid
    assert signature.signer.name == "Sở Khoa học và Công nghệ tỉnh Thử nghiệm"
    assert signing_key_usable() == []


def test_with_a_timestamp_authority_the_signature_is_timestamped(
    pki: Pki, key_file: Path, settings: Any
) -> None:
    with timestamp_authority(pki) as url:
        settings.DTI_SIGNING_TSA_URL = url
        (signature,) = verify_pdf(signed_by_portal(pdf()), [pki.root_der])
    assert signature.valid and signature.timestamped


def test_a_key_file_that_cannot_sign_stops_the_start(
    key_file: Path, settings: Any, tmp_path: Path
) -> None:
    (tmp_path / "passphrase").write_text("sai\n")
    (error,) = signing_key_usable()
    assert error.id == "signatures.E001" and "cannot sign" in error.msg
    with pytest.raises(SigningError):
        signed_by_portal(pdf())
    settings.DTI_SIGNING_PKCS12 = str(tmp_path / "missing.p12")
    (error,) = signing_key_usable()
    assert "missing.p12" in error.msg


def test_the_check_s_blank_page_is_a_pdf_that_can_be_signed(pki: Pki, key_file: Path) -> None:
    (signature,) = verify_pdf(signed_by_portal(blank_pdf()), [pki.root_der])
    assert signature.valid
