"""The report as a PDF drawn directly from the report data (ReportLab), in the layout of
the DOCX: the same blocks (dti.reports.outline) on the same pages (dti.reports.layout).

LibreOffice converts the 3,300-unit DOCX in about ten minutes; this renderer draws the same
report in seconds (docs/performance-reports.md), so it makes the standard report's PDF. An
office's own DOCX template still goes through LibreOffice (dti.reports.pdf).

The PDF has the contents of the appendices with their pages, bookmarks for every heading,
"Trang x/y" at the foot of each page, the Liberation Serif files embedded (subset), and the
report's keywords exactly as given (a published version's "dti-sha256:<hex>" included).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import IO, Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib.colors import black
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as LayoutTable
from reportlab.platypus.tableofcontents import TableOfContents

from dti.reports.layout import (
    CM,
    FOOTER_FROM_EDGE,
    LANDSCAPE,
    PORTRAIT,
    FontMissing,
    Page,
    font_name,
    table_layout,
)
from dti.reports.model import DRAFT, KEYWORDS, Header, Report
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
from dti.reports.pdf import PdfError
from dti.reports.pdf_tables import SKETCH, RowsTable, rows_of
from dti.text import clean_text

_ALIGN: dict[Align, Literal[0, 1, 2, 4]] = {  # ReportLab's TA_LEFT, TA_CENTER, …
    Align.LEFT: 0,
    Align.CENTER: 1,
    Align.RIGHT: 2,
    Align.JUSTIFY: 4,
}
_FOOTER_PT = 11


def render_pdf(report: Report, *, charts: bool = True, profiles: bool = False) -> bytes:
    """The report's PDF bytes; `charts` and `profiles` as for the DOCX. PdfError when the
    report's font is not installed."""
    try:
        story = list(_story(report, charts=charts, profiles=profiles))
        contents = any(isinstance(flowable, TableOfContents) for flowable in story)
        total = 0
        for _ in range(3):  # the second time the total is known; a third never seen
            buffer = io.BytesIO()
            document = _Document(buffer, report, total, has_contents=contents)
            document.multiBuild(list(story))
            if document.printed_total == document.page:
                return buffer.getvalue()
            total = document.page
    except FontMissing as error:
        raise PdfError(str(error)) from error
    raise PdfError("Không đánh số được các trang của báo cáo PDF.")


class _Document(BaseDocTemplate):
    """Portrait pages, then landscape ones; each heading with an outline depth becomes an
    entry of the contents and a bookmark.

    "Trang x/y" is drawn as each page ends, with y the number of pages of the previous pass
    (ReportLab makes passes until the contents' pages stop moving, and the first pass of a
    report with contents is never the last): the pages are never held back to be numbered.
    A report without contents, or whose last pass changed its length, is drawn again with
    the total it now knows (render_pdf)."""

    def __init__(
        self, buffer: io.BytesIO, report: Report, total: int, *, has_contents: bool
    ) -> None:
        title = f"{DRAFT} - {report.title}" if report.draft else report.title
        super().__init__(
            buffer,
            pagesize=(PORTRAIT.width, PORTRAIT.height),
            title=title,
            author=report.header.issuing_body.strip("…"),
            subject=f"Chỉ số chuyển đổi số (DTI) {report.province} năm {report.year}",
            keywords=[*KEYWORDS, *report.keywords],  # joined by ", " as the DOCX's
            creator="DTI",
            lang="vi-VN",
            invariant=False,
        )
        self.addPageTemplates(
            [
                _template("portrait", PORTRAIT, self._footer),
                _template("landscape", LANDSCAPE, self._footer),
            ]
        )
        self._entries = 0
        self.passes = 0
        self.known_total = total  # pages of the previous pass
        self.printed_total = total  # the total this pass prints
        self.has_contents = has_contents

    def build(
        self,
        flowables: list[Flowable],
        filename: str | IO[bytes] | None = None,
        canvasmaker: Any = Canvas,
    ) -> None:
        self.printed_total = self.known_total
        super().build(flowables, filename, canvasmaker)
        self.known_total = self.page

    def beforeDocument(self) -> None:  # ReportLab's hook, once per pass
        self._entries = 0
        self.passes += 1
        # The first pass only finds the pages of the contents' entries: the contents are
        # empty then, so a second pass always follows, and the tables' text (nearly all of
        # the drawing) need not be drawn (pdf_tables.SKETCH).
        setattr(self.canv, SKETCH, self.passes == 1 and self.has_contents)

    def afterFlowable(self, flowable: Flowable) -> None:  # ReportLab's hook
        if not isinstance(flowable, _Entry):
            return
        depth, text = flowable.depth, flowable.getPlainText()
        key = f"h{self._entries}"
        self._entries += 1
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=depth, closed=depth > 0)
        self.notify("TOCEntry", (depth, text, self.page, key))

    def _footer(self, canvas: Canvas, _: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font_name("regular"), _FOOTER_PT)
        canvas.setFillColor(black)
        width = self.pageTemplate.pagesize[0]
        text = f"Trang {self.page}/{self.printed_total}"
        canvas.drawCentredString(width / 2, FOOTER_FROM_EDGE, text)
        canvas.restoreState()


