"""Recognising the tables of a published report: which is the general ranking of which level,
which a peer group's, which one main index's, which the framework's summary, and reading each
as `dti.tables.published` reads a table file.

A table's caption is the paragraphs just before it (from the last one starting "Bảng …" or
"Phụ lục …", at most five short ones). Its header is the first row with a unit column
("Đơn vị", "Tên đơn vị", "Cơ quan, đơn vị" …); rows under it with no number and no unit
continue it (a header over two or three rows, merged cells repeated), and each column takes
its lowest label. The level is the one whose units the table names; the index is named in
the caption, or is the table's only index column; the group is named in the caption, or is
the peer group whose units are exactly the table's. A table nobody can read is listed with
why, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dti.audit.layout import SHIFTED, NotInferred, infer_header, is_class_summary, misaligned
from dti.audit.wrapped import unwrap_cells
from dti.campaign import Campaign, Level
from dti.columns import evaluate_condition
from dti.documents.model import Block, Document, Paragraph, Table
from dti.inputs import UnitInput, build_inputs
from dti.names import loose_label, normalize_label
from dti.tables.cells import NotANumber, is_blank, parse_number
from dti.tables.model import PublishedTable, TableError
from dti.tables.published import interpret
from dti.tables.raw import UNIT_COLUMN_LABELS, RawRow, TableReadError
from dti.tables.reader import table_from_rows

_LABEL = re.compile(r"^\s*((?:bảng|phụ lục)\s+[0-9ivxlc]+(?:\.[0-9]+)*[a-z]?)(?=[\s.:]|$)", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


@dataclass(frozen=True)
class FoundTable:
    block: Table
    label: str  # "Bảng 1.7", "Phụ lục II", a loose table's file name, or "bảng 3"
    caption: str
    kind: str  # general, group, index, framework, class_summary, unknown
    level: str | None = None
    index: str | None = None
    group: str | None = None
    published: PublishedTable | None = None
    problems: tuple[str, ...] = ()
    how: str = ""  # how its columns were found when it printed no header

    @property
    def problems_said(self) -> tuple[str, ...]:
        """Why it could not be read, each without the table's own name before it (the
        finding already names the table)."""
        return tuple(
            p.removeprefix(f"{self.label}, ").removeprefix(f"{self.label}: ") for p in self.problems
        )

    def describe(self, campaign: Campaign) -> str:
        """What the table is, in Vietnamese: "xếp hạng chỉ số Nhận thức số, khối Sở"."""
        if self.kind == "unknown":
            return "không nhận ra: " + "; ".join(self.problems_said)
        level = campaign.level(self.level) if self.level else None
        where = f", khối {level.name}" if level else ""
        if self.how:
            return f"{self._what(campaign, level, where)} ({self.how})"
        return self._what(campaign, level, where)

    def _what(self, campaign: Campaign, level: Level | None, where: str) -> str:
        if self.kind == "class_summary":
            return "bảng tổng hợp số đơn vị theo mức xếp loại"
        if self.kind == "framework":
            return f"bảng chỉ số chính và điểm tối đa của bộ chỉ số{where}"
        if self.kind == "index" and level and self.index:
            return f"xếp hạng chỉ số {level.framework.by_code[self.index].name}{where}"
        if self.kind == "group" and level and self.group:
            group = next(g for g in level.framework.groups if g.code == self.group)
            return f"xếp hạng nhóm “{group.name}”{where}"
        return f"xếp hạng chung{where}"


def recognise(campaign: Campaign, document: Document, level: str | None = None) -> list[FoundTable]:
    """Every table of `document`, recognised (or with the reasons it could not be)."""
    found: list[FoundTable] = []
    single = len(document.tables) == 1
    for position, block in enumerate(document.blocks):
        if not isinstance(block, Table):
            continue
        caption = _caption(document.blocks[:position])
        if single and block.name is None:
            block = replace(block, name=document.source)  # a table file: named by its file
        label = block.name or _label(caption) or f"bảng {block.where.table or len(found) + 1}"
        if document.kind == "pdf":
            block = unwrap_cells(campaign, block)
        found.append(_recognise(campaign, block, label, caption, level))
    return found


def row_number(block: Table, index: int) -> int:
    """How a finding numbers a table's row: a loose table file's line (as `dti audit` of
    table files always has), else the row's place in the table as printed, from 1."""
    return block.line(index) if block.name else index + 1


CAPTION_PARAGRAPHS = 5  # at most this many paragraphs before a table title it


def _caption(before: Sequence[Block]) -> list[str]:
    """The paragraphs just before a table that title it: back to the one starting "Bảng …"
    or "Phụ lục …", at most five, never a sentence of the narrative (or a note under the
    table before) longer than a title is."""
    lines: list[str] = []
    for block in reversed(before):
        if not isinstance(block, Paragraph) or len(lines) == CAPTION_PARAGRAPHS:
            break
        if len(block.text.split()) > 25 and not _LABEL.match(block.text):
            break
        lines.insert(0, block.text)
        if _LABEL.match(block.text):
            break
    return lines


def _label(caption: Sequence[str]) -> str | None:
    for line in caption:
        match = _LABEL.match(line)
        if match:
            return match.group(1).strip()
    return None


def _recognise(
    campaign: Campaign, block: Table, label: str, caption: list[str], level: str | None
) -> FoundTable:
    try:
        return _read(campaign, block, label, caption, level)
    except TableReadError as error:
        return FoundTable(block, label, " ".join(caption), "unknown", problems=(str(error),))


