"""Choosing the reader by what a file holds, not by its name: uploads arrive with any name."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from dti.documents.model import MAX_DOCUMENT_BYTES, Document, DocumentReadError
from dti.tables.raw import thousands
from dti.tables.reader import decode_text

_ZIP = b"PK\x03\x04"
_PDF = b"%PDF-"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HTML = re.compile(r"^\s*(<!doctype html|<html|<body|<table|<p[\s>]|<h[1-6][\s>]|<div)", re.I)


def read_document(path: str | os.PathLike[str]) -> Document:
    """A report file, or a folder of loose tables (each file one table)."""
    source = os.fspath(path)
    if Path(path).is_dir():
        from dti.documents.folder import read_folder

        return read_folder(Path(path))
    try:
        with Path(path).open("rb") as stream:
            data = stream.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise DocumentReadError(f"không mở được tệp ({exc.strerror}).", source=source) from exc
    return read_document_bytes(data, source=Path(source).name)


def read_document_bytes(data: bytes, *, source: str) -> Document:
    """A report held in memory (an upload); `source` names it in messages."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentReadError(
            f"tệp lớn hơn giới hạn {thousands(MAX_DOCUMENT_BYTES)} byte.", source=source
        )
    if not data.strip():
        raise DocumentReadError("tệp rỗng.", source=source)
    if data.startswith(_ZIP):
        return _read_zip(data, source)
    if data.startswith(_PDF):
        from dti.documents.pdf_reader import read_pdf

        return read_pdf(data, source=source)
    if data.startswith(_OLE):
        raise DocumentReadError(
            "tệp Word/Excel 97–2003 (.doc, .xls) chưa được hỗ trợ; hãy lưu lại dưới dạng "
            ".docx hoặc .xlsx.",
            source=source,
        )
    text = _decode(data, source)
    if _HTML.match(text):
        from dti.documents.html_reader import read_html

        return read_html(text, source=source)
    from dti.documents.text_reader import read_text

    return read_text(text, source=source)


def _read_zip(data: bytes, source: str) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise _unknown(source) from exc
    if "word/document.xml" in names:
        from dti.documents.docx_reader import read_docx

        return read_docx(data, source=source)
    if "xl/workbook.xml" in names:
        from dti.documents.xlsx_reader import read_workbook

        return read_workbook(data, source=source)
    raise _unknown(source)


def _decode(data: bytes, source: str) -> str:
    text = decode_text(data)
    if text is None:
        raise _unknown(source)
    return text


def _unknown(source: str) -> DocumentReadError:
    return DocumentReadError(
        "không đọc được: báo cáo phải là tệp DOCX, PDF (có lớp chữ), XLSX, HTML, markdown "
        "hoặc văn bản UTF-8.",
        source=source,
    )
