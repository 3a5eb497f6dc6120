"""The report as a DOCX in the Vietnamese administrative layout: the blocks of
dti.reports.outline written as Word paragraphs and tables, on the pages of
dti.reports.layout (A4 portrait, the appendices landscape), "Trang x/y" in the footer,
Liberation Serif throughout (docs/reports.md, "Layout" and "Fonts").

The narrative is written with python-docx. The appendix tables, which hold nearly all of a
large report's cells, are written as WordprocessingML text and streamed into the package
(dti.reports.word_tables): python-docx leaves a placeholder paragraph for each, and the
document part is rewritten with the tables in their place while the package is copied.
Nothing is computed here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.section import Section
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from dti.reports import layout
from dti.reports.layout import BODY_PT, LANDSCAPE, PORTRAIT, Page, TableLayout, table_layout
from dti.reports.model import DRAFT, KEYWORDS, AppendixTable, Header, Report
from dti.reports.outline import (
    Align,
    Block,
    Closing,
    Contents,
    Heading,
    Landscape,
    Para,
    Picture,
    Table,
    outline,
)
from dti.reports.word_tables import CELL_STYLES, borderless, table_chunks
from dti.reports.wordml import (
    contents_field,
    outline_level,
    page_of_pages,
    rule_below,
    update_fields_on_open,
    use_font,
)

_ALIGN = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
    Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_PLACEHOLDER = "DTI-APPENDIX-TABLE-{}"
_DOCUMENT_PART = "word/document.xml"


def render_docx(report: Report, *, charts: bool = True, profiles: bool = False) -> bytes:
    """The report's DOCX bytes; `charts` embeds the level charts, `profiles` adds one chart
    per unit after the appendices."""
    document = new_document()
    use_font(document, int(BODY_PT))
    _cell_styles(document)
    _properties(document, report)
    _page(document.sections[0], PORTRAIT)
    page_of_pages(_footer(document.sections[0]))
    blocks = list(outline(report, charts=charts, profiles=profiles))
    tables: list[tuple[AppendixTable, TableLayout]] = []
    for block in blocks:
        _write(document, block, blocks, tables)
    if any(isinstance(block, Contents) for block in blocks):
        update_fields_on_open(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_tables(buffer.getvalue(), tables)


def _write(
    document: Document,
    block: Block,
    blocks: Sequence[Block],
    tables: list[tuple[AppendixTable, TableLayout]],
) -> None:
    if isinstance(block, Para):
        _para(document, block)
    elif isinstance(block, Heading):
        _header(document, block.header)
    elif isinstance(block, Picture):
        document.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
        paragraph = document.paragraphs[-1]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(6)
    elif isinstance(block, Closing):
        _closing(document, block)
    elif isinstance(block, Landscape):
        section = document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        _page(section, LANDSCAPE)
    elif isinstance(block, Contents):
        entries = [
            (b.outline, b.text) for b in blocks if isinstance(b, Para) and b.outline is not None
        ]
        contents_field(document.add_paragraph(), entries)
    elif isinstance(block, Table):
        tables.append((block.table, table_layout(block.table, LANDSCAPE.frame_width)))
        document.add_paragraph(_PLACEHOLDER.format(len(tables) - 1))


def _cell_styles(document: Document) -> None:
    """One paragraph style per alignment for the cells of the appendix tables: no space
    after, single spacing (written once, not in each of a quarter of a million cells)."""
    for align, style_id in CELL_STYLES.items():
        style = document.styles.add_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
        style.hidden = True
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.line_spacing = 1.0
        style.paragraph_format.alignment = _ALIGN[Align(align)]


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


def _page(section: Section, page: Page) -> None:
    section.page_width, section.page_height = Pt(page.width), Pt(page.height)
    section.top_margin, section.bottom_margin = Pt(page.top), Pt(page.bottom)
    section.left_margin, section.right_margin = Pt(page.left), Pt(page.right)
    section.footer_distance = Pt(layout.FOOTER_FROM_EDGE)


def _footer(section: Section) -> Paragraph:
    footer: Paragraph = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return footer


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


def _para(document: Document, block: Para) -> None:
    paragraph = _line(
        document,
        block.text,
        bold=block.bold,
        italic=block.italic,
        size=block.size,
        align=_ALIGN[block.align],
        after=block.after,
    )
    form = paragraph.paragraph_format
    form.space_before = Pt(block.before)
    if block.indent:
        form.first_line_indent = Cm(1.0 + block.level)
        form.line_spacing = 1.15
    if block.keep_with_next:
        form.keep_with_next = True
    if block.page_break_before:
        form.page_break_before = True
    if block.outline is not None:
        outline_level(paragraph, block.outline)


def _header(document: Document, header: Header) -> None:
    """Issuing body | national motto, then number | place and date."""
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


def _closing(document: Document, closing: Closing) -> None:
    table = borderless(document, 2, [Cm(8.0), Cm(8.0)])
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for recipient in closing.recipients:
        _line(left, f"- {recipient}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].text = ""
    _line(right, closing.signer_title, bold=True, size=13, after=60)
    _line(right, closing.signer_name, bold=True, size=13)
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)


def _with_tables(package: bytes, tables: Sequence[tuple[AppendixTable, TableLayout]]) -> bytes:
    """The package with each placeholder paragraph of word/document.xml replaced by its
    table, the document part written as a stream (never whole in memory at 3,300 units)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename != _DOCUMENT_PART:
                target.writestr(info, source.read(info.filename))
                continue
            part = zipfile.ZipInfo(_DOCUMENT_PART, date_time=info.date_time)
            part.compress_type = zipfile.ZIP_DEFLATED
            with target.open(part, "w") as stream:
                for piece in _document_pieces(source.read(info).decode("utf-8"), tables):
                    stream.write(piece.encode("utf-8"))
    return out.getvalue()


def _document_pieces(
    xml: str, tables: Sequence[tuple[AppendixTable, TableLayout]]
) -> Iterator[str]:
    position = 0
    for number, (table, table_layout_) in enumerate(tables):
        token = xml.index(_PLACEHOLDER.format(number) + "<", position)
        start = max(xml.rfind("<w:p>", position, token), xml.rfind("<w:p ", position, token))
        end = xml.index("</w:p>", token) + len("</w:p>")
        yield xml[position:start]
        yield from table_chunks(table, table_layout_)
        position = end
    yield xml[position:]
