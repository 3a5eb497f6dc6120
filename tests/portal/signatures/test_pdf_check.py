"""pdf_check against the throwaway PKI (tests/signing.py): a good signature passes, each
failed check is named in words, the signer must be the person whose certificate the office
confirmed (a new certificate is claimed for him once), the PDF must be of the snapshot
expected, and an unchecked revocation is a warning or a problem as the office decided."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.generic import NameObject, NumberObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from dti.signatures import hash_keywords
from portal.audit.models import AuditEntry
from portal.signatures.models import CertificateIdentity, IdentityState, SubmissionMode
from portal.signatures.services import (
    identity_confirm,
    pdf_check,
    signature_settings_save,
    trust_root_add,
)
from tests.signing import pdf

pytestmark = pytest.mark.django_db

HASH = "ab" * 32
OTHER = "cd" * 32


@pytest.fixture(scope="module")
def head(pki):  # type: ignore[no-untyped-def]
    """Minh's certificate (the approver of Sở Nội vụ in the cast)."""
    return pki.person("Trần Văn Minh")


@pytest.fixture(scope="module")
def signed(pki, head) -> bytes:  # type: ignore[no-untyped-def]
    return bytes(pki.sign(pdf(hash_keywords(HASH)), head))


@pytest.fixture
def roots(cast, pki):  # type: ignore[no-untyped-def]
    return trust_root_add(province=cast.province, actor=cast.quang, data=pki.root_pem)


def confirmed(cast, user):  # type: ignore[no-untyped-def]
    identity = CertificateIdentity.objects.get(user=user)
    return identity_confirm(identity=identity, actor=cast.quang, province=cast.province)


def test_a_good_signature_is_reported_as_evidence(cast, roots, signed):
    verdict = pdf_check(province=cast.province, data=signed)
    assert verdict.ok and verdict.problems == ()
    (view,) = verdict.signatures
    assert (view.signer_name, view.status, view.status_label) == (
        "Trần Văn Minh",
        "valid",
        "Hợp lệ",
    )
    assert view.signed_at is not None and not view.revocation_checked
    (warning,) = verdict.warnings
    assert "Chưa kiểm tra được việc thu hồi chứng thư của Trần Văn Minh" in warning
    assert not CertificateIdentity.objects.exists()  # evidence claims nothing


def test_a_byte_changed_after_signing_is_named(cast, roots, signed):
    at = signed.index(b"/Keywords") - 40
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    verdict = pdf_check(province=cast.province, data=tampered)
    assert not verdict.ok
    assert verdict.problems == (
        "Chữ ký của Trần Văn Minh: chữ ký bị hỏng (dữ liệu đã bị sửa sau khi ký).",
    )
    assert verdict.signatures[0].status_label == "Chữ ký bị hỏng"


def test_an_incremental_update_that_changes_content_is_named(cast, roots, signed):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page[NameObject("/Rotate")] = NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    verdict = pdf_check(province=cast.province, data=out.getvalue())
    assert not verdict.ok
    assert "Chữ ký của Trần Văn Minh: tài liệu bị thay đổi sau khi ký." in verdict.problems
    assert verdict.signatures[0].status_label == "Bị thay đổi sau khi ký"


def test_an_expired_certificate_is_named(cast, roots, pki):
    late = pki.sign(pdf(hash_keywords(HASH)), pki.expired("Trần Văn Bình"))
    verdict = pdf_check(province=cast.province, data=late)
    assert verdict.problems == (
        "Chữ ký của Trần Văn Bình: chứng thư đã hết hạn (hoặc chưa có hiệu lực) tại thời điểm ký.",
    )


def test_a_certificate_from_a_root_the_office_did_not_configure_is_named(cast, roots, pki, signed):
    foreign = pki.sign(pdf(hash_keywords(HASH)), pki.stranger("Lê Văn Cường"))
    verdict = pdf_check(province=cast.province, data=foreign)
    assert verdict.problems == (
        "Chữ ký của Lê Văn Cường: chứng thư không thuộc gốc tin cậy nào Sở chủ trì đã cấu hình.",
    )
    assert verdict.signatures[0].status_label == "Không rõ gốc tin cậy"
    # another province, which configured no root, trusts nothing
    elsewhere = pdf_check(province=cast.other_province, data=signed)
    assert not elsewhere.ok and "gốc tin cậy" in elsewhere.problems[0]


def test_a_revoked_certificate_is_named(cast, roots, pki):
    revoked = pki.with_revocation_data(pki.sign(pdf("thu hồi"), pki.revoked("Đỗ Văn Em")))
    verdict = pdf_check(province=cast.province, data=revoked)
    assert verdict.problems == ("Chữ ký của Đỗ Văn Em: chứng thư đã bị thu hồi.",)


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\n" + b"\x00" * 500])
def test_an_unreadable_file_is_a_problem_not_an_exception(cast, roots, data):
    verdict = pdf_check(province=cast.province, data=data, signer=cast.minh, expected_hash=HASH)
    assert verdict == verdict.__class__(
        ok=False, problems=("Không đọc được tệp PDF: tệp hỏng hoặc không phải là PDF.",)
    )


def test_an_unsigned_pdf_is_named(cast, roots):
    verdict = pdf_check(province=cast.province, data=pdf(hash_keywords(HASH)))
    assert (verdict.ok, verdict.problems) == (False, ("Tệp không có chữ ký số.",))


