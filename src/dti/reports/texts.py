"""The words of a report that the DTI office writes, not the product: header fields it
fills by hand (number, date, issuing body, signer), legal bases, purpose, the process
followed, remarks per main index, recommendations, and the commendation rule.

Everything has a default, so a report can be generated from the results alone; an office
keeps its own texts per campaign in a YAML file (`dti report --texts FILE`, docs/reports.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
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

    def remark(self, level: str, index: str) -> str:
        """The office's remark on a main index: for this level, else for every level."""
        return self.remarks.get(f"{level}.{index}") or self.remarks.get(index, "")


_LISTS = {
    "legal_bases",
    "purpose",
    "method",
    "process",
    "general_remarks",
    "recommendations",
    "recipients",
}
_STRINGS = {f.name for f in fields(ReportTexts)} - _LISTS - {"remarks", "commendation"}


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
    known = ", ".join(sorted(_STRINGS | _LISTS | {"remarks", "commendation"}))
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


def province_upper(province: str) -> str:
    """'Bình Phước' -> 'BÌNH PHƯỚC', as the header prints it."""
    return province.upper()


def default_parent_body(province: str) -> str:
    return f"UBND TỈNH {province_upper(province)}"


def default_place_date(province: str) -> str:
    return f"{province}, ngày {BLANK} tháng {BLANK} năm {BLANK}"


def default_number() -> str:
    return f"Số: {BLANK}/BC-{BLANK}"
