"""Reading a report published as a workbook (XLSX) into paragraphs and tables.

The zip is checked before openpyxl opens it (`dti.tables.archive`: entries, unpacked size,
compression ratio), and openpyxl reads it read-only with the values last computed (the
formulas' results). Cells are shown as `dti.tables.xlsx` shows them: numbers exact,
percentages scaled as their format says, dates as dd/mm/yyyy. Read-only openpyxl does not
know merged cells, so the sheet's `mergeCell` ranges are read from its XML (streamed) and a
merged cell's text repeated in each cell it covers, as python-docx does for a DOCX.

Each sheet, in order, is cut into blocks by a simple rule. Blank rows are skipped. Rows
before the first row with 3 or more non-empty cells are titles: each is a paragraph, its
cells joined by spaces. From that row on, rows are one table, until a row that follows one
or more blank rows and holds no number (a cell like "12", "912,50", "-1.234" or "85%"):
there the table ends, and that row starts over as above (a title paragraph when it has
fewer than 3 cells, the header of a new table when it has more). A table's rows are padded
to its widest row; `lines` are their row numbers in the sheet.
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from collections.abc import Iterator

import openpyxl
from lxml import etree
from openpyxl.utils.cell import range_boundaries

from dti.documents.cleaning import clean
from dti.documents.model import (
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    Block,
    Document,
    DocumentReadError,
    Location,
    Paragraph,
    Table,
    append_block,
)
from dti.tables.archive import xlsx_archive_problem
from dti.tables.raw import thousands
from dti.tables.xlsx import readable_rows, sheet_text

BROKEN = "không đọc được tệp XLSX: tệp hỏng hoặc không phải bảng tính Excel."
_NUMBER = re.compile(r"^[-+−]?\d[\d.,  ]*%?$")
_TITLE_CELLS = 3  # a row with fewer non-empty cells, before a table, is a title

_Rows = list[tuple[int, list[str]]]  # (row number, cell texts) of the sheet's non-blank rows
_Range = tuple[int, int, int, int]  # first column, first row, last column, last row


def read_workbook(data: bytes, *, source: str) -> Document:
    """Every sheet's blocks, in order; DocumentReadError when it cannot be read."""
    try:
        problem = xlsx_archive_problem(data)
    except NotImplementedError:  # zipfile: an entry needing a later zip version
        problem = BROKEN
    if problem is not None:
        raise DocumentReadError(problem, source=source)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                reader = _Reader(source)
                for worksheet in workbook.worksheets:
                    path = getattr(worksheet, "_worksheet_path", None)
                    merges = list(_merges(archive, path)) if isinstance(path, str) else []
                    rows = reader.rows(worksheet.title, sheet_text(worksheet))
                    reader.add_sheet(worksheet.title, rows, merges)
        finally:
            workbook.close()
    except DocumentReadError:
        raise
    except Exception as exc:  # openpyxl, zipfile and the XML parser raise many types
        raise DocumentReadError(BROKEN, source=source) from exc
    return Document(source=source, kind="xlsx", blocks=tuple(reader.blocks))


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: list[Block] = []
        self.tables = 0

    def rows(self, title: str, texts: Iterator[list[str]]) -> _Rows:
        """The sheet's non-blank rows, trailing empty cells dropped."""

        def broken(number: int) -> None:
            raise DocumentReadError(
                "ô không đọc được (tệp hỏng).", source=self.source, where=_place(title, number)
            )

        rows: _Rows = []
        for number, shown in enumerate(readable_rows(texts, broken), start=1):
            cells = [clean(cell) for cell in shown]  # a cell's line breaks as spaces
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            if len(rows) >= MAX_TABLE_ROWS:
                raise DocumentReadError(
                    f"trang tính có hơn {thousands(MAX_TABLE_ROWS)} dòng có chữ.",
                    source=self.source,
                    where=f"trang tính “{title}”",
                )
            if len(cells) > MAX_TABLE_COLUMNS:
                raise DocumentReadError(
                    f"dòng có {len(cells)} cột, tối đa {MAX_TABLE_COLUMNS}.",
                    source=self.source,
                    where=_place(title, number),
                )
            rows.append((number, cells))
        return rows

    def _fill_merged(self, rows: _Rows, merges: list[_Range], title: str) -> None:
        """Repeat each merged range's text (its top left cell's) in the other cells it
        covers, in the table's rows; the range cut to the table's widest row."""
        numbers = [number for number, _ in rows]
        width = max((len(cells) for _, cells in rows), default=0)
        budget = len(rows) * width  # ranges never overlap, so they fill at most every cell
        for first_column, first_row, last_column, last_row in merges:
            start = bisect.bisect_left(numbers, first_row)
            if start == len(numbers) or numbers[start] != first_row:
                continue  # the top left cell is in a blank row: nothing to repeat
            top = rows[start][1]
            text = top[first_column - 1] if first_column <= len(top) else ""
            last_column = min(last_column, width)
            if not text or last_column < first_column:
                continue
            stop = bisect.bisect_right(numbers, last_row)
            budget -= (stop - start) * (last_column - first_column + 1)
            if budget < 0:
                raise DocumentReadError(
                    "các vùng ô gộp chồng lên nhau (tệp hỏng).",
                    source=self.source,
                    where=f"trang tính “{title}”",
                )
            for _, cells in rows[start:stop]:
                cells.extend([""] * (last_column - len(cells)))
                cells[first_column - 1 : last_column] = [text] * (last_column - first_column + 1)

    def add_sheet(self, title: str, rows: _Rows, merges: list[_Range]) -> None:
        table: _Rows = []
        previous = 0
        for number, cells in rows:
            filled = [cell for cell in cells if cell]
            after_gap = number > previous + 1
            previous = number
            if table and after_gap and not any(_NUMBER.match(cell) for cell in filled):
                self._add_table(title, table, merges)
                table = []
            if table or len(filled) >= _TITLE_CELLS:
                table.append((number, cells))
            else:
                where = Location(self.source, sheet=title, line=number)
                self._append(Paragraph(" ".join(filled), where))
        self._add_table(title, table, merges)

    def _add_table(self, title: str, rows: _Rows, merges: list[_Range]) -> None:
        if not rows:
            return
        self._fill_merged(rows, merges, title)
        self.tables += 1
        width = max(len(cells) for _, cells in rows)
        texts = tuple(tuple(cells) + ("",) * (width - len(cells)) for _, cells in rows)
        where = Location(self.source, sheet=title, table=self.tables)
        self._append(Table(texts, where, tuple(number for number, _ in rows)))

    def _append(self, block: Block) -> None:
        append_block(self.blocks, block, self.source)


def _merges(archive: zipfile.ZipFile, path: str) -> Iterator[_Range]:
    """The sheet's merged ranges as (first column, first row, last column, last row), read
    from its XML as a stream (each row's cells dropped once passed); no entity expanded."""
    with archive.open(path.lstrip("/")) as stream:
        events = etree.iterparse(
            stream,
            events=("end",),
            tag=("{*}row", "{*}mergeCell"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        )
        for _, element in events:
            if etree.QName(element).localname == "mergeCell":
                try:
                    first_column, first_row, last_column, last_row = range_boundaries(
                        element.get("ref") or ""
                    )
                except (ValueError, TypeError):
                    continue
                if first_column and first_row and last_column and last_row:
                    yield first_column, first_row, last_column, last_row
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]


def _place(sheet: str, row: int) -> str:
    return f"trang tính “{sheet}”, dòng {row}"
