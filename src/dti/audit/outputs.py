"""The findings of a report's audit as a document the office sends back to the report's
author: an HTML page or an XLSX workbook listing each finding with its context (the row or
sentence as printed, the wrong figure marked), the tables recognised and the sentences
checked. Everything printed comes from the report, so all of it is escaped (HTML) or made
inert (a cell starting with "=" stays text in XLSX)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dti.audit.document import DocumentAudit
from dti.audit.findings import Finding
from dti.campaign import Campaign
from dti.text import clean_text, spreadsheet_text

KIND_NAMES = {
    "blank": "Ô điểm để trống",
    "sum": "Tổng không khớp",
    "over_max": "Vượt điểm tối đa",
    "max_row": "Dòng điểm tối đa sai",
    "ratio": "Tỷ lệ sai",
    "rank": "Thứ hạng sai",
    "order": "Sai thứ tự",
    "class": "Xếp loại sai",
    "previous_class": "Xếp loại năm trước khác",
    "cross_table": "Hai bảng in khác nhau",
    "unread": "Bảng không đọc được",
    "framework": "Bảng bộ chỉ số sai",
    "class_count": "Số đơn vị theo mức sai",
    "class_units": "Đơn vị kể sai mức",
    "unit_count": "Số đơn vị của khối sai",
    "share": "Tỷ lệ phần trăm sai",
    "unknown_unit": "Tên đơn vị không rõ",
    "year": "Năm so sánh sai",
    "average": "Điểm trung bình sai",
    "threshold": "Số đơn vị đạt ngưỡng sai",
    "top": "Nhóm dẫn đầu/cuối sai",
    "applicable_max": "Điểm tối đa áp dụng sai",
    "footnote": "Chú thích sai",
    "index_count": "Số chỉ số chính sai",
    "parts": "Thành phần không cộng đủ",
    "composed": "Không ghép được tổng điểm",
}


_DECIMAL = re.compile(r"-?\d+\.\d+")


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


def where(finding: Finding) -> str:
    """ "Bảng 1.7 (bao-cao.docx, bảng 10, dòng 3)" for a table's row; "bao-cao.docx, đoạn
    44 (so với PHỤ LỤC I)" for a sentence checked against a table."""
    location, table = finding.location, finding.table
    if location is None:
        parts = [table] + ([f"dòng {finding.row}"] if finding.row is not None else [])
    elif table in location:
        parts = [location]
    elif finding.row is not None:
        parts = [f"{table} ({location})"]
    else:
        parts = [f"{location} (so với {table})"]
    if finding.column:
        parts.append(f"cột “{finding.column}”")
    return ", ".join(parts)


def shown_value(value: str | None) -> str:
    """A finding's published or expected value as a Vietnamese reader writes it: a decimal
    comma ("22,7"); anything else as it is."""
    if value is None:
        return ""
    return value.replace(".", ",") if _DECIMAL.fullmatch(value) else value


def marked_html(finding: Finding) -> str:
    """The finding's context, escaped, with its wrong figure in <mark>."""
    context = html.escape(clean_text(finding.context or ""))
    if finding.mark:
        mark = html.escape(clean_text(finding.mark))
        if mark and mark in context:
            return context.replace(mark, f"<mark>{mark}</mark>", 1)
    return context


def to_html(campaign: Campaign, result: DocumentAudit) -> str:
    e = html.escape
    title = f"Kết quả kiểm tra báo cáo: {campaign.title or campaign.province} ({campaign.year})"
    out = [
        "<!doctype html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3rem;"
        "vertical-align:top;text-align:left}mark{background:#ffd54f}"
        ".scroll{overflow-x:auto}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>Tệp: {e(', '.join(d.source for d in result.documents))}. "
        f"{len(result.findings)} sai lệch; {len(result.tables)} bảng; "
        f"{len(result.checked)} câu đã đối chiếu với các bảng.</p>",
        "<h2>Các sai lệch</h2>",
    ]
    if not result.findings:
        out.append("<p>Không có sai lệch.</p>")
    else:
        out.append(
            '<div class="scroll"><table><thead><tr><th>Loại</th><th>Ở đâu</th>'
            "<th>Đơn vị</th><th>In</th><th>Đúng ra</th><th>Vì sao</th>"
            "<th>Dòng hoặc câu như đã in</th></tr></thead><tbody>"
        )
        for f in result.findings:
            out.append(
                f"<tr><td>{e(kind_name(f.kind))}</td><td>{e(where(f))}</td>"
                f"<td>{e(f.unit or '')}</td><td>{e(shown_value(f.published))}</td>"
                f"<td>{e(shown_value(f.expected))}</td><td>{e(clean_text(f.message))}</td>"
                f"<td>{marked_html(f)}</td></tr>"
            )
        out.append("</tbody></table></div>")
    out.append("<h2>Các bảng trong báo cáo</h2><ul>")
    for table in result.tables:
        out.append(f"<li>{e(table.label)}: {e(clean_text(table.describe(campaign)))}</li>")
    out.append("</ul><h2>Các câu đã đối chiếu</h2><ul>")
    for checked in result.checked:
        place = checked.sentence.where.describe()
        against = f" (với {checked.against})" if checked.against else ""
        out.append(f"<li>{e(place)}{e(against)}: {e(clean_text(checked.sentence.text))}</li>")
    out.append("</ul></body></html>")
    return "\n".join(out)


def to_xlsx(campaign: Campaign, result: DocumentAudit, path: Path | None = None) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    findings = book.create_sheet("Sai lệch")
    _row(
        findings,
        [
            "Loại",
            "Ở đâu",
            "Đơn vị",
            "Cột",
            "In",
            "Đúng ra",
            "Vì sao",
            "Dòng hoặc câu như đã in",
            "Phần sai",
        ],
        bold,
    )
    for f in result.findings:
        _row(
            findings,
            [
                kind_name(f.kind),
                where(f),
                f.unit,
                f.column,
                shown_value(f.published),
                shown_value(f.expected),
                f.message,
                f.context,
                f.mark,
            ],
        )
    tables = book.create_sheet("Bảng")
    _row(tables, ["Bảng", "Ở đâu", "Là bảng"], bold)
    for t in result.tables:
        _row(tables, [t.label, t.block.where.describe(), t.describe(campaign)])
    checked = book.create_sheet("Câu đã đối chiếu")
    _row(checked, ["Ở đâu", "Đối chiếu với", "Câu"], bold)
    for c in result.checked:
        _row(checked, [c.sentence.where.describe(), c.against, c.sentence.text])
    stream = io.BytesIO()
    book.save(stream)
    data = stream.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


def _row(sheet: WriteOnlyWorksheet, values: Sequence[object], font: Font | None = None) -> None:
    cells = []
    for value in values:
        cell = WriteOnlyCell(
            sheet, value=spreadsheet_text(str(value)) if value is not None else None
        )
        if font is not None:
            cell.font = font
        cells.append(cell)
    sheet.append(cells)
