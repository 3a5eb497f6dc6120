"""Cells of a PDF's table whose words a narrow column broke ("Nhậ n thứ c số", "202 4",
"183.0 2", "Sở Kế hoạ ch và Đầu tư"): the PDF keeps only where each line of a cell starts, so a
break inside a word reads as a space. A number's cell is joined again; a text cell whose
pieces are not all words is split again into the words the campaign knows (the framework's
names, the units', levels' and groups' names, the classes, the usual headers), and left as
printed when those words do not cover it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from dti.campaign import Campaign, class_names
from dti.documents.model import Table
from dti.tables.raw import UNIT_COLUMN_LABELS

_NUMBER = re.compile(r"[\d\s.,%−-]+")
_TOKEN = re.compile(r"\d+|[^\W\d_]+|[^\w\s]", re.UNICODE)
_HEADER_WORDS = (
    "STT TT Số thứ tự Đơn vị Tên đơn vị Cơ quan Tổng điểm Tổng Năm Xếp hạng Xếp loại Thứ hạng "
    "Nhóm mức độ Mức độ Phân loại Tỷ lệ Tỉ lệ Điểm tối đa Tối đa Thang điểm Chỉ số chính "
    "Chỉ số thành phần Địa phương"
)


def unwrap_cells(campaign: Campaign, block: Table) -> Table:
    vocabulary = _vocabulary(campaign)
    rows = []
    for cells in block.rows:
        fixed = []
        for cell in cells:
            if " " in cell and _NUMBER.fullmatch(cell) and any(c.isdigit() for c in cell):
                cell = cell.replace(" ", "")
            elif " " in cell:
                cell = _respaced(cell, vocabulary)
            fixed.append(cell)
        rows.append(tuple(fixed))
    return replace(block, rows=tuple(rows))


def _vocabulary(campaign: Campaign) -> frozenset[str]:
    texts: list[str] = [_HEADER_WORDS, *UNIT_COLUMN_LABELS]
    for level in campaign.levels.values():
        texts.append(level.name)
        texts += [name for unit in level.units for name in (unit.name, *unit.aliases)]
        texts += class_names(level.framework)
        texts += [g.name for g in level.framework.groups]
        for node in level.framework.all_nodes:
            texts += [node.name, *node.aliases]
    return _words(tuple(texts))


@lru_cache(maxsize=16)
def _words(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.casefold() for text in texts for w in _TOKEN.findall(text))


def _respaced(cell: str, vocabulary: Iterable[str]) -> str:
    """`cell` with its spaces put back between known words, or as printed."""
    words = frozenset(vocabulary)
    if all(t.casefold() in words or t.isdigit() for t in cell.split()):
        return cell  # every piece already a word: nothing was broken
    glued = cell.replace(" ", "")
    folded = glued.casefold()
    best: list[list[str] | None] = [None] * (len(glued) + 1)
    best[0] = []
    for end in range(1, len(glued) + 1):
        for start in range(max(0, end - 20), end):
            before = best[start]
            if before is None:
                continue
            piece = folded[start:end]
            if piece in words or piece.isdigit() or (len(piece) == 1 and not piece.isalnum()):
                candidate = [*before, glued[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    found = best[len(glued)]
    if found is None:
        return cell
    out = ""
    for piece in found:
        glue = not out or (not piece[0].isalnum() and piece != "(") or out[-1] == "("
        out += piece if glue else f" {piece}"
    return out
