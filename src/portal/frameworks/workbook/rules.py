"""A leaf's scoring rule as two cells, "Quy tắc" and "Tham số", and back.

tỷ lệ       mục tiêu=100; giới hạn=có; tối thiểu=50
mức         90:15; 70:10; 0:0                       (từ giá trị : điểm)
lựa chọn    day_du=Đầy đủ:10; mot_phan=Một phần:5   (mã=nhãn : điểm; nhãn có thể bỏ)
số lần      mỗi lần=0,5
công thức   đầu vào=online,total; biểu thức=…       (biểu thức viết cuối cùng)
nhập điểm, có-không: không có tham số
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portal.frameworks.vocabulary import RULE_LABELS, YES_NO, normalize, reader
from portal.frameworks.workbook.cells import CellError, number, number_text

RULE = "Quy tắc"
PARAMETERS = "Tham số"
_RULES = reader(RULE_LABELS)
_EXPRESSION = "biểu thức="


# ---- writing ---------------------------------------------------------------------------


def rule_cells(rule: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    if rule is None:
        return None, None
    kind = rule["type"]
    return RULE_LABELS[kind], _WRITERS.get(kind, lambda _: None)(rule)


def _choice(rule: Mapping[str, Any]) -> str:
    return "; ".join(
        f"{o['value']}={o['label']}:{number_text(o['points'])}"
        if "label" in o
        else f"{o['value']}:{number_text(o['points'])}"
        for o in rule["options"]
    )


def _ratio(rule: Mapping[str, Any]) -> str:
    parts = [f"mục tiêu={number_text(rule['target'])}"]
    if "cap" in rule:
        parts.append(f"giới hạn={'có' if rule['cap'] else 'không'}")
    if "minimum" in rule:
        parts.append(f"tối thiểu={number_text(rule['minimum'])}")
    return "; ".join(parts)


def _bands(rule: Mapping[str, Any]) -> str:
    return "; ".join(f"{number_text(b['min'])}:{number_text(b['points'])}" for b in rule["bands"])


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "choice": _choice,
    "ratio": _ratio,
    "bands": _bands,
    "count": lambda rule: f"mỗi lần={number_text(rule['points_each'])}",
    "formula": lambda rule: f"đầu vào={','.join(map(_input_text, rule['inputs']))}; {_EXPRESSION}"
    + rule["expression"],
}


def _input_text(item: str | Mapping[str, str]) -> str:
    """'online', or with its label 'online (Số hồ sơ trực tuyến)'."""
    return item if isinstance(item, str) else f"{item['name']} ({item['label']})"


# ---- reading ---------------------------------------------------------------------------


def read_rule(kind_text: str, parameters: str) -> dict[str, Any] | None:
    """The rule of a row, or None when "Quy tắc" is empty; CellError(column, message)."""
    if not kind_text:
        if parameters:
            raise CellError("có Tham số nhưng chưa chọn Quy tắc", RULE)
        return None
    kind = _RULES.get(normalize(kind_text))
    if kind is None:
        choices = ", ".join(RULE_LABELS.values())
        raise CellError(f"“{kind_text}” không hợp lệ; chọn một trong: {choices}", RULE)
    try:
        return {"type": kind, **_READERS[kind](parameters)}
    except CellError as error:
        message = f"{error.message} (ví dụ: {_EXAMPLES[kind]})"
        raise CellError(message, PARAMETERS) from error


def _none(parameters: str) -> dict[str, Any]:
    if parameters:
        raise CellError("quy tắc này không có tham số")
    return {}


def _items(parameters: str) -> list[str]:
    items = [item.strip() for item in parameters.split(";") if item.strip()]
    if not items:
        raise CellError("thiếu tham số")
    return items


def _pairs(parameters: str, allowed: Mapping[str, str]) -> dict[str, str]:
    """'mục tiêu=100; giới hạn=có' -> {'target': '100', 'cap': 'có'}."""
    found: dict[str, str] = {}
    for item in _items(parameters):
        key, equals, value = item.partition("=")
        field = allowed.get(normalize(key))
        if not equals or field is None:
            raise CellError(f"“{item}” không hợp lệ; dùng {', '.join(k + '=…' for k in allowed)}")
        if field in found:
            raise CellError(f"“{key.strip()}” bị lặp lại")
        found[field] = value.strip()
    return found


def _choice_rule(parameters: str) -> dict[str, Any]:
    options = []
    for item in _items(parameters):
        head, colon, points = item.rpartition(":")
        if not colon:
            raise CellError(f"“{item}” thiếu điểm (mã=nhãn:điểm)")
        value, equals, label = head.partition("=")
        option: dict[str, Any] = {"value": value.strip()}
        if equals:
            option["label"] = label.strip()
        option["points"] = number(points)
        options.append(option)
    return {"options": options}


def _ratio_rule(parameters: str) -> dict[str, Any]:
    pairs = _pairs(parameters, {"mục tiêu": "target", "giới hạn": "cap", "tối thiểu": "minimum"})
    if "target" not in pairs:
        raise CellError("thiếu mục tiêu=…")
    rule: dict[str, Any] = {"target": number(pairs["target"])}
    if "cap" in pairs:
        if normalize(pairs["cap"]) not in YES_NO:
            raise CellError(f"giới hạn phải là có hoặc không, không phải “{pairs['cap']}”")
        rule["cap"] = YES_NO[normalize(pairs["cap"])]
    if "minimum" in pairs:
        rule["minimum"] = number(pairs["minimum"])
    return rule


def _bands_rule(parameters: str) -> dict[str, Any]:
    bands = []
    for item in _items(parameters):
        low, colon, points = item.partition(":")
        if not colon:
            raise CellError(f"“{item}” phải có dạng từ giá trị:điểm")
        bands.append({"min": number(low), "points": number(points)})
    return {"bands": bands}


def _count_rule(parameters: str) -> dict[str, Any]:
    return {"points_each": number(_pairs(parameters, {"mỗi lần": "each"})["each"])}


def _formula_rule(parameters: str) -> dict[str, Any]:
    head, found, expression = parameters.partition(_EXPRESSION)
    if not found or not expression.strip():
        raise CellError("thiếu biểu thức=…")
    inputs = _pairs(head, {"đầu vào": "inputs"}).get("inputs", "")
    return {
        "inputs": [_read_input(item.strip()) for item in inputs.split(",") if item.strip()],
        "expression": expression.strip(),
    }


def _read_input(item: str) -> str | dict[str, str]:
    """'online' -> 'online'; 'online (Số hồ sơ trực tuyến)' -> the name with its label."""
    name, bracket, label = item.partition("(")
    if not bracket:
        return item
    if not label.endswith(")") or not label[:-1].strip():
        raise CellError(f"“{item}”: nhãn của đầu vào viết trong ngoặc, ví dụ online (Số hồ sơ)")
    return {"name": name.strip(), "label": label[:-1].strip()}


_READERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "entered": _none,
    "yes_no": _none,
    "choice": _choice_rule,
    "ratio": _ratio_rule,
    "bands": _bands_rule,
    "count": _count_rule,
    "formula": _formula_rule,
}
_EXAMPLES = {
    "entered": "để trống",
    "yes_no": "để trống",
    "choice": "day_du=Đầy đủ:10; mot_phan=Một phần:5",
    "ratio": "mục tiêu=100",
    "bands": "90:15; 70:10; 0:0",
    "count": "mỗi lần=0,5",
    "formula": "đầu vào=online,total; biểu thức=online / total * 20",
}
