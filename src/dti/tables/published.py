"""Understanding a published result table: which column is which index, which row is
which unit, and what was printed in each cell.

Columns are recognised by their header: position ("STT"), unit ("Đơn vị"), an index by
its name or one of its aliases, total ("Tổng điểm…"), ratio ("Tỷ lệ"), rank or class
("Xếp hạng…", "Nhóm mức độ…": rank when the cells are numbers, class when they are class
labels; a year before the campaign's marks last year's). A row whose unit cell reads
"Điểm tối đa", or is empty with numbers beside it, is the row of maximum points.
A blank rank cell means "tied with the row above", as Bình Định prints its ties. A blank
score cell (a component or the total) is recorded as blank, never read as zero.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from dti.campaign import Campaign, Level, TableSpec, class_names
from dti.framework.model import Framework, NodeKind
from dti.names import normalize_label
from dti.numbers import read_number
from dti.tables.cells import ParsedNumber, is_blank
from dti.tables.model import (
    TOTAL_KEY,
    PublishedRow,
    PublishedTable,
    Role,
    TableColumn,
    TableError,
    TableProblem,
)
from dti.tables.reader import UNIT_COLUMN_LABELS, RawRow, RawTable

DEFAULT_CLASSES = {
    "xuất sắc": "Xuất sắc",
    "tốt": "Tốt",
    "khá": "Khá",
    "trung bình": "Trung bình",
    "tb": "Trung bình",
    "yếu": "Yếu",
    "kém": "Kém",
}
POSITION_HEADERS = {normalize_label(x) for x in ("STT", "TT", "Số TT", "Số thứ tự")}
_RATIO = {normalize_label(x) for x in ("Tỷ lệ", "Tỉ lệ", "Tỷ lệ (%)", "Tỉ lệ (%)", "Tỷ lệ %")}
_MAX_ROW = {
    normalize_label(x) for x in ("Điểm tối đa", "Tối đa", "Điểm chuẩn", "MAX", "Thang điểm")
}
# The index printed as a value from 0 to 1 ("Chỉ số" 0,845): the ratio, read as 84,5 %.
_INDEX_VALUE = {normalize_label(x) for x in ("Chỉ số", "Chỉ số DTI", "Chỉ số chuyển đổi số")}
_TOTAL_PREFIXES = ("tổng điểm", "tổng")
_RANK_PREFIXES = ("xếp hạng", "thứ hạng", "hạng", "xếp loại", "nhóm mức độ", "mức độ", "phân loại")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def interpret(
    raw: RawTable,
    campaign: Campaign,
    *,
    level: str | None = None,
    index: str | None = None,
    group: str | None = None,
) -> PublishedTable:
    """Read `raw` as a result table of the campaign. TableError lists every problem."""
    source = Path(raw.source).name
    spec = campaign.table_spec(source) or TableSpec(file=source, level=level or "")
    level_code = level or spec.level or _guess_level(raw, campaign)
    the_level = campaign.level(level_code)
    framework = the_level.framework
    index = index or spec.index or _index_from_title(framework, raw.title)
    problems: list[TableProblem] = []
    columns = _columns(raw, source, framework, campaign.year, problems)
    index = index or _single_index(columns, framework)
    reader = _RowReader(source, the_level, columns, _class_names(framework), problems)
    rows, max_row, max_row_number = reader.read(raw.rows)
    if problems:
        raise TableError(problems)
    return PublishedTable(
        source=source,
        title=spec.title or " ".join(raw.title),
        level=level_code,
        index=index,
        group=group or spec.group,
        columns=tuple(columns),
        rows=tuple(rows),
        max_row=max_row,
        max_row_number=max_row_number,
    )


def _guess_level(raw: RawTable, campaign: Campaign) -> str:
    """The level whose units the table names most often (one-level campaigns need no flag)."""
    if len(campaign.levels) == 1:
        return next(iter(campaign.levels))
    counts = {
        code: sum(1 for r in raw.rows if any(lv.names.find(c) for c in r.cells[:3]))
        for code, lv in campaign.levels.items()
    }
    best = max(counts, key=lambda code: counts[code])
    if counts[best] == 0:
        raise TableError(
            [TableProblem(raw.source, None, None, "không nhận ra khối; hãy chỉ rõ --level")]
        )
    return best


def _index_from_title(framework: Framework, title: Sequence[str]) -> str | None:
    text = normalize_label(" ".join(title))
    for node in framework.main_indices:
        if any(normalize_label(label) in text for label in (node.name, *node.aliases)):
            return node.code
    return None


def _node_for(framework: Framework, header: str) -> str | None:
    label = normalize_label(header)
    for node in framework.all_nodes:
        if label in {normalize_label(x) for x in (node.name, *node.aliases)}:
            return node.code
    return None


def _columns(
    raw: RawTable, source: str, framework: Framework, year: int, problems: list[TableProblem]
) -> list[TableColumn]:
    columns = []
    for position, header in enumerate(raw.header.cells):
        column = _column(raw, framework, year, position, header)
        if column is None:
            known = ", ".join(n.name for n in framework.all_nodes if n.kind is NodeKind.MAIN_INDEX)
            problems.append(
                TableProblem(
                    source,
                    raw.header.number,
                    header,
                    f"không nhận ra cột; tên các chỉ số của bộ chỉ số: {known}",
                )
            )
        else:
            columns.append(column)
    return columns


def _column(
    raw: RawTable, framework: Framework, year: int, position: int, header: str
) -> TableColumn | None:
    label = normalize_label(header)
    years = [int(m.group(0)) for m in _YEAR.finditer(label)]
    previous = any(y < year for y in years)
    if label in POSITION_HEADERS:
        return TableColumn(position, header, Role.POSITION)
    if label in UNIT_COLUMN_LABELS:
        return TableColumn(position, header, Role.UNIT)
    node = _node_for(framework, header)
    if node is not None:
        return TableColumn(position, header, Role.NODE, node)
    if label in _RATIO or label in _INDEX_VALUE:
        return TableColumn(position, header, Role.RATIO)
    if label.startswith(_TOTAL_PREFIXES) and "tối đa" not in label:
        return TableColumn(position, header, Role.PREVIOUS if previous else Role.TOTAL)
    if label.startswith(_RANK_PREFIXES):
        if previous:
            return TableColumn(position, header, Role.PREVIOUS)
        role = Role.CLASS if _holds_classes(raw, framework, position) else Role.RANK
        return TableColumn(position, header, role)
    return None


def _class_names(framework: Framework) -> dict[str, str]:
    return {**DEFAULT_CLASSES, **class_names(framework)}


def _holds_classes(raw: RawTable, framework: Framework, position: int) -> bool:
    names = _class_names(framework)
    cells = [r.cells[position] for r in raw.rows if position < len(r.cells)]
    filled = [c for c in cells if not is_blank(c)]
    return bool(filled) and all(normalize_label(c) in names for c in filled)


def _single_index(columns: Sequence[TableColumn], framework: Framework) -> str | None:
    """A table with one index column and no other index is that index's ranking (Bảng 2.x)."""
    nodes = [c.node for c in columns if c.role is Role.NODE]
    mains = {n.code for n in framework.main_indices}
    if len(nodes) == 1 and nodes[0] in mains:
        return nodes[0]
    return None


