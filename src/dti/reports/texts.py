"""The words of a report that the DTI office writes, not the product: header fields it
fills by hand (number, date, issuing body, signer), legal bases, purpose, the process
followed, remarks per main index, recommendations, and the commendation rule; and its
choices of presentation: how deep below the main indices the report goes, how a level's
long lists are grouped, and why a level has no results this year.

Everything has a default, so a report can be generated from the results alone; an office
keeps its own texts per campaign in a YAML file (`dti report --texts FILE`, docs/reports.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

from dti.framework.documents import DocumentError, Problem, load_yaml

BLANK = "……"  # what a Vietnamese form prints where the office writes by hand

DEFAULT_PURPOSE = (
    "Đánh giá khách quan, định lượng mức độ chuyển đổi số của các cơ quan nhà nước trên địa "
    "bàn tỉnh; qua đó thể hiện kết quả thực hiện các chương trình, kế hoạch chuyển đổi số.",
    "Giúp các cơ quan, đơn vị nhìn nhận mức độ chuyển đổi số của mình, so sánh với các cơ "
    "quan, đơn vị khác và có giải pháp thúc đẩy chuyển đổi số phù hợp.",
    "Làm cơ sở để đề xuất khen thưởng các cơ quan, đơn vị đạt kết quả cao.",
)
DEFAULT_RECIPIENTS = (
    "UBND tỉnh (để b/c);",
    "Các sở, ban, ngành tỉnh;",
    "UBND các huyện, thị xã, thành phố;",
    "Lưu: VT.",
)


@dataclass(frozen=True)
class CommendationRule:
    """Who is proposed for commendation in a level: units whose class (in the general
    ranking) is one of `classes`; when the ranking classifies nobody, the units ranked
    `top` or better (ties included)."""

    classes: tuple[str, ...] = ("Tốt",)
    top: int = 3


class Grouping(str, Enum):
    """How a level's long ranking tables are listed (docs/reports.md, "Grouped lists")."""

    NONE = "none"  # one list
    PARENT = "parent"  # by the unit's parent: the former district of a commune
    GROUP = "group"  # by the level's peer groups


DEFAULT_DETAIL_DEPTH = 1  # each main index and its direct children
MAX_DETAIL_DEPTH = 5
MAX_ROBUSTNESS = 90  # the robustness annex: weights varied by at most ±90 %


@dataclass(frozen=True)
class ReportTexts:
    """The office's texts. Empty fields fall back to a default derived from the campaign
    (docs/reports.md lists which)."""

    parent_body: str = ""  # "UBND TỈNH BÌNH PHƯỚC" by default
    issuing_body: str = ""  # e.g. "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"; a blank to fill by default
    number: str = ""  # "Số: ……/BC-……" by default
    place_date: str = ""  # "Bình Phước, ngày …… tháng …… năm ……" by default
    title: str = ""  # the campaign's title by default
    legal_bases: tuple[str, ...] = ()  # "Căn cứ <each framework's source>" by default
    purpose: tuple[str, ...] = DEFAULT_PURPOSE
    method: tuple[str, ...] = ()  # extra paragraphs after the derived description
    process: tuple[str, ...] = ()  # the process followed, with its dates
    remarks: Mapping[str, str] = field(default_factory=dict)  # "index" or "level.index"
    general_remarks: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    recipients: tuple[str, ...] = DEFAULT_RECIPIENTS
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = ""
    commendation: CommendationRule = field(default_factory=CommendationRule)
    # How deep below each main index the appendices and statistics go: 0 main indices
    # only, 1 their direct children (components), 2 the children's children…
    detail_depth: int = DEFAULT_DETAIL_DEPTH
    # The robustness annex (dti.robustness): each main index's weight varied by ± this many
    # percent; 0: no annex.
    robustness: int = 0
    grouping: Mapping[str, Grouping] = field(default_factory=dict)  # level code -> grouping
    not_assessed: Mapping[str, str] = field(default_factory=dict)  # level code -> the reason

    def remark(self, level: str, index: str) -> str:
        """The office's remark on a main index: for this level, else for every level."""
        return self.remarks.get(f"{level}.{index}") or self.remarks.get(index, "")

    def grouping_of(self, level: str) -> Grouping:
        return self.grouping.get(level, Grouping.NONE)


_LISTS = {
    "legal_bases",
    "purpose",
    "method",
    "process",
    "general_remarks",
    "recommendations",
    "recipients",
}
_MAPPINGS = {"remarks", "commendation", "detail_depth", "robustness", "grouping", "not_assessed"}
_STRINGS = {f.name for f in fields(ReportTexts)} - _LISTS - _MAPPINGS


def load_texts(path: Path) -> ReportTexts:
    """The office's texts from a YAML file; DocumentError lists every problem."""
    document = load_yaml(path)
    return texts_from_mapping(document, str(path))


def texts_from_mapping(document: Any, file: str) -> ReportTexts:
    if document is None:
        return ReportTexts()
    if not isinstance(document, dict):
        raise DocumentError([Problem(file, "", "tệp phải là một bảng khoá: giá trị (mapping)")])
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in document.items():
        parsed = _field(str(key), value, file, problems)
        if parsed is not None:
            values[str(key)] = parsed
    if problems:
        raise DocumentError(problems)
    return ReportTexts(**values)


