"""Tables as they come: a table printed with no header row, whose columns are inferred from
the framework (and from its row of maxima, "MAX", "Điểm tối đa", "Thang điểm"), and a row
with a cell missing or shifted, which is reported and never silently repaired."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from dti.campaign import Campaign, Level, class_names
from dti.names import normalize_label
from dti.tables.cells import NotANumber, is_blank, parse_number
from dti.tables.raw import RawRow

SHIFTED = "dòng này ít hơn các dòng khác một ô: có thể thiếu một ô hoặc các ô bị lệch"
_MAX_LABELS = {normalize_label(x) for x in ("MAX", "Điểm tối đa", "Thang điểm", "Tối đa")}


@dataclass(frozen=True)
class Inferred:
    header: RawRow  # the header the table should have printed
    how: str  # in Vietnamese, for the list of tables


class NotInferred(ValueError):
    pass


def infer_header(campaign: Campaign, rows: Sequence[RawRow]) -> Inferred:
    """The header of a table printed without one. NotInferred says why it cannot be."""
    level, unit = _unit_column(campaign, rows)
    width = max(len(r.cells) for r in rows)
    labels = [""] * width
    labels[unit] = "Đơn vị"
    data = [r for r in rows if level.names.find(_cell(r, unit))]
    maxima = next(
        (r for r in rows if any(normalize_label(c) in _MAX_LABELS for c in r.cells)), None
    )
    classes = class_names(level.framework)
    numeric: list[int] = []
    for k in range(width):
        if k == unit:
            continue
        cells = [_cell(r, k) for r in data if not is_blank(_cell(r, k))]
        if not cells:
            continue
        if all(normalize_label(c) in classes for c in cells):
            # The first class column is this year's, another one last year's.
            earlier = "Xếp loại" in labels
            labels[k] = f"Xếp loại năm {campaign.year - 1}" if earlier else "Xếp loại"
        elif all(_number(c) is not None for c in cells):
            if all(c.rstrip().endswith("%") for c in cells):
                labels[k] = "Tỷ lệ"
            elif k < unit:
                labels[k] = "STT"
            else:
                numeric.append(k)
    if maxima is not None:
        how = _by_maxima(level, maxima, numeric, labels)
    else:
        how = _by_count(level, data, numeric, labels)
    return Inferred(RawRow(0, tuple(labels)), how)


def _unit_column(campaign: Campaign, rows: Sequence[RawRow]) -> tuple[Level, int]:
    best: tuple[int, Level, int] | None = None
    width = max((len(r.cells) for r in rows), default=0)
    for level in campaign.levels.values():
        for k in range(min(width, 4)):
            found = sum(1 for r in rows if level.names.find(_cell(r, k)))
            if found and (best is None or found > best[0]):
                best = (found, level, k)
    if best is None or best[0] < max(2, len(rows) // 2):
        raise NotInferred("không có dòng tiêu đề, và không cột nào ghi tên các đơn vị của đợt")
    return best[1], best[2]


def _by_maxima(level: Level, maxima: RawRow, numeric: list[int], labels: list[str]) -> str:
    framework = level.framework
    total = sum((n.max for n in framework.nodes), Decimal(0))
    free = list(framework.main_indices)
    shared: list[str] = []  # indices told apart by the framework's order, not their maxima
    for k in numeric:
        value = _number(_cell(maxima, k))
        if value is None:
            continue
        if value == total:
            labels[k] = "Tổng điểm"
            continue
        node = next((n for n in free if n.max == value), None)
        if node is None:
            raise NotInferred(
                f"không có dòng tiêu đề; cột {k + 1} có điểm tối đa {value}, không chỉ số chính "
                "nào của bộ chỉ số có điểm tối đa đó"
            )
        if sum(1 for n in framework.main_indices if n.max == value) > 1:
            shared.append(node.name)
        free.remove(node)
        labels[k] = node.name
    for k in numeric:  # no maximum printed above it: the total, then a rank
        if labels[k]:
            continue
        if "Tổng điểm" not in labels:
            labels[k] = "Tổng điểm"
        elif "Xếp hạng" not in labels:
            labels[k] = "Xếp hạng"
        else:
            raise NotInferred(f"không có dòng tiêu đề; không rõ cột {k + 1} là gì")
    how = "không có dòng tiêu đề: các cột suy ra từ dòng điểm tối đa"
    if shared:
        how += f"; {', '.join(shared)} cùng điểm tối đa, lấy theo thứ tự của bộ chỉ số"
    return how


def _by_count(level: Level, data: Sequence[RawRow], numeric: list[int], labels: list[str]) -> str:
    indices = level.framework.main_indices
    if (
        numeric
        and _is_rank(data, numeric[-1])
        and len(numeric) - 1 in (len(indices), len(indices) + 1, 1)
    ):
        labels[numeric.pop()] = "Xếp hạng"
    if len(numeric) == len(indices) + 1:
        names = [n.name for n in indices] + ["Tổng điểm"]
    elif len(numeric) == len(indices):
        names = [n.name for n in indices]
    elif len(numeric) == 1:
        names = ["Tổng điểm"]
    else:
        raise NotInferred(
            f"không có dòng tiêu đề và không có dòng điểm tối đa (“MAX”, “Điểm tối đa”, “Thang "
            f"điểm”); {len(numeric)} cột số không khớp {len(indices)} chỉ số chính của bộ chỉ số"
        )
    for k, name in zip(numeric, names, strict=True):
        labels[k] = name
    return "không có dòng tiêu đề: các cột suy ra theo thứ tự các chỉ số chính của bộ chỉ số"


def _is_rank(data: Sequence[RawRow], k: int) -> bool:
    values = [_number(_cell(r, k)) for r in data]
    whole = [int(v) for v in values if v is not None and v == v.to_integral_value()]
    return (
        len(whole) == len(values) and bool(whole) and min(whole) == 1 and max(whole) <= len(whole)
    )


def misaligned(rows: Sequence[RawRow], start: int) -> list[tuple[int, int]]:
    """(row number, column) of data rows after `start` that hold one filled cell fewer than
    the rows around them, the empty one in a column every other row fills: a cell missing or
    the row shifted. Reported, never repaired by guessing."""
    body = [r for r in rows[start + 1 :] if any(not is_blank(c) for c in r.cells)]
    if len(body) < 3:
        return []
    counts = Counter(sum(1 for c in r.cells if not is_blank(c)) for r in body)
    usual, _ = counts.most_common(1)[0]
    width = max(len(r.cells) for r in body)
    filled = [sum(1 for r in body if not is_blank(_cell(r, k))) for k in range(width)]
    out = []
    for r in body:
        if sum(1 for c in r.cells if not is_blank(c)) != usual - 1:
            continue
        empty = [k for k in range(width) if is_blank(_cell(r, k)) and filled[k] >= len(body) - 2]
        if empty:
            out.append((r.number, empty[0]))
    return out


def _cell(row: RawRow, k: int) -> str:
    return row.cells[k] if k < len(row.cells) else ""


def _number(text: str) -> Decimal | None:
    try:
        return parse_number(text).value
    except (NotANumber, ValueError):
        return None


def is_class_summary(campaign: Campaign, rows: Sequence[tuple[str, ...]]) -> bool:
    """Rows starting (after a position) with class labels and holding counts: a summary of
    the units per class (dti.audit.summary checks it)."""
    labels = class_labels(campaign)
    classed = [r for r in rows if label_of(r, labels) is not None]
    return len(classed) >= 2 and all(any(count_of(c) is not None for c in r) for r in classed)


def class_labels(campaign: Campaign) -> dict[str, str]:
    labels: dict[str, str] = {}
    for level in campaign.levels.values():
        labels |= class_names(level.framework)
    return labels


def label_of(row: tuple[str, ...], labels: dict[str, str]) -> str | None:
    for cell in row[:2]:
        label = labels.get(normalize_label(cell))
        if label is not None:
            return label
    return None


def count_of(text: str) -> int | None:
    try:
        parsed = parse_number(text)
    except (NotANumber, ValueError):
        return None
    value = parsed.value
    return int(value) if not parsed.percent and value == value.to_integral_value() else None
