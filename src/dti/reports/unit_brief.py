"""The one-page brief for a unit's head: where the unit stands, where it lost its points, and
the shortest path up (dti.planner), as a PDF drawn directly with ReportLab in the report's
font. Built from a plain data object; the renderer computes nothing and always fits one A4
page (long lists are cut, saying how many rows were left out)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dti.reports.layout import CM, HEADER_FILL, PORTRAIT, font_name
from dti.reports.model import BriefLoss, UnitBrief
from dti.text import clean_text

MAX_LOSS_ROWS = 12
MAX_STEPS = 10

__all__ = ["BriefLoss", "UnitBrief", "render_unit_brief"]


def render_unit_brief(brief: UnitBrief) -> bytes:
    out = io.BytesIO()
    page = PORTRAIT
    document = SimpleDocTemplate(
        out,
        pagesize=(page.width, page.height),
        leftMargin=2 * CM,
        rightMargin=2 * CM,
        topMargin=1.5 * CM,
        bottomMargin=1.5 * CM,
        title=clean_text(f"{brief.unit}: {brief.title}"),
    )
    styles = _styles()
    story = [
        Paragraph(_text(brief.title), styles["small"]),
        Paragraph(_text(brief.unit), styles["title"]),
        Paragraph(_text(brief.standing), styles["lead"]),
        Spacer(1, 0.3 * CM),
        Paragraph("Đơn vị mất điểm ở đâu", styles["heading"]),
        _losses_table(brief.losses, styles),
        Spacer(1, 0.3 * CM),
        Paragraph("Con đường ngắn nhất để lên hạng", styles["heading"]),
        Paragraph(_text(brief.target), styles["body"]),
        *(Paragraph(f"{n}. {_text(step)}", styles["body"]) for n, step in _numbered(brief.steps)),
        Spacer(1, 0.3 * CM),
        Paragraph(_text(brief.note), styles["small"]),
    ]
    width = page.width - 4 * CM
    height = page.height - 3 * CM
    document.build([KeepInFrame(width, height, story, mode="shrink")])
    return out.getvalue()


def _numbered(steps: tuple[str, ...]) -> list[tuple[int, str]]:
    shown = list(enumerate(steps[:MAX_STEPS], start=1))
    if len(steps) > MAX_STEPS:
        shown.append(
            (MAX_STEPS + 1, f"… và {len(steps) - MAX_STEPS} tiêu chí khác (xem trên cổng).")
        )
    return shown


def _losses_table(losses: tuple[BriefLoss, ...], styles: dict[str, ParagraphStyle]) -> Table:
    header = ["Chỉ số chính", "Điểm", "Bị mất", "Đạt", "Dẫn đầu khối"]
    rows: list[list[Paragraph | str]] = [[Paragraph(h, styles["cell_bold"]) for h in header]]
    for loss in losses[:MAX_LOSS_ROWS]:
        cells = [loss.index, loss.score, loss.lost, loss.percent, loss.best]
        rows.append([Paragraph(_text(c), styles["cell"]) for c in cells])
    if len(losses) > MAX_LOSS_ROWS:
        rest = f"… và {len(losses) - MAX_LOSS_ROWS} chỉ số khác"
        rows.append([Paragraph(rest, styles["cell"]), "", "", "", ""])
    widths = [5.6 * CM, 2.3 * CM, 1.8 * CM, 1.8 * CM, 5.5 * CM]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#808080")),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor(f"#{HEADER_FILL}")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = font_name("regular"), font_name("bold")
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4),
        "lead": ParagraphStyle("lead", fontName=regular, fontSize=13, leading=17),
        "heading": ParagraphStyle(
            "heading", fontName=bold, fontSize=13, leading=17, spaceBefore=4, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=12, leading=16, spaceAfter=2),
        "small": ParagraphStyle("small", fontName=regular, fontSize=10, leading=13),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=10, leading=12),
        "cell_bold": ParagraphStyle("cell_bold", fontName=bold, fontSize=10, leading=12),
    }


def _text(text: str) -> str:
    """Text as a Paragraph reads it: control characters dropped, markup characters escaped."""
    return escape(clean_text(text))
