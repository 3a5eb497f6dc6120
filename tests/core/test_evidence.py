"""The evidence inspector: hostile PDFs, polyglots, Office files and archives are refused
with a message naming the file, built here from bytes; ordinary files pass."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from dti.evidence import Limits, refusal
from dti.evidence.pdf import raw_names
from tests.core.hostile import (
    JPEG,
    PLAIN_PDF,
    PNG,
    object_stream_pdf,
    office_of,
    pdf_with,
    zip_bomb,
    zip_of,
)

DOCX = office_of("word")
XLSX = office_of("xl")
SCRIPT = b"<script>alert(document.cookie)</script>"


def written_pdf(change) -> bytes:  # type: ignore[no-untyped-def]
    """A PDF made by pypdf's writer after `change(writer)`."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def real_docx() -> bytes:
    """A DOCX as Word lays it out: deflated parts, relationships, a chart's workbook inside."""
    chart = office_of("xl")
    return zip_of(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>' * 20,
            "_rels/.rels": b"<Relationships/>" * 20,
            "word/document.xml": b"<w:document><w:p>K\xe1\xba\xbf ho\xe1\xba\xa1ch</w:p>" * 500,
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": chart,
            "word/media/image1.png": PNG,
        }
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ke-hoach.pdf", PLAIN_PDF),
        ("ban-in.pdf", written_pdf(lambda writer: None)),
        ("quyet-dinh.docx", DOCX),
        ("quyet-dinh-day-du.docx", real_docx()),
        ("so-lieu.xlsx", XLSX),
        ("anh.png", PNG),
        ("anh.jpg", JPEG),
        ("ghi-chu.txt", b"van ban thuong"),
    ],
)
def test_ordinary_files_pass(name, content):
    assert refusal(name, content) is None


