"""Verifying PAdES signatures (dti.signatures) against a throwaway PKI: a good signature
passes, and each way a signature can fail is named."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyhanko.pdf_utils.generic import NameObject, NumberObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from dti.cli import main
from dti.signatures import (
    Failure,
    PdfUnreadable,
    RootInvalid,
    SigningError,
    hash_keywords,
    parse_root,
    sign_pdf,
    verify_pdf,
)
from tests.signing import Pki, pdf, timestamp_authority

HASH = "ab" * 32
OTHER = "cd" * 32


@pytest.fixture(scope="module")
def signed(pki: Pki) -> bytes:
    return pki.sign(pdf(hash_keywords(HASH)), pki.person("Nguyễn Thị Ánh Hồng"))


def test_a_good_signature_passes_and_names_its_signer(pki: Pki, signed: bytes) -> None:
    (signature,) = verify_pdf(signed, [pki.root_der])
    assert signature.valid, signature.failures
    assert signature.signer.name == "Nguyễn Thị Ánh Hồng"
    assert "Cơ quan chứng thực thử nghiệm - cấp 2" in signature.signer.issuer
    assert signature.carried_hash == HASH
    assert signature.signed_at is not None and not signature.timestamped
    assert not signature.revocation_checked  # the file carries no revocation data


def test_an_unsigned_pdf_has_no_signature(pki: Pki) -> None:
    assert verify_pdf(pdf(hash_keywords(HASH)), [pki.root_der]) == ()


def test_a_byte_changed_after_signing_breaks_the_signature(pki: Pki, signed: bytes) -> None:
    at = signed.index(b"/Keywords") - 40  # inside the signed bytes, not the signature's own
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    (signature,) = verify_pdf(tampered, [pki.root_der])
    assert signature.failures == (Failure.BROKEN,)


def test_an_incremental_update_that_changes_content_is_named(pki: Pki, signed: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    info = writer.trailer["/Info"].get_object()
    info[NameObject("/Keywords")] = TextStringObject(hash_keywords(OTHER))
    writer.update_container(info)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page[NameObject("/Rotate")] = NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    (signature,) = verify_pdf(out.getvalue(), [pki.root_der])
    assert Failure.MODIFIED in signature.failures
    assert signature.carried_hash == HASH  # what the signer saw, not the later update


def test_an_expired_certificate_is_named(pki: Pki) -> None:
    late = pki.sign(pdf(hash_keywords(HASH)), pki.expired("Trần Văn Bình"))
    (signature,) = verify_pdf(late, [pki.root_der])
    assert signature.failures == (Failure.EXPIRED,)


def test_a_certificate_from_an_unknown_root_is_untrusted(pki: Pki) -> None:
    foreign = pki.sign(pdf(hash_keywords(HASH)), pki.stranger("Lê Văn Cường"))
    (signature,) = verify_pdf(foreign, [pki.root_der])
    assert signature.failures == (Failure.UNTRUSTED,)
    (signature,) = verify_pdf(foreign, [])  # no roots configured: nothing is trusted
    assert signature.failures == (Failure.UNTRUSTED,)


def test_embedded_revocation_data_are_used(pki: Pki) -> None:
    good = pki.with_revocation_data(pki.sign(pdf("tốt"), pki.person("Phạm Thị Dung")))
    (signature,) = verify_pdf(good, [pki.root_der])
    assert signature.valid and signature.revocation_checked
    revoked = pki.revoked("Đỗ Văn Em")
    bad = pki.with_revocation_data(pki.sign(pdf("thu hồi"), revoked))
    (signature,) = verify_pdf(bad, [pki.root_der])
    assert signature.failures == (Failure.REVOKED,)


def test_two_signatures_are_each_verified(pki: Pki, signed: bytes) -> None:
    both = pki.sign(signed, pki.stranger("Hoàng Văn Giang"), field_name="Signature2")
    first, second = verify_pdf(both, [pki.root_der])
    assert first.valid and first.signer.name == "Nguyễn Thị Ánh Hồng"
    assert second.failures == (Failure.UNTRUSTED,)


@pytest.mark.parametrize(
    "data", [b"", b"not a pdf", b"%PDF-1.7\n" + b"\x00" * 500, b"%PDF-1.4\n1 0 obj <<"]
)
def test_what_is_not_a_pdf_is_unreadable(pki: Pki, data: bytes) -> None:
    with pytest.raises(PdfUnreadable):
        verify_pdf(data, [pki.root_der])


def test_a_root_is_read_from_pem_or_der_and_must_be_an_authority(pki: Pki) -> None:
    assert parse_root(pki.root_pem) == parse_root(pki.root_der)
    assert parse_root(pki.root_der).name == "Cơ quan chứng thực thử nghiệm"
    with pytest.raises(RootInvalid, match="certification authority"):
        parse_root(pki.person("Vũ Thị Hạnh").der)
    for junk in (
        b"",
        b"-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n",
        b"x" * 70_000,
    ):
        with pytest.raises(RootInvalid):
            parse_root(junk)


def test_the_portal_signs_its_own_pdf_with_a_pkcs12_file(pki: Pki) -> None:
    office = pki.person("Sở Thông tin và Truyền thông tỉnh Thử nghiệm")
    stamped = sign_pdf(pdf(hash_keywords(HASH)), pkcs12=office.pkcs12(b"mk"), passphrase=b"mk")
    (signature,) = verify_pdf(stamped, [pki.root_der])
    assert signature.valid and signature.carried_hash == HASH
    with pytest.raises(SigningError):
        sign_pdf(pdf(), pkcs12=office.pkcs12(b"mk"), passphrase=b"sai")


def test_with_a_timestamp_authority_the_signing_time_is_the_authority_s(pki: Pki) -> None:
    office = pki.person("Văn phòng UBND tỉnh Thử nghiệm")
    with timestamp_authority(pki) as url:
        stamped = sign_pdf(pdf(), pkcs12=office.pkcs12(b"mk"), passphrase=b"mk", tsa_url=url)
    (signature,) = verify_pdf(stamped, [pki.root_der])
    assert signature.valid and signature.timestamped


def test_the_command_line_verifies_against_the_roots_it_is_given(
    pki: Pki, signed: bytes, tmp_path: Path
) -> None:
    (tmp_path / "root.pem").write_bytes(pki.root_pem)
    (tmp_path / "signed.pdf").write_bytes(signed)
    (tmp_path / "plain.pdf").write_bytes(pdf())
    run = CliRunner().invoke
    ok = run(
        main,
        ["signature", "verify", str(tmp_path / "signed.pdf"), "--root", str(tmp_path / "root.pem")],
    )
    assert ok.exit_code == 0, ok.output
    assert "Nguyễn Thị Ánh Hồng" in ok.output and "valid" in ok.output and HASH in ok.output
    untrusted = run(main, ["signature", "verify", str(tmp_path / "signed.pdf")])
    assert untrusted.exit_code == 1 and "does not chain" in untrusted.output
    unsigned = run(main, ["signature", "verify", str(tmp_path / "plain.pdf")])
    assert unsigned.exit_code == 1 and "no signature" in unsigned.output
    junk = run(main, ["signature", "verify", str(tmp_path / "root.pem")])
    assert junk.exit_code == 1 and "Error" in junk.output
