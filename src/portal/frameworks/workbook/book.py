"""Writing and reading the whole framework workbook (the sheets are in tree.py and
policy.py). Reading names every bad cell by sheet, row and column; the core's own checks
then run on the document, and `Locator` points their problems back at rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from dti.framework.documents import Problem
from dti.tables.archive import xlsx_archive_problem
from dti.tables.xlsx import cell_place as where
from dti.tables.xlsx import control_characters_found, readable_rows
from dti.text import spreadsheet_cell
from portal.frameworks.vocabulary import normalize
from portal.frameworks.workbook import policy, tree
from portal.frameworks.workbook.cells import CellError, text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# A framework has a few hundred criteria; the template a dozen columns.
MAX_SHEET_ROWS = 2_000
MAX_COLUMNS = 50
UNREADABLE = (
    "có ô không đọc được (tệp hỏng, hoặc một số không hợp lệ như NaN hay inf); không đọc tiếp"
)
_ORDER = ("code", "name", "source", "score_decimals", "nodes", "ranking", "index_rankings",
          "groups", "adjustments")  # fmt: skip
_HELP = [
    "Cách điền bộ chỉ số",
    "Sheet Tiêu chí: mỗi dòng một tiêu chí; Mã cấp trên để trống ở chỉ số chính (hoặc nhóm). "
    "Thứ tự các dòng là thứ tự hiển thị.",
    "Ô để trống nghĩa là không khai báo: Loại để trống thì theo vị trí (cấp 1: chỉ số chính, "
    "cấp 2: chỉ số thành phần, sâu hơn: tiêu chí); Điểm tối đa của tiêu chí cha để trống thì "
    "bằng tổng các tiêu chí con; Quy tắc để trống thì nhập điểm trực tiếp.",
    "Quy tắc và Tham số: tỷ lệ — mục tiêu=100 (có thể thêm giới hạn=không; tối thiểu=50); "
    "mức — 90:15; 70:10; 0:0; lựa chọn — day_du=Đầy đủ:10; mot_phan=Một phần:5; "
    "số lần — mỗi lần=0,5; công thức — đầu vào=online,total; biểu thức=online / total * 20; "
    "nhập điểm và có-không không có tham số.",
    "Nguồn: đơn vị kê khai, hệ thống dùng chung hoặc tổ thẩm định chấm. Số thập phân viết "
    "bằng dấu phẩy (0,5) hoặc dấu chấm (0.5).",
    "Sheet Chính sách: cột Giá trị để trống thì dùng mặc định (xem cột Ghi chú).",
    "Sheet Nhóm xếp hạng: mỗi nhóm một dòng; các cột chính sách để trống thì theo chính sách "
    "chung. Sheet Điểm thưởng, trừ: Loại là thưởng hoặc trừ.",
    "Sheet Xếp hạng từng chỉ số: mỗi chỉ số chính xếp hạng khác mặc định một dòng; Giá trị so "
    "sánh là points (điểm) hoặc ratio (tỷ lệ %), Đồng hạng là dense hoặc competition; ô để "
    "trống thì theo các dòng Xếp hạng từng chỉ số của sheet Chính sách.",
]


# ---- writing ---------------------------------------------------------------------------


def framework_workbook(framework: Mapping[str, Any]) -> bytes:
    """The workbook of a framework mapping (exact numbers); no database access."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tree.SHEET
    _fill(sheet, tree.COLUMNS, tree.node_rows(framework.get("nodes", [])), tree.WIDTHS)
    _fill(
        book.create_sheet(policy.POLICY_SHEET),
        policy.POLICY_COLUMNS,
        policy.policy_rows(framework),
        (45, 40, 90),
    )
    _fill(
        book.create_sheet(policy.GROUP_SHEET),
        policy.GROUP_COLUMNS,
        policy.group_rows(framework),
        (16, 35, 40) + (14,) * len(policy.RANKING),
    )
    _fill(
        book.create_sheet(policy.INDEX_SHEET),
        policy.INDEX_COLUMNS,
        policy.index_ranking_rows(framework),
        (35, 16, 18, 14),
    )
    _fill(
        book.create_sheet(policy.ADJUSTMENT_SHEET),
        policy.ADJUSTMENT_COLUMNS,
        policy.adjustment_rows(framework),
        (16, 50, 12, 10),
    )
    guide = book.create_sheet("Hướng dẫn")
    for line in _HELP:
        guide.append([line])
    guide.column_dimensions["A"].width = 140
    guide["A1"].font = Font(bold=True)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(
    sheet: Worksheet, columns: Sequence[str], rows: Iterable[list[Any]], widths: Sequence[int]
) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append(list(columns))
    for row in rows:  # text never a formula nor a control character; read back by `text`
        sheet.append([spreadsheet_cell(value) for value in row])
    for position, (cell, width) in enumerate(zip(sheet[1], widths, strict=True), start=1):
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(position)].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


# ---- reading ---------------------------------------------------------------------------


