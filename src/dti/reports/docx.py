"""The report as a DOCX in the Vietnamese administrative layout (Nghị định 30/2020/NĐ-CP):
the two-column header (issuing body; national motto), number and place/date left for the
office to fill, the title, sections I–IV, "Nơi nhận" and the signature block, then the
appendices in landscape as real Word tables whose header row repeats on every page.
A4, page numbers in the footer, Liberation Serif throughout (docs/reports.md, "Fonts").

Nothing is computed here: every sentence comes from dti.reports.statements, every number
from the report data.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from dti.reports import charts as chart
from dti.reports import statements as say
from dti.reports.model import DRAFT, Appendix, LevelReport, Report
from dti.reports.texts import BLANK
from dti.reports.word_tables import appendix_table, borderless
from dti.reports.wordml import page_field, rule_below, use_font

BODY_PT = 13
KEYWORDS = ("DTI", "chuyển đổi số")  # every report's; Report.keywords follow
_INDENT = Cm(1.0)
_LEVEL_LETTERS = "abcdefgh"


def render_docx(report: Report, *, charts: bool = True, profiles: bool = False) -> bytes:
    """The report's DOCX bytes; `charts` embeds the level charts, `profiles` adds one chart
    per unit after the appendices."""
    document = new_document()
    use_font(document, BODY_PT)
    _properties(document, report)
    _portrait(document)
    if report.draft:  # above the header, on the right
        _line(document, DRAFT, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT, after=6)
    _header(document, report)
    _title(document, report)
    _section_one(document, report)
    _section_two(document, report, charts)
    _section_three(document, report)
    _section_four(document, report)
    _closing(document, report)
    _appendices(document, report)
    if profiles:
        _profiles(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(document: Document, report: Report) -> None:
    """The file's own metadata; python-docx's template would name itself the author."""
    properties = document.core_properties
    properties.title = f"{DRAFT} - {report.title}" if report.draft else report.title
    properties.subject = f"Chỉ số chuyển đổi số (DTI) {report.province} năm {report.year}"
    properties.author = properties.last_modified_by = report.header.issuing_body.strip("…")
    properties.language = "vi-VN"
    properties.keywords = ", ".join((*KEYWORDS, *report.keywords))
    properties.comments = ""
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)


def _portrait(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(footer)


def _line(
    where: Document | _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = BODY_PT,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    after: float = 0,
) -> Paragraph:
    paragraph = where.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def _text(document: Document, text: str, *, italic: bool = False) -> Paragraph:
    """A body paragraph: justified, first line indented, 6 pt after, 1.15 line spacing."""
    paragraph = _line(document, text, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
    paragraph.paragraph_format.first_line_indent = _INDENT
    paragraph.paragraph_format.line_spacing = 1.15
    return paragraph


def _items(document: Document, items: Sequence[str], mark: str = "-") -> None:
    for item in items:
        _text(document, f"{mark} {item}")


def _heading(document: Document, text: str) -> None:
    paragraph = _line(document, text, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
    paragraph.paragraph_format.first_line_indent = _INDENT
    paragraph.paragraph_format.keep_with_next = True


def _header(document: Document, report: Report) -> None:
    """Issuing body | national motto, then number | place and date."""
    header = report.header
    table = borderless(document, 2, [Cm(6.5), Cm(9.5)])
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    right.paragraphs[0].text = ""
    _line(left, header.parent_body, size=13)
    body = _line(left, header.issuing_body, bold=True, size=13)
    body.paragraph_format.left_indent = body.paragraph_format.right_indent = Cm(1.2)
    rule_below(body)
    _line(left, header.number, size=13).paragraph_format.space_before = Pt(6)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    motto = _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    motto.paragraph_format.left_indent = motto.paragraph_format.right_indent = Cm(1.5)
    rule_below(motto)
    date = _line(right, header.place_date, italic=True, size=13)
    date.paragraph_format.space_before = Pt(6)
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)


def _title(document: Document, report: Report) -> None:
    _line(document, "BÁO CÁO", bold=True, size=14).paragraph_format.space_before = Pt(18)
    _line(document, report.title, bold=True, size=14, after=18)
    for basis in report.legal_bases:
        _text(document, basis, italic=True)


def _section_one(document: Document, report: Report) -> None:
    _heading(document, "I. MỤC ĐÍCH, NỘI DUNG VÀ PHƯƠNG PHÁP ĐÁNH GIÁ")
    _heading(document, "1. Mục đích")
    _items(document, report.purpose)
    _heading(document, "2. Nội dung và phương pháp đánh giá")
    for level in report.levels:
        _text(document, f"- {say.method_sentence(level)}")
        _text(document, f"- {level.ranking_text}")
        if level.class_text:
            _text(document, f"- {level.class_text}")
    _items(document, report.method)
    if report.source:
        _text(document, f"- Số liệu đánh giá: {report.source}.")
    _heading(document, "3. Quá trình thực hiện")
    _items(document, report.process or (BLANK * 6,))


def _section_two(document: Document, report: Report, charts: bool) -> None:
    _heading(document, f"II. KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG NĂM {report.year}")
    for number, level in enumerate(report.levels, start=1):
        _heading(document, f"{number}. Khối {level.name} ({level.unit_count:02d} đơn vị)")
        _level_results(document, level, charts)


def _level_results(document: Document, level: LevelReport, charts: bool) -> None:
    letters = iter(_LEVEL_LETTERS)
    general = level.appendices[0]
    _heading(document, f"{next(letters)}) Xếp hạng chung")
    _text(document, say.level_intro(level))
    _items(document, say.class_sentences(level.classes))
    _text(document, f"- {say.top_sentence(level)}")
    _text(document, f"- {say.bottom_sentence(level)}")
    _text(document, f"- {say.average_sentence(level)}")
    _text(document, f"(Kèm theo {general.label})", italic=True)
    if charts and level.classes:
        title = f"Xếp loại khối {level.name}"
        _picture(document, chart.class_distribution(level.classes, title))
    for group in level.groups:
        _heading(document, f"{next(letters)}) {group.name}")
        _text(document, say.group_size(group))
        _items(document, say.class_sentences(group.classes))
        _text(document, f"(Kèm theo {group.appendix})", italic=True)
    _heading(document, f"{next(letters)}) Kết quả theo từng chỉ số chính")
    _items(document, [say.index_sentence(index) for index in level.indices])
    _text(document, f"(Kèm theo {level.appendices[-1].label})", italic=True)
    if charts and level.indices:
        title = f"Tỷ lệ điểm bình quân theo chỉ số chính — khối {level.name}"
        _picture(document, chart.index_averages(level.indices, title))


def _picture(document: Document, png: bytes) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(15.5))
    paragraph = document.paragraphs[-1]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(6)


def _section_three(document: Document, report: Report) -> None:
    _heading(document, "III. NHẬN XÉT, ĐÁNH GIÁ")
    _items(document, report.general_remarks)
    written = False
    for level in report.levels:
        remarks = [f"{index.name}: {index.remark}" for index in level.indices if index.remark]
        if remarks:
            _text(document, f"Khối {level.name}:")
            _items(document, remarks)
            written = True
    if not written and not report.general_remarks:
        _items(document, (BLANK * 6,))


def _section_four(document: Document, report: Report) -> None:
    _heading(document, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    _items(document, report.recommendations)
    _text(document, "- Đề nghị khen thưởng các đơn vị có kết quả chuyển đổi số cao, cụ thể:")
    _items(document, [say.commendation_sentence(level) for level in report.levels], mark="+")


def _closing(document: Document, report: Report) -> None:
    title = report.title[:1].lower() + report.title[1:]
    _text(document, f"Trên đây là báo cáo {title}./.")
    table = borderless(document, 2, [Cm(8.0), Cm(8.0)])
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for recipient in report.recipients:
        _line(left, f"- {recipient}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].text = ""
    _line(right, report.signer_title, bold=True, size=13, after=60)
    _line(right, report.signer_name or BLANK * 4, bold=True, size=13)
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)


def _appendices(document: Document, report: Report) -> None:
    """Landscape pages; each appendix starts on a new page."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.0), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    width = section.page_width - section.left_margin - section.right_margin
    number = report.header.number.replace("Số:", "số").strip()
    reference = (
        f"(Kèm theo Báo cáo {number} ngày {BLANK}/{BLANK}/{BLANK} của {report.header.issuing_body})"
    )
    for position, appendix in enumerate(report.appendices):
        # The section break begins the first page; the others break before their label.
        _appendix(document, appendix, reference, width, new_page=position > 0)