def _read(
    campaign: Campaign, block: Table, label: str, caption: list[str], level: str | None
) -> FoundTable:
    rows = _rows(block)
    raw = table_from_rows(rows, source=label)
    how = ""
    if raw is None and is_class_summary(campaign, block.rows):
        return FoundTable(block, label, " ".join(caption), "class_summary")
    if raw is None:
        framework_level = _framework_table(campaign, block)
        if framework_level is not None:
            return FoundTable(block, label, " ".join(caption), "framework", framework_level)
        try:
            inferred = infer_header(campaign, rows)
        except NotInferred as error:
            return FoundTable(block, label, " ".join(caption), "unknown", problems=(str(error),))
        raw = table_from_rows([inferred.header, *rows], source=label)
        how = inferred.how
        assert raw is not None  # the inferred header names the unit column
    raw = type(raw)(raw.source, raw.sheet, tuple(caption) + raw.title, raw.header, raw.rows)
    spec = campaign.table_spec(block.name) if block.name else None
    try:
        table = interpret(raw, campaign, level=level if spec is None else None)
        group = table.group or _group(campaign, table, " ".join(raw.title))
        if group is not None and table.group is None and table.index is None:
            table = interpret(raw, campaign, level=table.level, group=group)
    except TableReadError as error:
        return FoundTable(block, label, " ".join(caption), "unknown", problems=(error.message,))
    except TableError as error:
        short = {number for number, _ in misaligned(rows, _header_index(rows))}
        problems = tuple(f"{p} ({SHIFTED})" if p.row in short else str(p) for p in error.problems)
        return FoundTable(block, label, " ".join(caption), "unknown", problems=problems)
    kind = "index" if table.index else "group" if table.group else "general"
    return FoundTable(
        block,
        label,
        " ".join(caption),
        kind,
        table.level,
        table.index,
        table.group,
        table,
        how=how,
    )


def _rows(block: Table) -> list[RawRow]:
    """The block's rows, a header over several rows made one (each column its lowest label)."""
    rows = [RawRow(row_number(block, i), cells) for i, cells in enumerate(block.rows)]
    start = next(
        (
            i
            for i, r in enumerate(rows)
            if any(normalize_label(c) in UNIT_COLUMN_LABELS for c in r.cells)
        ),
        None,
    )
    if start is None:
        return rows
    header = list(rows[start].cells)
    end = start + 1
    while end < len(rows) and _continues_header(rows[end].cells, header):
        header = _merge_labels(header, rows[end].cells)
        end += 1
    return [*rows[:start], RawRow(rows[start].number, tuple(header)), *rows[end:]]


def _header_index(rows: Sequence[RawRow]) -> int:
    return next(
        (
            i
            for i, r in enumerate(rows)
            if any(normalize_label(c) in UNIT_COLUMN_LABELS for c in r.cells)
        ),
        0,
    )


def _continues_header(cells: Sequence[str], header: Sequence[str]) -> bool:
    """A row under the header that is more header: no number in it, and its unit cell empty
    or the header's own label again (a merged cell)."""
    unit = next(i for i, c in enumerate(header) if normalize_label(c) in UNIT_COLUMN_LABELS)
    if (
        unit < len(cells)
        and cells[unit]
        and normalize_label(cells[unit]) != normalize_label(header[unit])
    ):
        return False
    filled = [c for c in cells if not is_blank(c)]
    return bool(filled) and not any(_is_number(c) for c in filled)


def _merge_labels(header: Sequence[str], below: Sequence[str]) -> list[str]:
    merged = []
    for i in range(max(len(header), len(below))):
        upper = header[i] if i < len(header) else ""
        lower = below[i] if i < len(below) else ""
        if not lower or normalize_label(lower) == normalize_label(upper):
            merged.append(upper)
            continue
        year = _YEAR.search(upper)
        merged.append(f"{lower} năm {year.group()}" if year and not _YEAR.search(lower) else lower)
    return merged


def _is_number(text: str) -> bool:
    try:
        parse_number(text)
    except NotANumber:
        return False
    except ValueError:
        return False
    return True


def _group(campaign: Campaign, table: PublishedTable, title: str) -> str | None:
    """The peer group named in the title (the longest name that fits), else the one whose
    units are exactly the table's, when the table does not hold the whole level."""
    level = campaign.level(table.level)
    groups = level.framework.groups
    if not groups or table.index is not None:
        return None
    text = loose_label(title)
    named = [g for g in groups if loose_label(g.name) in text]
    if named:
        return max(named, key=lambda g: len(g.name)).code
    units = {row.unit for row in table.rows}
    if len(units) >= len(level.units):
        return None
    for group, members in _members(level).items():
        if members == units:
            return group
    return None


def _members(level: Level) -> dict[str, set[str]]:
    entries = [UnitInput(u.id, u.attributes, scores={}) for u in level.units]
    inputs = build_inputs(level.framework, entries)
    return {
        g.code: {
            u.id
            for u, inside in zip(level.units, evaluate_condition(g.when, inputs), strict=True)
            if inside
        }
        for g in level.framework.groups
    }


def _framework_table(campaign: Campaign, block: Table) -> str | None:
    """The level whose framework a table of main indices and their maxima describes ("STT,
    Chỉ số chính, …, Tổng điểm tối đa"): the one whose index names and maxima it matches most."""
    best: tuple[int, str] | None = None
    for code, level in campaign.levels.items():
        nodes = {
            normalize_label(n): node
            for node in level.framework.all_nodes
            for n in (node.name, *node.aliases)
        }
        score = 0
        for cells in block.rows:
            node = next(
                (nodes[normalize_label(c)] for c in cells if normalize_label(c) in nodes), None
            )
            if node is not None:
                score += 1 + sum(
                    1 for c in cells if _is_number(c) and parse_number(c).value == node.max
                )
        if score and (best is None or score > best[0]):
            best = (score, code)
    return best[1] if best else None