@dataclass
class Locator:
    """Where each code and parameter was read, to point the core's problems at rows."""

    nodes: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    adjustments: dict[str, int] = field(default_factory=dict)
    parameters: dict[tuple[str, ...], int] = field(default_factory=dict)
    index_rankings: dict[str, int] = field(default_factory=dict)  # index code -> its row

    def describe(self, problem: Problem) -> str:
        location = self.locate(problem.path)
        return f"{location}: {problem.path}: {problem.message}" if location else str(problem)

    def locate(self, path: str) -> str:
        parts = [re.sub(r"\[.*\]$", "", p) for p in path.split(".")][1:]  # after "framework"
        codes = re.findall(r"(?:nodes|children)\[([^\]]+)\]", path)
        if codes and codes[-1] in self.nodes:
            return where(tree.SHEET, self.nodes[codes[-1]], _NODE_COLUMNS.get(parts[-1]))
        sheets = (
            (policy.GROUP_SHEET, self.groups, "groups"),
            (policy.ADJUSTMENT_SHEET, self.adjustments, "adjustments"),
        )
        for sheet, rows, key in sheets:
            found = re.search(rf"{key}\[([^\]]+)\]", path)
            if found and found.group(1) in rows:
                return where(sheet, rows[found.group(1)], _column_in(parts[1:], sheet))
        found = re.search(r"index_rankings\.overrides\.([^.]+)", path)
        if found and found.group(1) in self.index_rankings:
            column = dict(zip(policy.INDEX_KEYS, policy.INDEX_COLUMNS[1:], strict=True))
            row = self.index_rankings[found.group(1)]
            return where(policy.INDEX_SHEET, row, column.get(parts[-1], policy.INDEX_COLUMNS[0]))
        for parameter_path, row in self.parameters.items():
            if tuple(parts[: len(parameter_path)]) == parameter_path:
                return where(policy.POLICY_SHEET, row, "Giá trị")
        # A whole policy ('framework.ranking'): the first of its rows.
        first = [
            row for p, row in self.parameters.items() if parts and p[: len(parts)] == tuple(parts)
        ]
        return where(policy.POLICY_SHEET, min(first)) if first else ""


_NODE_COLUMNS = {"code": "Mã", "name": "Tên", "kind": "Loại", "max": "Điểm tối đa",
                 "rule": "Tham số", "applies_when": "Áp dụng khi", "source": "Nguồn",
                 "measure": "Đơn vị đo", "guidance": "Hướng dẫn", "aliases": "Tên khác",
                 "weight": "Trọng số", "previous": "Mã năm trước", "cost": "Công nâng điểm",
                 "achievable": "Nâng được trong năm"}  # fmt: skip


def _column_in(parts: Sequence[str], sheet: str) -> str | None:
    if sheet == policy.ADJUSTMENT_SHEET:
        return {"code": "Mã", "name": "Tên", "max": "Điểm tối đa", "kind": "Loại"}.get(
            parts[0] if parts else ""
        )
    if parts[:1] == ["ranking"]:
        for parameter in policy.RANKING:
            if tuple(parts[1 : 1 + len(parameter.path)]) == parameter.path:
                return parameter.label
    return {"code": "Mã", "name": "Tên", "when": "Điều kiện"}.get(parts[0] if parts else "")


def read_framework_workbook(data: bytes) -> tuple[dict[str, Any], Locator]:
    """The framework mapping a workbook describes, and where each part was read.
    ValidationError lists every unreadable cell; the core's checks come after. The zip is
    inspected before openpyxl opens it (dti.tables.archive)."""
    from openpyxl import load_workbook

    problem = xlsx_archive_problem(data)
    if problem is not None:
        raise ValidationError(problem)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a file that is not XLSX
        raise ValidationError("Tệp không phải là tệp Excel (.xlsx) đọc được.") from error
    missing = [s for s in (tree.SHEET, policy.POLICY_SHEET) if s not in book.sheetnames]
    if missing:
        raise ValidationError(f"Tệp thiếu sheet {', '.join(f'“{s}”' for s in missing)}.")
    framework: dict[str, Any] = {}
    locator = Locator()
    problems: list[str] = []
    _read_policy(book[policy.POLICY_SHEET], framework, locator, problems)
    if policy.INDEX_SHEET in book.sheetnames:
        _read_index_rankings(book[policy.INDEX_SHEET], framework, locator, problems)
    framework["nodes"] = _read_tree(book[tree.SHEET], locator, problems)
    for sheet, columns, reader, key, rows in (
        (policy.GROUP_SHEET, policy.GROUP_COLUMNS, policy.read_group, "groups", locator.groups),
        (
            policy.ADJUSTMENT_SHEET,
            policy.ADJUSTMENT_COLUMNS,
            policy.read_adjustment,
            "adjustments",
            locator.adjustments,
        ),
    ):
        if sheet in book.sheetnames:
            items = _read_items(book[sheet], sheet, columns, reader, rows, problems)
            if items:
                framework[key] = items
    if problems:
        raise ValidationError(problems)
    framework.setdefault("ranking", {})
    return {key: framework[key] for key in _ORDER if key in framework}, locator


