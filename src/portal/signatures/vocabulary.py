"""Signatures as a page shows them: the verdict of a check, each signature's status in
words, and the sentence that names each failed check (docs/signatures.md). No query here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from dti.signatures import Failure, Signature

VALID = "valid"
# The failure a signature's status names when it has several: the gravest first (a broken
# signature says nothing about its certificate).
GRAVITY = (Failure.BROKEN, Failure.MODIFIED, Failure.REVOKED, Failure.EXPIRED, Failure.UNTRUSTED)

STATUS_LABELS: dict[str, Promise] = {
    VALID: gettext_lazy("Hợp lệ"),
    Failure.BROKEN.value: gettext_lazy("Chữ ký bị hỏng"),
    Failure.MODIFIED.value: gettext_lazy("Bị thay đổi sau khi ký"),
    Failure.UNTRUSTED.value: gettext_lazy("Không rõ gốc tin cậy"),
    Failure.EXPIRED.value: gettext_lazy("Chứng thư hết hạn"),
    Failure.REVOKED.value: gettext_lazy("Chứng thư bị thu hồi"),
}
CHECK_SENTENCES: dict[Failure, Promise] = {
    Failure.BROKEN: gettext_lazy("chữ ký bị hỏng (dữ liệu đã bị sửa sau khi ký)"),
    Failure.MODIFIED: gettext_lazy("tài liệu bị thay đổi sau khi ký"),
    Failure.UNTRUSTED: gettext_lazy("chứng thư không thuộc gốc tin cậy nào Sở chủ trì đã cấu hình"),
    Failure.EXPIRED: gettext_lazy("chứng thư đã hết hạn (hoặc chưa có hiệu lực) tại thời điểm ký"),
    Failure.REVOKED: gettext_lazy("chứng thư đã bị thu hồi"),
}


@dataclass(frozen=True)
class SignatureView:
    """One signature as a page shows it."""

    signer_name: str
    signed_at: datetime | None
    status: str  # "valid" or a Failure's value: broken, modified, untrusted, expired, revoked
    status_label: str
    revocation_checked: bool
    fingerprint: str  # of the signer's certificate: for code, never shown to a person


@dataclass(frozen=True)
class Verdict:
    """What a check of a signed PDF found. `ok`: every requirement asked for is met;
    `problems` say which check failed, each in one sentence; `warnings` what was not
    checked but is accepted; `readable`: False when the file could not be read as a PDF."""

    ok: bool
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    signatures: tuple[SignatureView, ...] = ()
    readable: bool = field(default=True, compare=False)  # told by the other fields too


def status_of(signature: Signature) -> str:
    for failure in GRAVITY:
        if failure in signature.failures:
            return failure.value
    return VALID


def view_of(signature: Signature) -> SignatureView:
    status = status_of(signature)
    return SignatureView(
        signer_name=signature.signer.name,
        signed_at=signature.signed_at,
        status=status,
        status_label=str(STATUS_LABELS[status]),
        revocation_checked=signature.revocation_checked,
        fingerprint=signature.signer.fingerprint,
    )


def failure_sentences(signature: Signature) -> list[str]:
    """One sentence per failed check of the signature, naming its signer."""
    return [
        gettext("Chữ ký của %(name)s: %(check)s.")
        % {"name": signature.signer.name, "check": CHECK_SENTENCES[failure]}
        for failure in GRAVITY
        if failure in signature.failures
    ]


def revocation_sentence(signature: Signature, *, accepted: bool) -> str:
    if accepted:
        return gettext(
            "Chưa kiểm tra được việc thu hồi chứng thư của %(name)s: tệp không kèm dữ liệu "
            "thu hồi (OCSP, CRL) và cổng không tra cứu trực tuyến. Sở chủ trì chấp nhận chữ "
            "ký như vậy."
        ) % {"name": signature.signer.name}
    return gettext(
        "Chữ ký của %(name)s: chưa kiểm tra được việc thu hồi chứng thư (tệp không kèm dữ "
        "liệu thu hồi), mà Sở chủ trì yêu cầu kiểm tra."
    ) % {"name": signature.signer.name}


def unreadable() -> str:
    return gettext("Không đọc được tệp PDF: tệp hỏng hoặc không phải là PDF.")


def unsigned() -> str:
    return gettext("Tệp không có chữ ký số.")


def not_the_signer(person: str, owner: str) -> str:
    return gettext(
        "Người ký không phải là %(person)s: chứng thư đã được xác nhận là của %(owner)s."
    ) % {"person": person, "owner": owner}


def not_confirmed(person: str, name: str) -> str:
    return gettext(
        "Chứng thư “%(name)s” chưa được Sở chủ trì xác nhận là của %(person)s; Sở đã được "
        "đề nghị xác nhận. Tải lại tệp sau khi Sở xác nhận."
    ) % {"person": person, "name": name}


def refused(person: str, name: str) -> str:
    return gettext(
        "Sở chủ trì đã không xác nhận chứng thư “%(name)s” là của %(person)s: ký bằng "
        "chứng thư khác, hoặc liên hệ Sở."
    ) % {"person": person, "name": name}


def other_snapshot() -> str:
    return gettext(
        "Tài liệu không phải là bản của lần gửi này (mã băm khác): tải bản PDF của lần gửi "
        "này, ký rồi tải lên lại."
    )