PDF_CASES = [
    (
        "a JavaScript open action (pypdf's writer)",
        written_pdf(lambda w: w.add_open_action(JavaScript("app.alert(1)"))),
        "chứa mã JavaScript",
    ),
    (
        "a document-level JavaScript name tree",
        pdf_with(
            b"/Names << /JavaScript 4 0 R >>", b"<< /Names [(a) << /S /JavaScript /JS (x) >>] >>"
        ),
        "chứa mã JavaScript",
    ),
    (
        "a launch action opened with the file",
        pdf_with(b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
        "chứa lệnh mở chương trình khác (Launch)",
    ),
    (
        "additional actions on the catalog",
        pdf_with(b"/AA << /WC << /S /GoTo /D [3 0 R /Fit] >> >>"),
        "chứa hành động tự chạy",
    ),
    (
        "an attached program (pypdf's writer)",
        written_pdf(lambda w: w.add_attachment("cai-dat.exe", b"MZ\x90\x00" + bytes(60))),
        "có tệp đính kèm bên trong",
    ),
    (
        "rich media (Flash)",
        pdf_with(b"", b"<< /Type /Annot /Subtype /RichMedia >>"),
        "chứa nội dung đa phương tiện nhúng",
    ),
    (
        "an XFA form",
        pdf_with(b"/AcroForm << /Fields [] /XFA 4 0 R >>", b"<< /Length 0 >>\nstream\n\nendstream"),
        "là biểu mẫu động (XFA)",
    ),
    (
        "a name written with #xx escapes",
        pdf_with(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        "chứa mã JavaScript",
    ),
    (
        "JavaScript hidden in a compressed object stream",
        object_stream_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
        "chứa mã JavaScript",
    ),
    (
        "an open action reaching a file on a network share",
        pdf_with(b"/OpenAction << /S /GoToR /F (\\\\203.0.113.9\\share\\x.pdf) /D [0 /Fit] >>"),
        "chứa liên kết mở tệp hoặc dữ liệu ở máy khác",
    ),
    (
        "a link importing form data from elsewhere",
        pdf_with(b"", b"<< /Type /Annot /Subtype /Link /A << /S /ImportData /F (x.fdf) >> >>"),
        "chứa liên kết mở tệp hoặc dữ liệu ở máy khác",
    ),
    (
        "a link into an embedded or remote document",
        pdf_with(b"/OpenAction << /S /GoToE /T << /R /C /N (a) >> >>"),
        "chứa liên kết mở tệp hoặc dữ liệu ở máy khác",
    ),
    (
        "a launch action in an unreferenced object (found by the raw scan)",
        pdf_with(b"", b"<< /S /Launch /F (calc.exe) >>"),
        "chứa lệnh mở chương trình khác (Launch)",
    ),
]


@pytest.mark.parametrize(("what", "content", "problem"), PDF_CASES, ids=[c[0] for c in PDF_CASES])
def test_a_hostile_pdf_is_refused_naming_the_file_and_the_problem(what, content, problem):
    message = refusal("ke-hoach.pdf", content)
    assert message is not None
    assert message.startswith(f"Tệp “ke-hoach.pdf” {problem}")
    assert message.endswith("Hãy in lại thành PDF thường rồi tải lên.")


def test_image_bytes_that_happen_to_spell_a_name_are_not_taken_for_one():
    """Compressed stream data is not PDF syntax: `/JS (`, `/AA<` in pixels mean nothing."""
    pixels = b"\x8f/JS (\x01/AA<\x02/Launch\n\xff"
    image = b"<< /Type /XObject /Subtype /Image /Length %d >>\nstream\n%s\nendstream" % (
        len(pixels),
        pixels,
    )
    content = pdf_with(b"", image)
    assert refusal("anh-chup.pdf", content) is None


def test_the_object_stream_case_is_caught_by_parsing_not_by_the_raw_scan():
    content = object_stream_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert raw_names(content) == set()
    assert refusal("a.pdf", content) is not None
    assert refusal("a.pdf", object_stream_pdf(b"<< /S /GoTo /D [3 0 R /Fit] >>")) is None


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        b"%PDF-1.7\n" + bytes(range(256)) * 4,
        PLAIN_PDF[: len(PLAIN_PDF) // 2],
    ],
    ids=["no cross-reference", "garbage", "cut in half"],
)
def test_a_pdf_that_cannot_be_parsed_is_refused(content):
    message = refusal("hong.pdf", content)
    assert message == (
        "Tệp “hong.pdf” không đọc được như một tệp PDF (hỏng hoặc không đúng chuẩn), không "
        "được chấp nhận. Hãy in lại thành PDF rồi tải lên."
    )


def test_a_pdf_of_too_many_objects_is_refused_before_it_holds_a_worker():
    chain = [b"<< /N %d 0 R >>" % (number + 1) for number in range(4, 30)] + [b"<< >>"]
    content = pdf_with(b"/X 4 0 R", *chain)
    assert refusal("a.pdf", content, Limits(max_pdf_objects=40)) is None
    assert refusal("a.pdf", content, Limits(max_pdf_objects=20)) == (
        "Tệp “a.pdf” có quá nhiều thành phần (hơn 20) để kiểm tra, không được chấp nhận. "
        "Hãy in lại thành PDF hoặc chia nhỏ tệp rồi tải lên."
    )


def test_a_pdf_with_a_password_cannot_be_inspected_and_is_refused():
    def encrypt(writer: PdfWriter) -> None:
        writer.encrypt(user_password="mat-khau", algorithm="RC4-128")

    message = refusal("mat.pdf", written_pdf(encrypt))
    assert message is not None and "có mật khẩu" in message


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("anh.png", PNG + SCRIPT, "gắn thêm sau phần ảnh"),
        ("anh.jpg", JPEG + b"<html><body onload=alert(1)>", "gắn thêm sau phần ảnh"),
        ("anh.png", PNG[:33] + b"<svg onload=alert(1)>" + PNG[33:], "lẫn vào nội dung"),
        (
            "ke-hoach.pdf",
            PLAIN_PDF.replace(b"\n1 0 obj", b"\n%<!DOCTYPE html><script>x</script>\n1 0 obj"),
            "lẫn vào nội dung",
        ),
        ("ke-hoach.pdf", PLAIN_PDF + b"<html><script>alert(1)</script></html>", "lẫn vào nội dung"),
        ("quyet-dinh.docx", DOCX + b"<script>alert(1)</script>", "lẫn vào nội dung"),
    ],
    ids=[
        "png+script",
        "jpeg+html",
        "svg inside png",
        "pdf/html polyglot",
        "html after %%EOF",
        "docx+script",
    ],
)
def test_markup_in_a_pdf_an_image_or_an_office_file_is_refused(name, content, problem):
    message = refusal(name, content)
    assert message is not None
    assert message.startswith(f"Tệp “{name}” có mã trang web (HTML, script) {problem}")


