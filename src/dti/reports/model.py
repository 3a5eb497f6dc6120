"""The report's types: plain, frozen data that the renderers read. dti.reports.data
builds them from a campaign's results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from dti.results import LevelResult

DRAFT = "DỰ THẢO"  # how a Vietnamese office marks a document not yet issued


class ColumnKind(str, Enum):
    RANK = "rank"
    TEXT = "text"
    POINTS = "points"
    PERCENT = "percent"  # value in percent (99.3 for 99,3%)
    DTI = "dti"  # 0–1


@dataclass(frozen=True)
class Cell:
    """A number (or text) and how the report prints it (Vietnamese: decimal comma)."""

    value: Decimal | int | str | None
    text: str


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind
    decimals: int = 0


@dataclass(frozen=True)
class AppendixTable:
    title: str  # "" when the appendix holds one table
    sheet: str  # the XLSX sheet's name
    key: str  # the ranking shown: "general", "group:<code>", "index:<code>"
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]  # one per unit, in rank order
    unit_ids: tuple[str, ...]  # the unit of each row
    max_row: tuple[Cell, ...] | None = None  # "Điểm tối đa"
    note: str = ""
    # Titled runs of rows, as the office groups a long list (by former district, by peer
    # group): (index of the section's first row in `rows`, its title), in row order. Empty:
    # one list. The renderers print each title on a row of its own spanning the table.
    sections: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Appendix:
    number: str  # Roman numeral
    title: str
    level: str
    tables: tuple[AppendixTable, ...]

    @property
    def label(self) -> str:
        return f"Phụ lục {self.number}"


@dataclass(frozen=True)
class RankedLine:
    """A unit named in a statement, with its rank and displayed value."""

    rank: int
    unit: str  # unit id
    name: str
    value: Decimal
    text: str  # "496,16 điểm", "99,3%", "0,8123"
    class_label: str | None


@dataclass(frozen=True)
class ClassCount:
    label: str
    units: tuple[RankedLine, ...]  # in rank order
    share: Decimal  # percent of the ranked units, one decimal

    @property
    def count(self) -> int:
        return len(self.units)


@dataclass(frozen=True)
class GroupSummary:
    code: str
    name: str
    size: int
    classes: tuple[ClassCount, ...]  # every band, empty ones included
    appendix: str  # "Phụ lục II"


@dataclass(frozen=True)
class IndexSummary:
    """A main index across a level (or a part of one: a component, a sub-criterion): units
    at or above half of their applicable max."""

    code: str
    name: str
    applicable: int  # units for which the index applies
    reached: int  # of them, units scoring at least 50 % of their applicable max
    reached_percent: Decimal
    below_percent: Decimal
    average_percent: Decimal  # mean of score / applicable max, one decimal
    remark: str  # the office's text
    # The node's children, each with its own parts, as deep as the office asks
    # (ReportTexts.detail_depth) and the level's scores know them; () below that.
    parts: tuple[IndexSummary, ...] = ()


@dataclass(frozen=True)
class Average:
    value: Decimal
    text: str  # "438,52 điểm", "93,2%"
    unit: str  # "điểm", "%" or "" (DTI)
    previous_year: int | None = None
    previous: Decimal | None = None
    change: Decimal | None = None  # value - previous, when both are on the same scale


@dataclass(frozen=True)
class UnitProfile:
    unit: str
    name: str
    rank: int
    indices: tuple[tuple[str, Decimal], ...]  # (main index name, percent of applicable max)


@dataclass(frozen=True)
class LevelReport:
    code: str
    name: str
    framework_name: str
    framework_source: str
    framework_max: Decimal
    indices_max: tuple[tuple[str, Decimal], ...]  # (main index name, max)
    unit_count: int
    ranking_text: str  # how units are compared, in plain Vietnamese
    class_text: str  # the class bands, "" without classification
    classes: tuple[ClassCount, ...]  # every band of the general ranking, empty ones included
    groups: tuple[GroupSummary, ...]
    indices: tuple[IndexSummary, ...]
    top: tuple[RankedLine, ...]
    bottom: tuple[RankedLine, ...]
    average: Average
    commendations: tuple[RankedLine, ...]
    commendation_basis: str  # "xếp loại Tốt", "xếp hạng từ 1 đến 3"
    appendices: tuple[Appendix, ...]
    profiles: tuple[UnitProfile, ...]  # in rank order


@dataclass(frozen=True)
class UnassessedLevel:
    """A level of the campaign with a framework but no results this year (communes not yet
    assessed): the report says so in a short section, with the office's reason."""

    code: str
    name: str
    reason: str  # the office's text; "" when it wrote none


@dataclass(frozen=True)
class Header:
    parent_body: str
    issuing_body: str
    number: str
    place_date: str


@dataclass(frozen=True)
class Report:
    province: str
    year: int
    title: str
    source: str
    header: Header
    legal_bases: tuple[str, ...]
    purpose: tuple[str, ...]
    method: tuple[str, ...]
    process: tuple[str, ...]
    levels: tuple[LevelReport, ...]
    general_remarks: tuple[str, ...]
    recommendations: tuple[str, ...]
    recipients: tuple[str, ...]
    signer_title: str
    signer_name: str
    unassessed: tuple[UnassessedLevel, ...] = ()
    draft: bool = False  # not yet published: the renderers mark it "DỰ THẢO"
    # What identifies the figures (a published version's hash, "dti-sha256:<hex>"): the
    # renderers add them to the file's keywords, so a signed copy says what it is of.
    keywords: tuple[str, ...] = ()

    @property
    def appendices(self) -> tuple[Appendix, ...]:
        return tuple(a for level in self.levels for a in level.appendices)

    def level(self, code: str) -> LevelReport:
        return next(level for level in self.levels if level.code == code)


@dataclass(frozen=True)
class PreviousResults:
    """Last year's results, for the change of the average (levels matched by code)."""

    year: int
    results: Mapping[str, LevelResult]


# Every report file's keywords (DOCX and PDF alike); Report.keywords follow them.
KEYWORDS = ("DTI", "chuyển đổi số")

# ---- the one-page brief for a unit's head (dti.reports.unit_brief draws it) -------------


@dataclass(frozen=True)
class BriefLoss:
    index: str
    score: str  # "32,5/40"
    lost: str
    percent: str
    best: str  # "100,0% (Sở Tài chính)"


@dataclass(frozen=True)
class UnitBrief:
    title: str  # "Đánh giá chuyển đổi số năm 2023 — tỉnh Bình Định"
    unit: str
    standing: str  # "Hạng 3/21, 98,0%, xếp loại Tốt"
    losses: tuple[BriefLoss, ...]
    target: str  # "Để lên hạng 1, cần thêm 4,29 điểm." or why there is no plan
    steps: tuple[str, ...]  # one sentence per criterion to raise
    note: str  # how the plan is made
