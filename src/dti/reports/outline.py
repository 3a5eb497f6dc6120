"""The report as a sequence of blocks: what the official report says, in which order and
with which emphasis, once for both renderers (dti.reports.docx writes the blocks as Word
paragraphs and tables, dti.reports.direct_pdf draws them). The layout of the page is in
dti.reports.layout; the sentences come from dti.reports.statements, the numbers from the
report data: nothing is computed here.

The Vietnamese administrative layout (Nghị định 30/2020/NĐ-CP): the two-column header
(issuing body; national motto), the title, sections I–IV, "Nơi nhận" and the signature
block; then, on landscape pages, the contents of the appendices and the appendices.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from dti.reports import charts as chart
from dti.reports import statements as say
from dti.reports.layout import BODY_PT, NOTE_PT
from dti.reports.model import (
    DRAFT,
    Appendix,
    AppendixTable,
    ClassCount,
    Header,
    IndexSummary,
    LevelReport,
    Report,
)
from dti.reports.texts import BLANK

_LEVEL_LETTERS = "abcdefghijklmnopqrstuvwxyz"
CONTENTS_TITLE = "MỤC LỤC"


class Align(str, Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "justify"


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    italic: bool = False
    size: float = BODY_PT
    align: Align = Align.CENTER
    before: float = 0  # points of space
    after: float = 0
    indent: bool = False  # first line indented 1 cm, 1.15 line spacing (a body paragraph)
    level: int = 0  # an item under an item: its first line indented 1 cm more per level
    keep_with_next: bool = False
    page_break_before: bool = False
    outline: int | None = None  # 0, 1, 2: an entry of the contents at that depth


@dataclass(frozen=True)
class Heading:
    """The two-column header: issuing body | national motto, then number | place and date."""

    header: Header


@dataclass(frozen=True)
class Picture:
    png: bytes
    width_cm: float


@dataclass(frozen=True)
class Closing:
    """'Nơi nhận' on the left, the signer on the right."""

    recipients: tuple[str, ...]
    signer_title: str
    signer_name: str


@dataclass(frozen=True)
class Landscape:
    """From here on, landscape pages (the appendices)."""


@dataclass(frozen=True)
class Contents:
    """The table of contents: every Para with an outline depth, with its page."""


@dataclass(frozen=True)
class Table:
    table: AppendixTable


Block = Para | Heading | Picture | Closing | Landscape | Contents | Table


def outline(report: Report, *, charts: bool = True, profiles: bool = False) -> Iterator[Block]:
    """The report's blocks in order; `charts` includes the level charts, `profiles` one
    chart per unit after the appendices."""
    if report.draft:  # above the header, on the right
        yield Para(DRAFT, bold=True, size=14, align=Align.RIGHT, after=6)
    yield Heading(report.header)
    yield Para("BÁO CÁO", bold=True, size=14, before=18)
    yield Para(report.title, bold=True, size=14, after=18)
    for basis in report.legal_bases:
        yield body(basis, italic=True)
    yield from _section_one(report)
    yield from _section_two(report, charts)
    yield from _section_three(report)
    yield from _section_four(report)
    yield body(f"Trên đây là báo cáo {report.title[:1].lower() + report.title[1:]}./.")
    yield Closing(report.recipients, report.signer_title, report.signer_name or BLANK * 4)
    if report.appendices:
        yield from _appendices(report)
    if profiles:
        yield from _profiles(report)


def body(text: str, *, italic: bool = False, depth: int = 0) -> Para:
    """A body paragraph: justified, first line indented (more for a part `depth` levels
    below a main index), 6 pt after, 1.15 line spacing."""
    return Para(text, italic=italic, align=Align.JUSTIFY, after=6, indent=True, level=depth)


def heading(text: str, depth: int | None = None) -> Para:
    return Para(
        text, bold=True, align=Align.JUSTIFY, after=6, indent=True, keep_with_next=True,
        outline=depth,
    )  # fmt: skip


def _items(items: Sequence[str], mark: str = "-") -> Iterator[Para]:
    for item in items:
        yield body(f"{mark} {item}")


def _section_one(report: Report) -> Iterator[Block]:
    yield heading("I. MỤC ĐÍCH, NỘI DUNG VÀ PHƯƠNG PHÁP ĐÁNH GIÁ", 0)
    yield heading("1. Mục đích")
    yield from _items(report.purpose)
    yield heading("2. Nội dung và phương pháp đánh giá")
    for level in report.levels:
        yield body(f"- {say.method_sentence(level)}")
        yield body(f"- {level.ranking_text}")
        if level.class_text:
            yield body(f"- {level.class_text}")
    yield from _items(report.method)
    if report.source:
        yield body(f"- Số liệu đánh giá: {report.source}.")
    yield heading("3. Quá trình thực hiện")
    yield from _items(report.process or (BLANK * 6,))


def _section_two(report: Report, charts: bool) -> Iterator[Block]:
    yield heading(f"II. KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG NĂM {report.year}", 0)
    for number, level in enumerate(report.levels, start=1):
        yield heading(f"{number}. Khối {level.name} ({level.unit_count:02d} đơn vị)", 1)
        yield from _level_results(level, charts)
    for number, unassessed in enumerate(report.unassessed, start=len(report.levels) + 1):
        yield heading(f"{number}. {say.unassessed_heading(unassessed, report.year)}", 1)
        yield body(say.unassessed_sentence(unassessed, report.year))


def _level_results(level: LevelReport, charts: bool) -> Iterator[Block]:
    letters = iter(_LEVEL_LETTERS)
    general = level.appendices[0]
    yield heading(f"{next(letters)}) Xếp hạng chung")
    yield body(say.level_intro(level))
    yield from _items(say.class_sentences(level.classes))
    yield body(f"- {say.top_sentence(level)}")
    yield body(f"- {say.bottom_sentence(level)}")
    yield body(f"- {say.average_sentence(level)}")
    yield body(f"(Kèm theo {general.label})", italic=True)
    if charts and level.classes:
        title = f"Xếp loại khối {level.name}"
        yield Picture(_class_chart(level.classes, title), 15.5)
    for group in level.groups:
        yield heading(f"{next(letters)}) {group.name}")
        yield body(say.group_size(group))
        yield from _items(say.class_sentences(group.classes))
        yield body(f"(Kèm theo {group.appendix})", italic=True)
    yield heading(f"{next(letters)}) Kết quả theo từng chỉ số chính")
    for index in level.indices:
        yield body(f"- {say.index_sentence(index)}")
        for depth, sentence in say.part_sentences(index):  # its parts, as deep as asked
            yield body(f"{'+' if depth == 1 else '·'} {sentence}", depth=depth)
    yield body(f"(Kèm theo {level.appendices[-1].label})", italic=True)
    if charts and level.indices:
        title = f"Tỷ lệ điểm bình quân theo chỉ số chính — khối {level.name}"
        yield Picture(_index_chart(level.indices, title), 15.5)


# A level's charts are drawn once per process for the same data, however many files of
# the report are made (the DOCX and the PDF of one download draw the same two).
@lru_cache(maxsize=16)
def _class_chart(classes: tuple[ClassCount, ...], title: str) -> bytes:
    return chart.class_distribution(classes, title)


@lru_cache(maxsize=16)
def _index_chart(indices: tuple[IndexSummary, ...], title: str) -> bytes:
    return chart.index_averages(indices, title)


def _section_three(report: Report) -> Iterator[Block]:
    yield heading("III. NHẬN XÉT, ĐÁNH GIÁ", 0)
    yield from _items(report.general_remarks)
    written = False
    for level in report.levels:
        remarks = [f"{index.name}: {index.remark}" for index in level.indices if index.remark]
        if remarks:
            yield body(f"Khối {level.name}:")
            yield from _items(remarks)
            written = True
    if not written and not report.general_remarks:
        yield from _items((BLANK * 6,))


def _section_four(report: Report) -> Iterator[Block]:
    yield heading("IV. ĐỀ XUẤT, KIẾN NGHỊ", 0)
    yield from _items(report.recommendations)
    yield body("- Đề nghị khen thưởng các đơn vị có kết quả chuyển đổi số cao, cụ thể:")
    yield from _items([say.commendation_sentence(level) for level in report.levels], mark="+")


def appendix_reference(report: Report) -> str:
    number = report.header.number.replace("Số:", "số").strip()
    return (
        f"(Kèm theo Báo cáo {number} ngày {BLANK}/{BLANK}/{BLANK} của {report.header.issuing_body})"
    )


def _appendices(report: Report) -> Iterator[Block]:
    """Landscape pages: the contents, then each appendix from a new page."""
    yield Landscape()
    yield Para(CONTENTS_TITLE, bold=True, after=12)
    yield Contents()
    reference = appendix_reference(report)
    for appendix in report.appendices:
        yield from _appendix(appendix, reference)


def _appendix(appendix: Appendix, reference: str) -> Iterator[Block]:
    """A break before the label, not a paragraph holding a break: a table that fills its
    page exactly would otherwise leave a blank page behind it."""
    yield Para(
        appendix.label.upper(), bold=True, page_break_before=True, keep_with_next=True,
        outline=1,
    )  # fmt: skip
    yield Para(appendix.title, bold=True, keep_with_next=True)
    yield Para(reference, italic=True, after=6, keep_with_next=True)
    for table in appendix.tables:
        if table.title:
            yield Para(
                table.title, bold=True, align=Align.LEFT, before=6, keep_with_next=True,
                outline=2,
            )  # fmt: skip
        yield Table(table)
        if table.note:
            yield Para(
                f"Ghi chú: {table.note}", italic=True, size=NOTE_PT, align=Align.JUSTIFY, before=6
            )


def _profiles(report: Report) -> Iterator[Block]:
    for level in report.levels:
        title = f"BIỂU ĐỒ CHỈ SỐ CHÍNH CỦA TỪNG ĐƠN VỊ — KHỐI {level.name.upper()}"
        yield Para(title, bold=True, after=6, page_break_before=True, outline=1)
        for profile in level.profiles:
            yield Picture(chart.unit_profile(profile, level.indices), 17.0)