def png_with_pixels(pixels: bytes) -> bytes:
    """PNG's signature and IHDR, one IDAT chunk holding `pixels`, then IEND."""
    idat = struct.pack(">I", len(pixels)) + b"IDAT" + pixels + b"\x00\x00\x00\x00"
    return PNG[:33] + idat + PNG[-12:]


def test_pixels_that_happen_to_spell_a_tag_are_not_taken_for_markup():
    """Compressed pixels are random bytes: in 20 MB, `<svg ` turns up by chance."""
    pixels = bytes(range(256)) * 8 + b"<svg " + bytes(range(256)) * 8
    assert refusal("anh-chup.png", png_with_pixels(pixels)) is None
    assert refusal("anh-chup.png", png_with_pixels(pixels) + SCRIPT) is not None


def test_a_thumbnails_end_marker_is_not_the_jpegs_end():
    """The EXIF thumbnail's FFD9 comes first; the script after the real end is found."""
    message = refusal("anh.jpg", JPEG + b"\x00" * 2048 + SCRIPT + b"\x00" * 2048 + b"\xff\xd9")
    assert message is not None and "gắn thêm sau phần ảnh" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("so-do.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("trang.html", b"<!doctype html><p>xin chao</p>"),
        ("trang.htm", b"xin chao"),
        ("anh.png", b"\xef\xbb\xbf  <svg onload=alert(1)>"),
    ],
)
def test_svg_and_html_are_refused_outright(name, content):
    message = refusal(name, content)
    assert message is not None and "là trang web hoặc ảnh SVG" in message


def test_a_zip_bomb_is_refused_from_its_declared_size_without_extracting():
    bomb = zip_bomb("xl", 101 * 1024 * 1024)
    assert len(bomb) < 200 * 1024
    assert refusal("so-lieu.xlsx", bomb) == (
        "Tệp “so-lieu.xlsx” khi giải nén lên tới 101 MB (tối đa 100 MB), có thể là “bom nén”, "
        "không được chấp nhận."
    )


def test_a_file_compressed_past_the_ratio_is_refused():
    message = refusal("so-lieu.xlsx", zip_bomb("xl", 4 * 1024 * 1024))
    assert message is not None
    assert "nén bất thường (giải nén lớn gấp" in message and "tối đa 100 lần" in message


def test_a_small_well_compressed_file_is_not_judged_by_its_ratio():
    assert refusal("so-lieu.xlsx", office_of("xl", xl__blank=bytes(500_000))) is None


