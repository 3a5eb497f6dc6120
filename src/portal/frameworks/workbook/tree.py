"""The criteria tree as the "Tiêu chí" sheet: one node per row, its parent named by code,
children in row order. A blank cell is a field the document does not state (so a node
whose "Loại" is blank takes its kind from its place in the tree, as in YAML)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from portal.frameworks.vocabulary import KIND_LABELS, SOURCE_LABELS, normalize, reader
from portal.frameworks.workbook.cells import CellError, number, number_cell, text
from portal.frameworks.workbook.rules import read_rule, rule_cells

SHEET = "Tiêu chí"
COLUMNS = (
    "Mã", "Mã cấp trên", "Tên", "Loại", "Điểm tối đa", "Quy tắc", "Tham số", "Áp dụng khi",
    "Nguồn", "Đơn vị đo", "Hướng dẫn", "Tên khác", "Trọng số", "Mã năm trước",
    "Công nâng điểm", "Nâng được trong năm",
)  # fmt: skip
# Columns a workbook made before they existed lacks: it still reads.
OPTIONAL = ("Mã năm trước", "Công nâng điểm", "Nâng được trong năm")
YES, NO = "có", "không"
NEW = "(mới)"  # "Mã năm trước" of a node that continues none of last year's
WIDTHS = (16, 16, 50, 16, 10, 12, 40, 30, 18, 10, 40, 30, 10, 24, 12, 12)
_KINDS = reader(KIND_LABELS)
_SOURCES = reader(SOURCE_LABELS)


def node_rows(nodes: Sequence[Mapping[str, Any]], parent: str = "") -> Iterator[list[Any]]:
    """Rows of the sheet, parents before their children, in document order."""
    for node in nodes:
        rule, parameters = rule_cells(node.get("rule"))
        yield [
            node["code"],
            parent or None,
            node["name"],
            KIND_LABELS[node["kind"]] if "kind" in node else None,
            number_cell(node.get("max")),
            rule,
            parameters,
            node.get("applies_when"),
            SOURCE_LABELS[node["source"]] if "source" in node else None,
            node.get("measure"),
            node.get("guidance"),
            "; ".join(node["aliases"]) if "aliases" in node else None,
            number_cell(node.get("weight")),
            _previous_cell(node),
            node.get("cost"),
            (YES if node["achievable"] else NO) if "achievable" in node else None,
        ]
        yield from node_rows(node.get("children", []), node["code"])


def read_node(cells: Mapping[str, Any], fail: Any) -> dict[str, Any]:
    """One row as a node mapping, fields in the format's order; `fail(column, message)`
    records a bad cell and the row goes on, so every problem is reported."""
    node: dict[str, Any] = {"code": text(cells["Mã"]), "name": text(cells["Tên"])}
    for column in ("Mã", "Tên"):
        if not text(cells[column]):
            fail(column, "không được để trống")
    _choice(node, "kind", cells["Loại"], _KINDS, KIND_LABELS, "Loại", fail)
    for field, column in (("max", "Điểm tối đa"), ("weight", "Trọng số")):
        if text(cells[column]):
            try:
                node[field] = number(cells[column])
            except CellError as error:
                fail(column, error.message)
    if text(cells["Tên khác"]):
        node["aliases"] = [a.strip() for a in text(cells["Tên khác"]).split(";") if a.strip()]
    if text(cells["Áp dụng khi"]):
        node["applies_when"] = text(cells["Áp dụng khi"])
    try:
        rule = read_rule(text(cells["Quy tắc"]), text(cells["Tham số"]))
    except CellError as error:
        fail(error.column, error.message)
        rule = None
    if rule is not None:
        node["rule"] = rule
    _choice(node, "source", cells["Nguồn"], _SOURCES, SOURCE_LABELS, "Nguồn", fail)
    for field, column in (("measure", "Đơn vị đo"), ("guidance", "Hướng dẫn")):
        if text(cells[column]):
            node[field] = text(cells[column])
    _planning(node, cells, fail)
    previous = text(cells.get("Mã năm trước"))
    if previous:
        node["previous"] = (
            [] if previous == NEW else [c.strip() for c in previous.split(";") if c.strip()]
        )
    return node


def _planning(node: dict[str, Any], cells: Mapping[str, Any], fail: Any) -> None:
    """The planner's cost (a whole number from 1 to 100) and whether it can be raised in a year."""
    cost = text(cells.get("Công nâng điểm"))
    if cost:
        if cost.isdigit() and 1 <= int(cost) <= 100:
            node["cost"] = int(cost)
        else:
            fail("Công nâng điểm", "phải là số nguyên từ 1 đến 100")
    achievable = text(cells.get("Nâng được trong năm")).lower()
    if achievable in (YES, NO):
        node["achievable"] = achievable == YES
    elif achievable:
        fail("Nâng được trong năm", f"phải là “{YES}” hoặc “{NO}”")


def _previous_cell(node: Mapping[str, Any]) -> str | None:
    """The codes of last year's nodes it continues; NEW for none; blank when not declared."""
    if "previous" not in node:
        return None
    return "; ".join(node["previous"]) or NEW


def _choice(
    node: dict[str, Any],
    field: str,
    value: Any,
    known: Mapping[str, str],
    labels: Mapping[str, str],
    column: str,
    fail: Any,
) -> None:
    if not text(value):
        return
    if normalize(text(value)) in known:
        node[field] = known[normalize(text(value))]
    else:
        fail(column, f"“{text(value)}” không hợp lệ; chọn một trong: {', '.join(labels.values())}")


def assemble(rows: Sequence[tuple[int, str, dict[str, Any]]], fail: Any) -> list[dict[str, Any]]:
    """The tree from (row, parent code, node) rows; `fail(row, column, message)` for an
    unknown or duplicate code and for parents that loop."""
    by_code: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    for row, _, node in rows:
        if node["code"] in by_code:
            fail(row, "Mã", f"mã “{node['code']}” bị trùng với dòng {first_row[node['code']]}")
            continue
        by_code[node["code"]], first_row[node["code"]] = node, row
    roots: list[dict[str, Any]] = []
    for row, parent, node in rows:
        if by_code.get(node["code"]) is not node:
            continue
        if not parent:
            roots.append(node)
        elif parent not in by_code:
            fail(row, "Mã cấp trên", f"không có tiêu chí mã “{parent}” trong sheet")
        else:
            by_code[parent].setdefault("children", []).append(node)
    reached = {id(n) for root in roots for n in _walk(root)}
    for row, parent, node in rows:
        if parent in by_code and id(node) not in reached and by_code.get(node["code"]) is node:
            fail(row, "Mã cấp trên", "các mã cấp trên tạo thành vòng lặp, không về được gốc")
    return roots


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("children", []):
        yield from _walk(child)