def test_a_new_certificate_is_claimed_once_and_refused_until_the_office_confirms(
    cast, roots, signed
):
    for _ in range(3):
        verdict = pdf_check(province=cast.province, data=signed, signer=cast.minh)
        assert not verdict.ok
        assert verdict.problems == (
            "Chứng thư “Trần Văn Minh” chưa được Sở chủ trì xác nhận là của Trần Văn Minh; "
            "Sở đã được đề nghị xác nhận. Tải lại tệp sau khi Sở xác nhận.",
        )
    claim = CertificateIdentity.objects.get()
    assert (claim.user, claim.state, claim.name) == (
        cast.minh,
        IdentityState.PENDING,
        "Trần Văn Minh",
    )
    assert "cấp 2" in claim.issuer and claim.not_after is not None
    entry = AuditEntry.objects.get(entity="certificate_identity")
    assert (entry.action, entry.actor, entry.province) == ("claim", cast.minh, cast.province)
    confirmed(cast, cast.minh)
    verdict = pdf_check(province=cast.province, data=signed, signer=cast.minh, expected_hash=HASH)
    assert verdict.ok and verdict.problems == ()
    assert CertificateIdentity.objects.count() == 1


def test_an_untrusted_certificate_is_not_claimed(cast, roots, pki):
    foreign = pki.sign(pdf(hash_keywords(HASH)), pki.stranger("Trần Văn Minh"))
    verdict = pdf_check(province=cast.province, data=foreign, signer=cast.minh)
    assert not verdict.ok and "gốc tin cậy" in verdict.problems[0]
    assert not CertificateIdentity.objects.exists()


def test_another_persons_confirmed_certificate_is_refused(cast, roots, signed):
    pdf_check(province=cast.province, data=signed, signer=cast.minh)
    confirmed(cast, cast.minh)
    verdict = pdf_check(province=cast.province, data=signed, signer=cast.lan)
    assert not verdict.ok
    assert verdict.problems == (
        "Người ký không phải là Nguyễn Thị Lan: chứng thư đã được xác nhận là của Trần Văn Minh.",
    )
    assert not CertificateIdentity.objects.filter(user=cast.lan).exists()


def test_a_refused_certificate_stays_refused(cast, roots, signed):
    pdf_check(province=cast.province, data=signed, signer=cast.minh)
    claim = CertificateIdentity.objects.get()
    from portal.signatures.services import identity_refuse

    identity_refuse(identity=claim, actor=cast.quang, province=cast.province, reason="Sai người")
    verdict = pdf_check(province=cast.province, data=signed, signer=cast.minh)
    assert not verdict.ok and "đã không xác nhận chứng thư “Trần Văn Minh”" in verdict.problems[0]
    assert CertificateIdentity.objects.get().state == IdentityState.REFUSED


def test_a_pdf_of_another_snapshot_is_named(cast, roots, signed):
    pdf_check(province=cast.province, data=signed, signer=cast.minh)
    confirmed(cast, cast.minh)
    verdict = pdf_check(province=cast.province, data=signed, signer=cast.minh, expected_hash=OTHER)
    assert not verdict.ok
    assert verdict.problems == (
        "Tài liệu không phải là bản của lần gửi này (mã băm khác): tải bản PDF của lần gửi "
        "này, ký rồi tải lên lại.",
    )
    assert OTHER not in " ".join(verdict.problems) and HASH not in " ".join(verdict.problems)
    evidence = pdf_check(province=cast.province, data=signed, expected_hash=OTHER)
    assert not evidence.ok and "mã băm khác" in evidence.problems[0]


def test_an_unchecked_revocation_is_a_problem_when_the_office_requires_the_check(
    cast, roots, signed, pki, head
):
    signature_settings_save(
        province=cast.province,
        actor=cast.quang,
        submission_mode=SubmissionMode.REQUIRED,
        unchecked_revocation_ok=False,
    )
    pdf_check(province=cast.province, data=signed, signer=cast.minh)
    confirmed(cast, cast.minh)
    verdict = pdf_check(province=cast.province, data=signed, signer=cast.minh, expected_hash=HASH)
    assert not verdict.ok and verdict.warnings == ()
    assert verdict.problems == (
        "Chữ ký của Trần Văn Minh: chưa kiểm tra được việc thu hồi chứng thư (tệp không kèm "
        "dữ liệu thu hồi), mà Sở chủ trì yêu cầu kiểm tra.",
    )
    checked = pki.with_revocation_data(signed)
    verdict = pdf_check(province=cast.province, data=checked, signer=cast.minh, expected_hash=HASH)
    assert verdict.ok and verdict.signatures[0].revocation_checked


def test_a_co_signers_failure_does_not_undo_the_heads_valid_signature(cast, roots, signed, pki):
    pdf_check(province=cast.province, data=signed, signer=cast.minh)
    confirmed(cast, cast.minh)
    both = pki.sign(signed, pki.stranger("Hoàng Văn Giang"), field_name="Signature2")
    verdict = pdf_check(province=cast.province, data=both, signer=cast.minh, expected_hash=HASH)
    assert verdict.ok and verdict.problems == ()
    assert any("Hoàng Văn Giang" in warning for warning in verdict.warnings)
    assert [view.status for view in verdict.signatures] == ["valid", "untrusted"]