def test_too_many_entries_are_refused():
    many = office_of("word", **{f"word__p{i}.xml": b"<p/>" for i in range(10)})
    message = refusal("a.docx", many, Limits(max_entries=5))
    assert message is not None and "quá nhiều tệp bên trong (12; tối đa 5)" in message


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        ("word/vbaProject.bin", "có macro (mã VBA)"),
        ("xl/macrosheets/sheet1.xml", "có macro (mã VBA)"),
        (
            "word/embeddings/cai-dat.exe",
            "có chứa chương trình chạy được (“word/embeddings/cai-dat.exe”)",
        ),
        ("word/media/run.JS", "có chứa chương trình chạy được"),
        ("word/media/tool.jar", "có chứa chương trình chạy được"),
        ("../../etc/cron.d/x", "có đường dẫn không an toàn bên trong (“../../etc/cron.d/x”)"),
        ("/etc/passwd", "có đường dẫn không an toàn"),
        ("C:\\Windows\\x.xml", "có đường dẫn không an toàn"),
        ("word/embeddings/goi.rar", "có tệp nén lồng bên trong (“word/embeddings/goi.rar”)"),
    ],
)
def test_a_docx_carrying_a_macro_a_program_or_a_bad_path_is_refused(member, problem):
    docx = office_of("word", **{member.replace("/", "__"): b"x"})
    message = refusal("quyet-dinh.docx", docx)
    assert message is not None
    assert message.startswith(f"Tệp “quyet-dinh.docx” {problem}")


def test_an_archive_inside_is_inspected_one_level_deep():
    inner_macro = office_of("xl", **{"xl__vbaProject.bin": b"vba"})
    docx = office_of("word", **{"word__embeddings__bang.xlsx": inner_macro})
    message = refusal("quyet-dinh.docx", docx)
    assert message == (
        "Tệp “quyet-dinh.docx”: tệp “word/embeddings/bang.xlsx” có macro (mã VBA), không được "
        "chấp nhận. Hãy lưu lại thành tệp không có macro (.docx, .xlsx) rồi tải lên."
    )
    twice = office_of(
        "word", **{"word__embeddings__a.zip": zip_of({"b.zip": zip_of({"c.txt": b"c"})})}
    )
    message = refusal("quyet-dinh.docx", twice)
    assert message == (
        "Tệp “quyet-dinh.docx”: tệp “word/embeddings/a.zip” có tệp nén lồng bên trong (“b.zip”) "
        "không kiểm tra được, không được chấp nhận."
    )


def test_an_office_file_must_have_its_content_types():
    message = refusal("quyet-dinh.docx", zip_of({"word/document.xml": b"<document/>"}))
    assert message is not None and "thiếu [Content_Types].xml" in message


def test_a_broken_zip_is_refused():
    message = refusal("so-lieu.xlsx", b"PK\x03\x04" + bytes(100))
    assert message == "Tệp “so-lieu.xlsx” là tệp nén hỏng, không đọc được nên không được chấp nhận."


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("goi.rar", b"Rar!\x1a\x07\x01\x00" + bytes(20), "RAR"),
        ("goi.7z", b"7z\xbc\xaf\x27\x1c" + bytes(20), "7z"),
        ("goi.pdf", b"Rar!\x1a\x07\x00" + bytes(20), "RAR"),
    ],
)
def test_rar_and_7z_cannot_be_inspected_and_are_refused(name, content, kind):
    assert refusal(name, content) == (
        f"Tệp “{name}” là tệp nén {kind}, không kiểm tra được nội dung bên trong nên không "
        "được chấp nhận. Hãy tải từng tệp lên riêng."
    )


def test_a_plain_zip_is_inspected_like_an_office_file():
    assert refusal("goi.zip", zip_of({"a.pdf": PLAIN_PDF})) is None
    message = refusal("goi.zip", zip_of({"setup.exe": b"MZ"}))
    assert message is not None and "chương trình chạy được (“setup.exe”)" in message


def test_zipfile_is_never_asked_to_extract_the_bomb(monkeypatch):
    """The verdict on a bomb comes from the directory alone: reading an entry would fail."""

    def refuse_to_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("an entry was extracted")

    bomb = zip_bomb("xl", 101 * 1024 * 1024)
    monkeypatch.setattr(zipfile.ZipFile, "open", refuse_to_read)
    assert refusal("so-lieu.xlsx", bomb) is not None