@dataclass
class _RowReader:
    source: str
    level: Level
    columns: Sequence[TableColumn]
    classes: dict[str, str]
    problems: list[TableProblem]

    def read(
        self, rows: Sequence[RawRow]
    ) -> tuple[list[PublishedRow], dict[str, Decimal] | None, int | None]:
        result: list[PublishedRow] = []
        max_row: dict[str, Decimal] | None = None
        max_row_number: int | None = None
        seen: dict[str, int] = {}
        for raw in rows:
            if self._is_max_row(raw):
                max_row, max_row_number = self._numbers(raw), raw.number
                continue
            row = self._row(raw)
            if row is None:
                continue
            if row.unit in seen:
                self._fail(raw.number, None, f"đơn vị đã có ở dòng {seen[row.unit]}")
            seen[row.unit] = raw.number
            result.append(row)
        return result, max_row, max_row_number

    def _fail(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(TableProblem(self.source, row, column, message))

    def _cell(self, raw: RawRow, role: Role) -> tuple[TableColumn, str] | None:
        for column in self.columns:
            if column.role is role:
                return column, raw.cells[column.position]
        return None

    def _is_max_row(self, raw: RawRow) -> bool:
        found = self._cell(raw, Role.UNIT)
        unit_text = found[1] if found else ""
        if normalize_label(unit_text) in _MAX_ROW:
            return True
        position = self._cell(raw, Role.POSITION)
        return is_blank(unit_text) and (position is None or is_blank(position[1]))

    def _numbers(self, raw: RawRow) -> dict[str, Decimal]:
        values: dict[str, Decimal] = {}
        for column in self.columns:
            key = column.node if column.role is Role.NODE else column.role.value
            if column.role in (Role.NODE, Role.TOTAL) and key is not None:
                number = self._number(raw, column)
                if number is not None:
                    values[key] = number.value
        return values

    def _number(self, raw: RawRow, column: TableColumn) -> ParsedNumber | None:
        text = raw.cells[column.position]
        if is_blank(text):
            return None
        try:
            return read_number(text)  # the one reader: a printed 1e15 is an error, not a score
        except ValueError as error:  # CellError (not a number) or NumberError (out of range)
            self._fail(raw.number, column.header, str(error))
            return None

    def _row(self, raw: RawRow) -> PublishedRow | None:
        found = self._cell(raw, Role.UNIT)
        if found is None:
            self._fail(raw.number, None, "bảng không có cột đơn vị")
            return None
        printed = found[1]
        unit = self.level.names.find(printed)
        if unit is None:
            suggestions = self.level.names.suggest(printed)
            hint = f"; gần giống: {', '.join(suggestions)}" if suggestions else ""
            self._fail(
                raw.number,
                found[0].header,
                f"không tìm thấy đơn vị “{printed}” trong khối {self.level.name}{hint}",
            )
            return None
        return self._fill(raw, unit, printed)

    def _fill(self, raw: RawRow, unit: str, printed: str) -> PublishedRow:
        nodes: dict[str, Decimal] = {}
        fields: dict[str, object] = {}
        blank: list[str] = []
        for column in self.columns:
            text = raw.cells[column.position]
            if column.role is Role.NODE and column.node is not None and is_blank(text):
                blank.append(column.node)
            elif column.role is Role.TOTAL and is_blank(text):
                blank.append(TOTAL_KEY)
            if column.role is Role.NODE and column.node is not None:
                number = self._number(raw, column)
                if number is not None:
                    nodes[column.node] = number.value
            elif column.role is Role.TOTAL:
                number = self._number(raw, column)
                fields["total"] = number.value if number else None
            elif column.role is Role.RATIO:
                fields["ratio"] = self._ratio(raw, column)
            elif column.role is Role.POSITION:
                fields["position"] = self._integer(raw, column)
            elif column.role is Role.RANK:
                fields["rank"] = self._integer(raw, column)
                fields["rank_blank"] = is_blank(text)
            elif column.role is Role.CLASS:
                fields["class_label"] = self._class(raw, column)
            elif column.role is Role.PREVIOUS and not is_blank(text):
                fields["previous_class"] = self.classes.get(normalize_label(text))
        return PublishedRow(
            row=raw.number,
            unit=unit,
            printed_name=printed,
            nodes=nodes,
            blank=tuple(blank),
            **fields,  # type: ignore[arg-type]  # the optional fields by name, each of its type
        )

    def _ratio(self, raw: RawRow, column: TableColumn) -> ParsedNumber | None:
        """A percent as printed; an index printed from 0 to 1 ("Chỉ số" 0,845) as its percent
        (84,5 %, two decimals fewer), so it is checked as the ratio it is."""
        number = self._number(raw, column)
        if number is None or number.percent or normalize_label(column.header) not in _INDEX_VALUE:
            return number
        if number.value > 1:
            self._fail(
                raw.number,
                column.header,
                f"chỉ số in từ 0 đến 1, không phải “{raw.cells[column.position]}”",
            )
            return None
        return ParsedNumber(number.value.scaleb(2), True, max(number.decimals - 2, 0))

    def _integer(self, raw: RawRow, column: TableColumn) -> int | None:
        number = self._number(raw, column)
        if number is None:
            return None
        if number.value != number.value.to_integral_value() or number.percent:
            self._fail(
                raw.number,
                column.header,
                f"cần một số nguyên, không phải “{raw.cells[column.position]}”",
            )
            return None
        return int(number.value)

    def _class(self, raw: RawRow, column: TableColumn) -> str | None:
        text = raw.cells[column.position]
        if is_blank(text):
            return None
        label = self.classes.get(normalize_label(text))
        if label is None:
            self._fail(raw.number, column.header, f"không nhận ra xếp loại “{text}”")
        return label
