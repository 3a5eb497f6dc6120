"""Approval with a signed PDF (portal.signatures' settings of the province): where it is
required, Minh approves only with the PDF of this submission signed by his confirmed
certificate; each other file is refused with the check it failed named, and nothing is
written (no approval, no signature row, no file kept). Optional: a file may come, and must
verify. Off: as before, no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dti.signatures import hash_keywords
from portal.assessments import services
from portal.assessments.models import Submission, SubmissionEvent, SubmissionSignature
from portal.audit.models import AuditEntry
from portal.audit.rows import log_row
from portal.signatures.models import CertificateIdentity, IdentityState
from portal.workflow import SubmissionState
from tests.portal.assessments.conftest import (
    COMPLETE,
    CONFIRMED,
    PNG,
    require_signatures,
    save_fields,
    url,
)
from tests.portal.conftest import Cast
from tests.signing import pdf


def submission(cast: Cast) -> Submission:
    return Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)


def the_pdf(cast: Cast) -> bytes:
    """The PDF to sign, as the approver downloads it from the status page."""
    response = cast.client(cast.minh).get(url("document", cast.noi_vu_campaign_unit))
    assert response.status_code == 200
    return response.content


def upload(cast: Cast, data: bytes | None, client=None):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = dict(CONFIRMED)
    if data is not None:
        fields["file"] = SimpleUploadedFile("ban-ky-so.pdf", data, content_type="application/pdf")
    client = client or cast.client(cast.minh)
    return client.post(url("approve", cast.noi_vu_campaign_unit), fields)


def stored_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture
def signing(sent: Cast, pki):  # type: ignore[no-untyped-def]
    """Sở Nội vụ's submission sent; the province requires the unit head's signature."""
    return sent, require_signatures(sent, pki)


def test_the_pdf_signed_by_the_approver_approves_it(signing, pki, evidence_root):  # type: ignore[no-untyped-def]
    cast, minh = signing
    signed = pki.sign(the_pdf(cast), minh)
    response = upload(cast, signed)
    assert response.status_code == 302
    assert response["Location"] == url("status", cast.noi_vu_campaign_unit)
    row = submission(cast)
    assert (row.state, row.approved_by) == (SubmissionState.APPROVED, cast.minh)
    kept = SubmissionSignature.objects.get()
    assert (kept.signer_name, kept.status, kept.uploaded_by) == (
        "Trần Văn Minh",
        "valid",
        cast.minh,
    )
    assert kept.snapshot_sha256 == row.snapshot_sha256 and kept.signed_at is not None
    assert (evidence_root / kept.stored_name).read_bytes() == signed
    assert [e.action for e in row.events.all()][-2:] == ["approve", "sign"]
    entry = AuditEntry.objects.filter(entity="submission_signature").get()
    assert entry.new["signer"] == "Trần Văn Minh" and entry.new["status"] == "valid"
    logged = log_row(entry, {})  # the trail's page: in words, the codes behind a toggle
    assert logged.what == "Bản tự đánh giá đã ký số: thêm"
    assert "người ký: Trần Văn Minh" in logged.new_plain
    assert "tình trạng: hợp lệ" in logged.new_plain
    assert kept.sha256 not in logged.new_plain and kept.sha256 in logged.changes_technical
    assert row.snapshot_sha256 not in logged.new_plain

    page = cast.client(cast.lan).get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    signed_at = timezone.localtime(kept.signed_at).strftime("%d/%m/%Y %H:%M")
    assert f"Đã ký số bởi Trần Văn Minh lúc {signed_at} — hợp lệ" in page
    assert url("signed_copy", cast.noi_vu_campaign_unit) in page
    for who in (cast.lan, cast.minh, cast.quang, cast.hung, cast.hoa):
        response = cast.client(who).get(url("signed_copy", cast.noi_vu_campaign_unit))
        assert b"".join(response.streaming_content) == signed  # type: ignore[attr-defined]
        assert response["Content-Type"] == "application/pdf"
    for who in (cast.thao, cast.khoa):
        response = cast.client(who).get(url("signed_copy", cast.noi_vu_campaign_unit))
        assert response.status_code == 404


def test_the_page_that_asks_first_carries_the_file_field(signing):  # type: ignore[no-untyped-def]
    cast, _ = signing
    status = cast.client(cast.minh).get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    assert 'enctype="multipart/form-data"' in status and 'type="file"' in status
    assert "Tải bản tự đánh giá (PDF) để ký số" in status
    assert url("document", cast.noi_vu_campaign_unit) in status
    asked = cast.client(cast.minh).post(url("approve", cast.noi_vu_campaign_unit))
    assert asked.status_code == 200 and 'type="file"' in asked.content.decode()
    assert submission(cast).state == SubmissionState.SUBMITTED
    assert cast.client(cast.minh).get(url("approve", cast.noi_vu_campaign_unit)).status_code == 405


def test_required_means_no_approval_without_the_file(signing):  # type: ignore[no-untyped-def]
    cast, _ = signing
    response = upload(cast, None)
    assert response.status_code == 400
    assert "Chọn tệp PDF đã ký số để tải lên." in response.content.decode()
    assert submission(cast).state == SubmissionState.SUBMITTED
    with pytest.raises(Exception, match="cần tải lên bản tự đánh giá"):
        services.submission_approve(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.minh)


def _tampered(signed: bytes) -> bytes:
    at = signed.index(b"stream", 100) + 20  # inside the first page's content: signed bytes
    return signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]


def _wrong(kind: str, cast: Cast, pki, minh) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    """A signed file that must be refused, and the words of the check it fails."""
    if kind == "tampered":
        return _tampered(pki.sign(the_pdf(cast), minh)), "chữ ký bị hỏng"
    if kind == "another snapshot":
        other = pki.sign(pdf(keywords=hash_keywords("ab" * 32)), minh)
        return other, "không phải là bản của lần gửi này"
    if kind == "another signer":
        return pki.sign(the_pdf(cast), pki.person("Nguyễn Văn An")), "chưa được Sở chủ trì xác nhận"
    if kind == "untrusted":
        stranger = pki.stranger("Trần Văn Minh")
        return pki.sign(the_pdf(cast), stranger), "không thuộc gốc tin cậy nào"
    if kind == "expired":
        return pki.sign(the_pdf(cast), pki.expired("Trần Văn Minh")), "đã hết hạn"
    if kind == "unsigned":
        return the_pdf(cast), "Tệp không có chữ ký số."
    if kind == "not a pdf":
        return PNG, "không phải tệp PDF"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "tampered",
        "another snapshot",
        "another signer",
        "untrusted",
        "expired",
        "unsigned",
        "not a pdf",
    ],
)
def test_a_wrong_file_is_refused_by_name_and_nothing_is_written(
    signing, pki, evidence_root, kind: str
):  # type: ignore[no-untyped-def]
    cast, minh = signing
    data, check = _wrong(kind, cast, pki, minh)
    files_before, events_before = stored_files(evidence_root), SubmissionEvent.objects.count()
    response = upload(cast, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert check in page, page
    assert 'role="alert"' in page and 'type="file"' in page  # the approver may try again
    row = submission(cast)
    assert (row.state, row.approved_at) == (SubmissionState.SUBMITTED, None)
    assert not SubmissionSignature.objects.exists()
    assert stored_files(evidence_root) == files_before
    assert SubmissionEvent.objects.count() == events_before
    assert not AuditEntry.objects.filter(entity="submission_signature").exists()


def test_a_certificate_nobody_confirmed_is_left_for_the_office(signing, pki):  # type: ignore[no-untyped-def]
    cast, _ = signing
    another = pki.person("Trần Văn Minh")  # his new token: not confirmed yet
    upload(cast, pki.sign(the_pdf(cast), another))
    claim = CertificateIdentity.objects.get(fingerprint=another.fingerprint)
    assert (claim.user, claim.state) == (cast.minh, IdentityState.PENDING)
    assert submission(cast).state == SubmissionState.SUBMITTED


def test_a_file_over_the_limit_is_refused_before_it_is_read(signing, settings):  # type: ignore[no-untyped-def]
    cast, _ = signing
    settings.EVIDENCE_MAX_BYTES = 1024
    # declared too long: refused from Content-Length, the body unread
    client = cast.client(cast.minh)
    response = upload(cast, b"%PDF-1.7\n" + b"0" * 100_000, client)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Tệp quá lớn" in page
    # within the declared allowance, but the file itself too large: the guard stops reading
    response = upload(cast, b"%PDF-1.7\n" + b"0" * 4096)
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert submission(cast).state == SubmissionState.SUBMITTED
    assert not SubmissionSignature.objects.exists()


def test_optional_approves_without_a_file_but_checks_one_given(sent: Cast, pki):  # type: ignore[no-untyped-def]
    minh = require_signatures(sent, pki, mode="optional")
    page = sent.client(sent.minh).get(url("status", sent.noi_vu_campaign_unit)).content.decode()
    assert "(không bắt buộc)" in page
    refused = upload(sent, pki.sign(the_pdf(sent), pki.stranger("Trần Văn Minh")))
    assert refused.status_code == 400
    assert submission(sent).state == SubmissionState.SUBMITTED
    client = sent.client(sent.minh)
    response = upload(sent, None, client)
    assert response.status_code == 302
    assert (
        "Đã phê duyệt và ký bản tự đánh giá." in client.get(response["Location"]).content.decode()
    )
    assert submission(sent).state == SubmissionState.APPROVED
    assert not SubmissionSignature.objects.exists()
    assert (
        "Đã ký số bởi"
        not in sent.client(sent.lan).get(url("status", sent.noi_vu_campaign_unit)).content.decode()
    )
    _ = minh


def test_optional_keeps_a_good_file(sent: Cast, pki):  # type: ignore[no-untyped-def]
    minh = require_signatures(sent, pki, mode="optional")
    client = sent.client(sent.minh)
    response = upload(sent, pki.sign(the_pdf(sent), minh), client)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đã phê duyệt bản tự đánh giá cùng bản PDF đã ký số." in page
    assert submission(sent).state == SubmissionState.APPROVED
    assert SubmissionSignature.objects.get().status == "valid"


def test_off_asks_for_no_file(sent: Cast):
    page = sent.client(sent.minh).get(url("status", sent.noi_vu_campaign_unit)).content.decode()
    assert 'type="file"' not in page
    response = sent.client(sent.minh).post(url("approve", sent.noi_vu_campaign_unit), CONFIRMED)
    assert response.status_code == 302
    assert submission(sent).state == SubmissionState.APPROVED


def test_a_reopen_keeps_the_signature_as_history_but_the_page_shows_none(signing, pki):  # type: ignore[no-untyped-def]
    cast, minh = signing
    assert upload(cast, pki.sign(the_pdf(cast), minh)).status_code == 302
    cast.client(cast.quang).post(
        url("reopen", cast.noi_vu_campaign_unit), {"confirmed": "1", "note": "Sai số liệu"}
    )
    assert submission(cast).state == SubmissionState.DRAFT
    assert SubmissionSignature.objects.count() == 1
    page = cast.client(cast.lan).get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    assert "Đã ký số bởi" not in page
    assert "Ký số" in page  # the history keeps the signing
    response = cast.client(cast.lan).get(url("signed_copy", cast.noi_vu_campaign_unit))
    assert response.status_code == 404
    # sent again unchanged (the same hash): the old signature is still not this approval's
    services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    page = cast.client(cast.lan).get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    assert "Đã ký số bởi" not in page


def test_a_pdf_of_an_earlier_sending_is_refused(signing, pki):  # type: ignore[no-untyped-def]
    cast, minh = signing
    earlier = pki.sign(the_pdf(cast), minh)
    cast.client(cast.minh).post(
        url("return", cast.noi_vu_campaign_unit), {"confirmed": "1", "note": "Bổ sung"}
    )
    save_fields(
        cast.client(cast.lan), cast.noi_vu_campaign_unit, {**COMPLETE, "value:cqs_so_hoa": "80"}
    )
    services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    response = upload(cast, earlier)
    assert "không phải là bản của lần gửi này" in response.content.decode()
    assert submission(cast).state == SubmissionState.SUBMITTED


def test_the_status_page_reads_the_signature_in_a_bounded_number_of_queries(
    signing, pki, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    cast, minh = signing
    upload(cast, pki.sign(the_pdf(cast), minh))
    client = cast.client(cast.lan)
    client.get(url("status", cast.noi_vu_campaign_unit))
    with django_assert_max_num_queries(30) as captured:
        client.get(url("status", cast.noi_vu_campaign_unit))
    signature_reads = [q for q in captured.captured_queries if "submissionsignature" in q["sql"]]
    assert len(signature_reads) == 1


def test_the_signed_approval_is_protected_against_forged_posts(signing, pki):  # type: ignore[no-untyped-def]
    import re

    from django.test import Client

    from tests.portal.conftest import sign_in

    cast, minh = signing
    data = pki.sign(the_pdf(cast), minh)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, cast.minh)

    def post(extra: dict[str, str]):  # type: ignore[no-untyped-def]
        file = SimpleUploadedFile("ky.pdf", data, content_type="application/pdf")
        fields = {**CONFIRMED, **extra, "file": file}
        return client.post(url("approve", cast.noi_vu_campaign_unit), fields)

    assert post({}).status_code == 403
    assert submission(cast).state == SubmissionState.SUBMITTED
    page = client.get(url("status", cast.noi_vu_campaign_unit)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    assert post({"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert submission(cast).state == SubmissionState.APPROVED


def test_a_replayed_signed_approval_changes_nothing(signing, pki, evidence_root):  # type: ignore[no-untyped-def]
    cast, minh = signing
    signed = pki.sign(the_pdf(cast), minh)
    assert upload(cast, signed).status_code == 302
    approved_at = submission(cast).approved_at
    entries, files = AuditEntry.objects.count(), stored_files(evidence_root)
    replay = upload(cast, signed)
    assert replay.status_code in (302, 400, 409)
    assert submission(cast).approved_at == approved_at
    assert SubmissionSignature.objects.count() == 1
    assert AuditEntry.objects.count() == entries and stored_files(evidence_root) == files
