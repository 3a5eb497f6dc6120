"""Hostile evidence files posted through the real upload views, by Lan for Sở Nội vụ's
self-assessment and for a supplement to a returned round: each is refused with a message
naming the file and what is wrong, and nothing is left behind (no file under EVIDENCE_ROOT,
no Evidence row, no submission started, no audit entry, no event). Ordinary files still pass."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from portal.assessments.models import Evidence, Submission, SubmissionEvent
from portal.audit.models import AuditEntry
from tests.core.hostile import (
    JPEG,
    PLAIN_PDF,
    PNG,
    object_stream_pdf,
    office_of,
    pdf_with,
    zip_bomb,
)
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import Appraised
from tests.portal.assessments.conftest import criterion_block, notice_in_block, url
from tests.portal.conftest import Cast


def javascript_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.launchURL('http://ke-xau.example/')"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


HOSTILE = [
    ("ke-hoach.pdf", javascript_pdf(), "Tệp “ke-hoach.pdf” chứa mã JavaScript, không được chấp nhận. Hãy in lại thành PDF thường rồi tải lên."),
    ("ke-hoach.pdf", object_stream_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"), "Tệp “ke-hoach.pdf” chứa mã JavaScript"),
    ("ke-hoach.pdf", pdf_with(b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "Tệp “ke-hoach.pdf” chứa lệnh mở chương trình khác (Launch)"),
    ("ke-hoach.pdf", pdf_with(b"/AA << /WC << /S /GoTo /D [3 0 R /Fit] >> >>"), "Tệp “ke-hoach.pdf” chứa hành động tự chạy"),
    ("ke-hoach.pdf", PLAIN_PDF + b"<html><script>alert(document.cookie)</script></html>", "Tệp “ke-hoach.pdf” có mã trang web (HTML, script) lẫn vào nội dung"),
    ("ke-hoach.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", "Tệp “ke-hoach.pdf” không đọc được như một tệp PDF"),
    ("anh-chup.png", PNG + b"<script>alert(1)</script>", "Tệp “anh-chup.png” có mã trang web (HTML, script) gắn thêm sau phần ảnh"),
    ("anh-chup.jpg", JPEG + b"<html><body onload=alert(1)>", "Tệp “anh-chup.jpg” có mã trang web (HTML, script) gắn thêm sau phần ảnh"),
    ("so-lieu.xlsx", zip_bomb("xl", 4 * 1024 * 1024), "Tệp “so-lieu.xlsx” nén bất thường"),
    ("quyet-dinh.docx", office_of("word", **{"word__vbaProject.bin": b"vba"}), "Tệp “quyet-dinh.docx” có macro (mã VBA), không được chấp nhận."),
    ("quyet-dinh.docx", office_of("word", **{"word__embeddings__setup.exe": b"MZ"}), "Tệp “quyet-dinh.docx” có chứa chương trình chạy được (“word/embeddings/setup.exe”)"),
    ("quyet-dinh.docx", office_of("word", **{"..__..__evil.xml": b"x"}), "Tệp “quyet-dinh.docx” có đường dẫn không an toàn bên trong"),
]  # fmt: skip
IDS = [
    "pdf javascript", "javascript in an object stream", "pdf launch", "pdf additional actions",
    "pdf/html polyglot", "unreadable pdf", "png + script", "jpeg + html", "xlsx zip bomb",
    "docx macro", "docx carrying a program", "docx path traversal",
]  # fmt: skip


def stored_files(root) -> list:  # type: ignore[no-untyped-def]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def everything() -> tuple[int, ...]:
    return (
        Evidence.objects.count(),
        Submission.objects.count(),
        SubmissionEvent.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE, ids=IDS)
def test_a_hostile_file_is_refused_by_the_self_assessment_and_nothing_is_stored(
    cast: Cast, evidence_root, name, content, message
):
    before = everything()
    target = url("evidence_upload", cast.noi_vu_campaign_unit, "nts_ke_hoach")
    response = cast.client(cast.lan).post(
        target, {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert message in criterion_block(response.content.decode(), "nts_ke_hoach")
    assert everything() == before
    assert stored_files(evidence_root) == []


@pytest.mark.parametrize(
    ("name", "content", "message"), HOSTILE[:1] + HOSTILE[6:10], ids=IDS[:1] + IDS[6:10]
)
def test_a_hostile_supplement_is_refused_and_nothing_is_stored(
    appraised: Appraised, evidence_root, name, content, message
):
    cast = appraised.cast
    before = everything()
    target = f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/vong/1/minh-chung/cqs_ky_so/tai-len/"
    response = cast.client(cast.lan).post(
        target, {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert message in criterion_block(response.content.decode(), "cqs_ky_so")
    assert "cqs_ky_so:" not in response.content.decode()
    assert everything() == before
    assert stored_files(evidence_root) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ke-hoach.pdf", PLAIN_PDF),
        ("anh-chup.png", PNG),
        ("anh-chup.jpg", JPEG),
        ("quyet-dinh.docx", office_of("word", word__media__image1=PNG)),
        ("so-lieu.xlsx", office_of("xl", xl__worksheets__sheet1=b"<sheetData/>" * 1000)),
    ],
)
def test_ordinary_files_are_still_accepted(cast: Cast, evidence_root, name, content):
    target = url("evidence_upload", cast.noi_vu_campaign_unit, "nts_ke_hoach")
    response = cast.client(cast.lan).post(
        target, {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    notice_in_block(response, "nts_ke_hoach", f"Đã thêm tệp “{name}”.", ok=True)
    assert Evidence.objects.get().original_name == name
    assert len(stored_files(evidence_root)) == 1