def _template(
    name: str, page: Page, footer: Callable[[Canvas, BaseDocTemplate], None]
) -> PageTemplate:
    frame = Frame(
        page.left, page.bottom, page.frame_width, page.frame_height,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name,
    )  # fmt: skip
    return PageTemplate(
        id=name, frames=[frame], pagesize=(page.width, page.height), onPageEnd=footer
    )


def _story(report: Report, *, charts: bool, profiles: bool) -> Iterator[Flowable]:
    for block in outline(report, charts=charts, profiles=profiles):
        yield from _flowables(block)


def _flowables(block: Block) -> Iterator[Flowable]:
    if isinstance(block, Para):
        if block.page_break_before:
            yield PageBreak()
        yield _paragraph(block)
    elif isinstance(block, Heading):
        yield _header(block.header)
    elif isinstance(block, Picture):
        yield _picture(block)
    elif isinstance(block, Closing):
        yield _closing(block)
    elif isinstance(block, Landscape):
        yield NextPageTemplate("landscape")
        yield PageBreak()
    elif isinstance(block, Contents):
        yield _contents()
    elif isinstance(block, Table):
        width = LANDSCAPE.frame_width
        layout = table_layout(block.table, width)
        table = RowsTable(block.table.columns, layout, rows_of(block.table))
        table.hAlign = "CENTER"
        yield table


def _style(
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: Align = Align.CENTER,
    before: float = 0,
    after: float = 0,
    indent: bool = False,
    level: int = 0,
) -> ParagraphStyle:
    variant = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
    return ParagraphStyle(
        "dti",
        fontName=font_name(variant),
        fontSize=size,
        leading=size * (1.15 * 1.17 if indent else 1.17),
        alignment=_ALIGN[align],
        spaceBefore=before,
        spaceAfter=after,
        firstLineIndent=(1.0 + level) * CM if indent else 0,
    )


def _markup(text: str) -> str:
    return escape(clean_text(text))


def _paragraph(block: Para) -> Paragraph:
    style = _style(
        size=block.size, bold=block.bold, italic=block.italic, align=block.align,
        before=block.before, after=block.after, indent=block.indent, level=block.level,
    )  # fmt: skip
    paragraph = (
        Paragraph(_markup(block.text), style)
        if block.outline is None
        else _Entry(block.outline, _markup(block.text), style)
    )
    paragraph.keepWithNext = block.keep_with_next
    return paragraph


class _Entry(Paragraph):
    """A heading that is an entry of the contents and a bookmark, at `depth`."""

    def __init__(self, depth: int, text: str, style: ParagraphStyle) -> None:
        super().__init__(text, style)
        self.depth = depth


def _line(
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Align = Align.CENTER,
) -> Paragraph:
    return Paragraph(_markup(text), _style(size=size, bold=bold, italic=italic, align=align))


def _header(header: Header) -> LayoutTable:
    """Issuing body | national motto (each with its short rule), then number | place, date."""
    left = [
        _line(header.parent_body, 13),
        _line(header.issuing_body, 13, bold=True),
        HRFlowable(width="40%", thickness=0.5, color=black, spaceBefore=1, spaceAfter=6),
        _line(header.number, 13),
    ]
    right = [
        _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True),
        _line("Độc lập - Tự do - Hạnh phúc", 13, bold=True),
        HRFlowable(width="55%", thickness=0.5, color=black, spaceBefore=1, spaceAfter=6),
        _line(header.place_date, 13, italic=True),
    ]
    return _columns(left, right, (6.5 * CM, 9.5 * CM))


def _closing(closing: Closing) -> LayoutTable:
    left: list[Flowable] = [_line("Nơi nhận:", 12, bold=True, italic=True, align=Align.LEFT)]
    left += [_line(f"- {recipient}", 11, align=Align.LEFT) for recipient in closing.recipients]
    right = [
        _line(closing.signer_title, 13, bold=True),
        Spacer(1, 60),
        _line(closing.signer_name, 13, bold=True),
    ]
    return _columns(left, right, (8.0 * CM, 8.0 * CM))


def _columns(
    left: list[Flowable], right: list[Flowable], widths: tuple[float, float]
) -> LayoutTable:
    table = LayoutTable([[left, right]], colWidths=widths, spaceBefore=0, spaceAfter=6)
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
    return table


def _picture(block: Picture) -> Image:
    width, height = ImageReader(io.BytesIO(block.png)).getSize()
    shown = block.width_cm * CM
    image = Image(io.BytesIO(block.png), width=shown, height=shown * height / width)
    image.spaceAfter = 6
    return image


def _contents() -> TableOfContents:
    contents = TableOfContents()
    contents.levelStyles = [
        ParagraphStyle(
            f"contents{depth}",
            fontName=font_name("bold" if depth == 0 else "regular"),
            fontSize=11,
            leading=14,
            leftIndent=(depth + 1) * 0.6 * CM,
            firstLineIndent=-0.6 * CM,
        )
        for depth in range(3)
    ]
    return contents