def _field(key: str, value: Any, file: str, problems: list[Problem]) -> object | None:
    if key in _STRINGS:
        return _text(value, file, key, problems)
    if key in _LISTS:
        return _text_list(value, file, key, problems)
    if key == "remarks":
        return _remarks(value, file, problems)
    if key == "commendation":
        return _commendation(value, file, problems)
    if key == "detail_depth":
        return _detail_depth(value, file, problems)
    if key == "robustness":
        return _robustness(value, file, problems)
    if key == "grouping":
        return _grouping(value, file, problems)
    if key == "not_assessed":
        return _not_assessed(value, file, problems)
    known = ", ".join(sorted(_STRINGS | _LISTS | _MAPPINGS))
    problems.append(Problem(file, key, f"khoá không được hỗ trợ; các khoá: {known}"))
    return None


def _text(value: Any, file: str, path: str, problems: list[Problem]) -> str | None:
    if isinstance(value, str):
        return value.strip()
    problems.append(Problem(file, path, "phải là một đoạn văn bản"))
    return None


def _text_list(value: Any, file: str, path: str, problems: list[Problem]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.strip(),)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(Problem(file, path, "phải là một danh sách các đoạn văn bản"))
        return ()
    return tuple(item.strip() for item in value)


def _remarks(value: Any, file: str, problems: list[Problem]) -> dict[str, str]:
    """`index: text` for every level, or `level: {index: text}` for one."""
    if not isinstance(value, dict):
        problems.append(Problem(file, "remarks", "phải là bảng mã chỉ số: nhận xét"))
        return {}
    remarks: dict[str, str] = {}
    for key, text in value.items():
        if isinstance(text, dict):
            for index, inner in text.items():
                checked = _text(inner, file, f"remarks.{key}.{index}", problems)
                remarks[f"{key}.{index}"] = checked or ""
        else:
            remarks[str(key)] = _text(text, file, f"remarks.{key}", problems) or ""
    return remarks


def _commendation(value: Any, file: str, problems: list[Problem]) -> CommendationRule:
    if not isinstance(value, dict) or set(value) - {"classes", "top"}:
        problems.append(Problem(file, "commendation", "chỉ nhận các khoá classes, top"))
        return CommendationRule()
    top = value.get("top", 3)
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        problems.append(Problem(file, "commendation.top", "phải là số nguyên không âm"))
        top = 3
    classes = _text_list(value.get("classes", ["Tốt"]), file, "commendation.classes", problems)
    return CommendationRule(classes=classes, top=top)


def _detail_depth(value: Any, file: str, problems: list[Problem]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DETAIL_DEPTH:
        problems.append(
            Problem(file, "detail_depth", f"phải là số nguyên từ 0 đến {MAX_DETAIL_DEPTH}")
        )
        return None
    return int(value)


def _robustness(value: Any, file: str, problems: list[Problem]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ROBUSTNESS:
        problems.append(
            Problem(file, "robustness", f"phải là số nguyên từ 0 đến {MAX_ROBUSTNESS} (phần trăm)")
        )
        return None
    return int(value)


def _level_mapping(value: Any, file: str, key: str, problems: list[Problem]) -> dict[str, Any]:
    """`level code: value`; a level code is text (YAML may read `2025` as a number)."""
    if not isinstance(value, dict):
        problems.append(Problem(file, key, "phải là bảng mã khối: giá trị"))
        return {}
    mapping: dict[str, Any] = {}
    for level, item in value.items():
        if not isinstance(level, str) or not level.strip():
            problems.append(Problem(file, f"{key}.{level}", "mã khối phải là một đoạn văn bản"))
            continue
        mapping[level.strip()] = item
    return mapping


def _grouping(value: Any, file: str, problems: list[Problem]) -> dict[str, Grouping]:
    """`level: none | parent | group` for each level listed; the others: one list."""
    allowed = ", ".join(g.value for g in Grouping)
    grouping: dict[str, Grouping] = {}
    for level, item in _level_mapping(value, file, "grouping", problems).items():
        if not isinstance(item, str) or item not in {g.value for g in Grouping}:
            problems.append(Problem(file, f"grouping.{level}", f"phải là một trong: {allowed}"))
            continue
        grouping[level] = Grouping(item)
    return grouping


def _not_assessed(value: Any, file: str, problems: list[Problem]) -> dict[str, str]:
    """`level: reason` for the levels without results this year."""
    reasons: dict[str, str] = {}
    for level, item in _level_mapping(value, file, "not_assessed", problems).items():
        text = _text(item, file, f"not_assessed.{level}", problems)
        if text is not None:
            reasons[level] = text
    return reasons


def province_upper(province: str) -> str:
    """'Bình Phước' -> 'BÌNH PHƯỚC', as the header prints it."""
    return province.upper()


def default_parent_body(province: str) -> str:
    return f"UBND TỈNH {province_upper(province)}"


def default_place_date(province: str) -> str:
    return f"{province}, ngày {BLANK} tháng {BLANK} năm {BLANK}"


def default_number() -> str:
    return f"Số: {BLANK}/BC-{BLANK}"