def _rows(
    sheet: Any, name: str, columns: Sequence[str], problems: list[str], optional: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, cells by column name) of the non-blank rows; the header is checked.
    At most MAX_SHEET_ROWS rows and MAX_COLUMNS columns are read: past them is no framework
    but a file made to hold a worker."""
    sheet.reset_dimensions()  # a false <dimension> would pad every row to 16,384 cells
    rows = readable_rows(
        sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS),
        lambda row: problems.append(f"{where(name, row)}: {UNREADABLE}"),
    )
    header = [text(cell) for cell in next(rows, ())]
    missing = [c for c in columns if c not in header and c not in optional]
    unknown = [h for h in header if h and h not in columns]
    if missing or unknown:
        parts = ["thiếu cột " + ", ".join(missing)] if missing else []
        parts += ["cột không dùng được " + ", ".join(unknown)] if unknown else []
        problems.append(
            f"{where(name, 1)}: {'; '.join(parts)}. Các cột cần có: {', '.join(columns)}."
        )
        return
    positions = {c: header.index(c) for c in columns if c in header}
    for number, values in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS + 1:
            problems.append(f"Sheet {name}: quá {MAX_SHEET_ROWS} dòng, không đọc tiếp")
            return
        cells = {c: values[i] if i < len(values) else None for c, i in positions.items()}
        if control_characters_found(name, number, cells, problems):
            continue
        if any(text(v) for v in cells.values()):
            yield number, cells


def _failer(sheet: str, row: int, problems: list[str]) -> Callable[[str | None, str], None]:
    def fail(column: str | None, message: str) -> None:
        problems.append(f"{where(sheet, row, column)}: {message}")

    return fail


def _read_policy(
    sheet: Any, framework: dict[str, Any], locator: Locator, problems: list[str]
) -> None:
    seen: dict[str, int] = {}
    for row, cells in _rows(
        sheet, policy.POLICY_SHEET, policy.POLICY_COLUMNS, problems, ("Ghi chú",)
    ):
        fail = _failer(policy.POLICY_SHEET, row, problems)
        try:
            label = policy.read_parameter(framework, cells["Tham số"], cells["Giá trị"])
        except CellError as error:
            fail(error.column or "Giá trị", error.message)
            continue
        if label in seen:
            fail("Tham số", f"tham số “{label}” bị lặp lại (đã có ở dòng {seen[label]})")
        seen[label] = row
        locator.parameters[policy.PARAMETERS_BY_LABEL[normalize(label)].path] = row
    for label in ("Mã bộ chỉ số", "Tên bộ chỉ số"):
        if not framework.get(policy.PARAMETERS_BY_LABEL[normalize(label)].path[0]):
            problems.append(f"Sheet {policy.POLICY_SHEET}: chưa điền “{label}”")


def _read_index_rankings(
    sheet: Any, framework: dict[str, Any], locator: Locator, problems: list[str]
) -> None:
    """Each main index's own ranking as a mapping, beside those the policy sheet gives as
    numbers; an index stated twice is a problem at its second row."""
    overrides = framework.setdefault("index_rankings", {}).setdefault("overrides", {})
    stated = dict.fromkeys(overrides, 0)  # index code -> its row here (0: the policy sheet)
    for row, cells in _rows(sheet, policy.INDEX_SHEET, policy.INDEX_COLUMNS, problems):
        fail = _failer(policy.INDEX_SHEET, row, problems)
        code, ranking = policy.read_index_ranking(cells, fail)
        if code in stated:
            where_before = (
                f"dòng {stated[code]}" if stated[code] else f"sheet {policy.POLICY_SHEET}"
            )
            fail(policy.INDEX_COLUMNS[0], f"chỉ số “{code}” đã khai báo ({where_before})")
        elif code:
            stated[code] = row
            overrides[code] = ranking
            locator.index_rankings[code] = row
    if not overrides:
        del framework["index_rankings"]["overrides"]
        if not framework["index_rankings"]:
            del framework["index_rankings"]


def _read_tree(sheet: Any, locator: Locator, problems: list[str]) -> list[dict[str, Any]]:
    rows: list[tuple[int, str, dict[str, Any]]] = []
    for row, cells in _rows(sheet, tree.SHEET, tree.COLUMNS, problems, tree.OPTIONAL):
        node = tree.read_node(cells, _failer(tree.SHEET, row, problems))
        rows.append((row, text(cells["Mã cấp trên"]), node))
        locator.nodes.setdefault(node["code"], row)
    roots = tree.assemble(
        rows, lambda row, column, message: _failer(tree.SHEET, row, problems)(column, message)
    )
    if not rows:
        problems.append(f"Sheet {tree.SHEET}: chưa có tiêu chí nào")
    return roots


def _read_items(
    sheet: Any,
    name: str,
    columns: Sequence[str],
    reader: Callable[[Mapping[str, Any], Callable[[str, str], None]], dict[str, Any]],
    rows: dict[str, int],
    problems: list[str],
) -> list[dict[str, Any]]:
    items = []
    for row, cells in _rows(sheet, name, columns, problems):
        item = reader(cells, _failer(name, row, problems))
        rows.setdefault(item["code"], row)
        items.append(item)
    return items
