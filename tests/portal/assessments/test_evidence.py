"""Evidence: files checked by their content (not their name), stored under EVIDENCE_ROOT with a
random name and their SHA-256, refused early when too large, served only as attachments to
people who may see the unit; links too; deletion while the draft is editable."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.assessments.models import Evidence, Submission
from portal.workflow import SubmissionState
from tests.portal.assessments.conftest import (
    CONFIRMED,
    EXE,
    JPEG,
    PDF,
    PNG,
    criterion_block,
    notice_in_block,
    office_file,
    url,
    zip_of,
)
from tests.portal.conftest import Cast
from tests.portal.jobs import run_jobs

DOCX = office_file("word")
XLSX = office_file("xl")


def upload(cast: Cast, name: str, content: bytes, criterion: str = "nts_ke_hoach", **extra):  # type: ignore[no-untyped-def]
    client = cast.client(cast.lan)
    target = url("evidence_upload", cast.noi_vu_campaign_unit, criterion)
    return client.post(target, {"file": SimpleUploadedFile(name, content)}, follow=True, **extra)


def stored_files(root) -> list:  # type: ignore[no-untyped-def]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("ke-hoach.pdf", PDF, "application/pdf"),
        ("anh-chup.png", PNG, "image/png"),
        ("anh.jpg", JPEG, "image/jpeg"),
        ("anh.JPEG", JPEG, "image/jpeg"),
        (
            "quyet-dinh.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("so-lieu.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_it_accepts_each_kind_by_its_content(
    cast: Cast, evidence_root, name, content, content_type
):
    response = upload(cast, name, content)
    notice_in_block(response, "nts_ke_hoach", f"Đã thêm tệp “{name}”.", ok=True)
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type) == (name, content_type)
    assert (evidence.size, evidence.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert evidence.uploaded_by == cast.lan
    [path] = stored_files(evidence_root)
    assert path.read_bytes() == content
    assert name.split(".")[0] not in str(path)  # a random name, never the user's
    assert path.relative_to(evidence_root).as_posix() == evidence.stored_name


def zip_without_office_parts() -> bytes:
    return zip_of({"readme.txt": "không phải tài liệu Word"})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", EXE, "Tệp “bao-cao.pdf” không phải PDF (không nhận ra nội dung)"),
        ("bao-cao.pdf", PNG, "Tệp “bao-cao.pdf” không phải PDF (nội dung là PNG)"),
        ("anh.png", PDF, "Tệp “anh.png” không phải PNG (nội dung là PDF)"),
        ("anh.jpg", b"GIF89a\x01\x00\x01\x00", "không phải JPEG"),
        ("quyet-dinh.docx", XLSX, "không phải DOCX (nội dung là XLSX)"),
        ("quyet-dinh.docx", zip_without_office_parts(), "không phải DOCX (không nhận ra nội dung)"),
        ("so-lieu.xlsx", b"PK\x03\x04 broken zip", "không phải XLSX"),
        ("virus.exe", EXE, "Chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG; “virus.exe”"),
        ("khong-duoi", PDF, "Chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG"),
    ],
)
def test_it_refuses_files_whose_content_is_not_what_they_claim(
    cast: Cast, evidence_root, name, content, message
):
    response = upload(cast, name, content)
    assert message in response.content.decode()
    assert Evidence.objects.count() == 0
    assert stored_files(evidence_root) == []


def test_a_200_mb_upload_is_refused_from_its_declared_length(cast: Cast, evidence_root):
    """Refused before the body is read: nothing is spooled, stored or recorded."""
    response = upload(cast, "lon.pdf", PDF, CONTENT_LENGTH=str(200 * 1024 * 1024))
    notice_in_block(
        response, "nts_ke_hoach", "Tệp quá lớn (200 MB); mỗi tệp minh chứng tối đa 20 MB.", ok=False
    )
    assert Evidence.objects.count() == 0
    assert stored_files(evidence_root) == []


def test_a_file_past_the_limit_is_stopped_while_it_arrives(
    cast: Cast, settings, evidence_root, monkeypatch
):
    """The declared length fits (limit + multipart allowance), the file does not: the upload
    guard stops reading it, and the service never sees it."""
    from portal.assessments import services

    def never(**kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the guard should have stopped the upload")

    monkeypatch.setattr(services, "evidence_add_file", never)
    settings.EVIDENCE_MAX_BYTES = 1024
    response = upload(cast, "ke-hoach.pdf", PDF + b"0" * 4096)
    assert "Tệp quá lớn" in criterion_block(response.content.decode(), "nts_ke_hoach")
    assert Evidence.objects.count() == 0
    assert stored_files(evidence_root) == []


def test_the_service_checks_the_uploaded_size_too(cast: Cast, settings, evidence_root):
    from django.core.exceptions import ValidationError

    from portal.assessments.services import evidence_add_file

    settings.EVIDENCE_MAX_BYTES = 100
    big = SimpleUploadedFile("ke-hoach.pdf", PDF + b"0" * 200)
    with pytest.raises(ValidationError, match="Tệp quá lớn"):
        evidence_add_file(
            campaign_unit=cast.noi_vu_campaign_unit,
            actor=cast.lan,
            criterion="nts_ke_hoach",
            upload=big,
        )
    assert stored_files(evidence_root) == []


def test_an_upload_without_a_file_says_so(cast: Cast):
    client = cast.client(cast.lan)
    response = client.post(
        url("evidence_upload", cast.noi_vu_campaign_unit, "nts_ke_hoach"), {}, follow=True
    )
    notice_in_block(response, "nts_ke_hoach", "Chọn một tệp để tải lên.", ok=False)


def test_evidence_for_an_unknown_or_system_criterion_is_refused(cast: Cast, evidence_root):
    refused = (
        "Tiêu chí này không nhận minh chứng của đơn vị: nó không áp dụng cho đơn vị hoặc "
        "không do đơn vị kê khai."
    )
    system = upload(cast, "ke-hoach.pdf", PDF, criterion="cqs_dvctt")
    notice_in_block(system, "cqs_dvctt", refused, ok=False)  # on the page: in its block
    for criterion in ("khong_co", "nhan_thuc_so"):  # no block of its own: at the page's top
        page = upload(cast, "ke-hoach.pdf", PDF, criterion=criterion).content.decode()
        assert refused in page and f"{criterion}: " not in page
    assert Evidence.objects.count() == 0
    assert stored_files(evidence_root) == []


def test_several_files_per_criterion_are_listed_with_their_download_links(cast: Cast):
    upload(cast, "a.pdf", PDF)
    upload(cast, "b.png", PNG)
    page = cast.client(cast.minh).get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    for evidence in Evidence.objects.all():
        assert url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk) in page
    assert "Xoá" not in page  # the approver only reads


@pytest.mark.parametrize("who", ["lan", "minh", "quang", "hung", "hoa"])
def test_download_is_an_attachment_that_is_never_sniffed(cast: Cast, who):
    upload(cast, "Kế hoạch 2025.pdf", PDF)
    evidence = Evidence.objects.get()
    response = cast.client(getattr(cast, who)).get(
        url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk)
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%202025.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_link_is_evidence_too(cast: Cast):
    client = cast.client(cast.lan)
    target = url("evidence_link", cast.noi_vu_campaign_unit, "nts_ke_hoach")
    response = client.post(
        target, {"url": "https://vanban.tinhmau.gov.vn/qd-123", "name": "QĐ 123"}, follow=True
    )
    notice_in_block(response, "nts_ke_hoach", "Đã thêm liên kết.", ok=True)
    evidence = Evidence.objects.get()
    assert (evidence.url, evidence.original_name, evidence.stored_name) == (
        "https://vanban.tinhmau.gov.vn/qd-123",
        "QĐ 123",
        "",
    )
    assert 'rel="noopener noreferrer nofollow"' in response.content.decode()
    download = client.get(url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk))
    assert download.status_code == 404  # a link has no file


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "khong phai lien ket", "", "ftp://example.org/a"]
)
def test_a_bad_link_is_refused(cast: Cast, link):
    client = cast.client(cast.lan)
    response = client.post(
        url("evidence_link", cast.noi_vu_campaign_unit, "nts_ke_hoach"), {"url": link}, follow=True
    )
    page = response.content.decode()
    assert "Địa chỉ liên kết không hợp lệ" in page or "Nhập địa chỉ liên kết" in page
    assert Evidence.objects.count() == 0


def test_deleting_evidence_removes_the_row_and_the_file(
    cast: Cast, evidence_root, django_capture_on_commit_callbacks
):
    upload(cast, "ke-hoach.pdf", PDF)
    evidence = Evidence.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(cast.lan).post(
            url("evidence_delete", cast.noi_vu_campaign_unit, evidence.pk), CONFIRMED, follow=True
        )
    run_jobs()  # the worker sends what was queued
    notice_in_block(response, "nts_ke_hoach", "Đã xoá minh chứng “ke-hoach.pdf”.", ok=True)
    assert Evidence.objects.count() == 0
    assert stored_files(evidence_root) == []


def test_evidence_cannot_change_once_submitted(cast: Cast, evidence_root):
    upload(cast, "ke-hoach.pdf", PDF)
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    evidence = Evidence.objects.get()
    client = cast.client(cast.lan)
    response = upload(cast, "them.pdf", PDF)
    assert "“Đã gửi, chờ phê duyệt”" in response.content.decode()
    response = client.post(
        url("evidence_delete", cast.noi_vu_campaign_unit, evidence.pk), CONFIRMED, follow=True
    )
    assert "“Đã gửi, chờ phê duyệt”" in response.content.decode()
    assert list(Evidence.objects.all()) == [evidence]
    assert len(stored_files(evidence_root)) == 1


def test_adding_evidence_starts_the_draft(cast: Cast):
    upload(cast, "ke-hoach.pdf", PDF)
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    assert submission.state == SubmissionState.DRAFT
    assert submission.events.get().note == "Thêm tệp ke-hoach.pdf"


def test_a_folder_that_fills_up_mid_file_leaves_nothing_and_says_so(
    cast: Cast, evidence_root, monkeypatch
):
    """The disk fills while the file is written: the half file is removed, the person reads
    a form error, and no row is saved."""
    from django.core.files.storage import FileSystemStorage

    real = FileSystemStorage._save

    def fills_up(self, name, content):  # type: ignore[no-untyped-def]
        path = self.path(name)
        real(self, name, SimpleUploadedFile("half", PDF[:20]))  # a part is written
        raise OSError(28, "No space left on device", path)

    monkeypatch.setattr(FileSystemStorage, "_save", fills_up)
    response = upload(cast, "ke-hoach.pdf", PDF)
    notice_in_block(
        response, "nts_ke_hoach",
        "Chưa lưu được tệp vào kho minh chứng. Vui lòng thử lại sau ít phút.", ok=False,
    )  # fmt: skip
    assert Evidence.objects.count() == 0
    assert stored_files(evidence_root) == []