def _appendix(
    document: Document, appendix: Appendix, reference: str, width: int, *, new_page: bool
) -> None:
    """A break before the label, not a paragraph holding a break: a table that fills its
    page exactly would otherwise leave a blank page behind it."""
    label = _line(document, appendix.label.upper(), bold=True)
    label.paragraph_format.page_break_before = new_page
    _line(document, appendix.title, bold=True)
    _line(document, reference, italic=True, after=6)
    for table in appendix.tables:
        if table.title:
            heading = _line(document, table.title, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
            heading.paragraph_format.space_before = Pt(6)
            heading.paragraph_format.keep_with_next = True
        appendix_table(document, table, width)
        if table.note:
            note = f"Ghi chú: {table.note}"
            paragraph = _line(
                document, note, italic=True, size=11, align=WD_ALIGN_PARAGRAPH.JUSTIFY
            )
            paragraph.paragraph_format.space_before = Pt(6)


def _profiles(document: Document, report: Report) -> None:
    for level in report.levels:
        title = f"BIỂU ĐỒ CHỈ SỐ CHÍNH CỦA TỪNG ĐƠN VỊ — KHỐI {level.name.upper()}"
        _line(document, title, bold=True, after=6).paragraph_format.page_break_before = True
        for profile in level.profiles:
            document.add_picture(
                io.BytesIO(chart.unit_profile(profile, level.indices)), width=Cm(17.0)
            )
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
