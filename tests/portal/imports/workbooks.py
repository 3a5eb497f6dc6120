"""Workbooks made the way an attacker makes them: the XML of a sheet written by hand and
zipped, so a test holds 300,000 rows or an entity bomb in a few hundred kilobytes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i + 1} "{("&lol" + (str(i) if i else "") + ";") * 10}">' for i in range(9)
    )
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def inline_row(cells: Iterable[str]) -> str:
    """A row without positions (r="…" is optional): identical rows compress to nothing."""
    inner = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in cells)
    return f"<row>{inner}</row>"


def sheet_xml(rows: Iterable[str]) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
    )
    return (head + "".join(rows) + "</sheetData></worksheet>").encode()


def with_parts(base: bytes, parts: dict[str, bytes]) -> bytes:
    """`base` (an XLSX) with some parts replaced or added, deflated as Excel does."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename not in parts:
                target.writestr(member, source.read(member.filename))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def titled_book(*titles: str) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = titles[0]
    for title in titles[1:]:
        book.create_sheet(title)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def many_entries(base: bytes, count: int) -> bytes:
    return with_parts(base, {f"xl/media/image{i}.png": b"" for i in range(count)})
