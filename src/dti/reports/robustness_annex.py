"""The report's robustness annex: each unit's published general rank beside the typical rank
and the range of ranks in 90 % of a thousand rankings with the main indices' weights varied
(dti.robustness), with a note that says how to read it. Always the same draws (one seed), so
the annex of a report made twice is the same."""

from __future__ import annotations

from decimal import Decimal

from dti.reports.model import AppendixTable, Cell, Column, ColumnKind
from dti.results import LevelResult
from dti.robustness import Uncertainty, rank_spread

DRAWS = 1_000
SEED = 2_024


def robustness_table(result: LevelResult, spread: int, sheet: str) -> AppendixTable:
    """`spread`: each main index's weight varied by ± this many percent."""
    ranking = result.general
    drawn = rank_spread(
        result.scores, ranking, Uncertainty(Decimal(spread) / 100, draws=DRAWS, seed=SEED)
    )
    ids = result.scores.unit_ids
    rows = []
    for i, unit in enumerate(int(u) for u in ranking.units):
        low, high = int(drawn.low[i]), int(drawn.high[i])
        span = str(low) if low == high else f"{low}–{high}"
        rows.append(
            (
                Cell(int(drawn.published[i]), str(int(drawn.published[i]))),
                Cell(result.names[unit], result.names[unit]),
                Cell(int(drawn.median[i]), str(int(drawn.median[i]))),
                Cell(span, span),
            )
        )
    certain = sum(1 for i in range(len(rows)) if drawn.low[i] == drawn.high[i])
    note = (
        f"Thứ hạng chung được tính lại {DRAWS:,} lần".replace(",", ".")
        + f", mỗi lần trọng số của mỗi chỉ số chính thay đổi ngẫu nhiên trong khoảng ±{spread}%,"
        " với đúng cách làm tròn và xếp hạng như bảng xếp hạng chung. Hạng thường gặp là hạng"
        " giữa (trung vị) của các lần tính; khoảng hạng chứa 90% số lần tính: khoảng càng hẹp,"
        f" thứ hạng càng chắc chắn. {certain}/{len(rows)} đơn vị giữ đúng một thứ hạng."
    )
    return AppendixTable(
        title="",
        sheet=sheet,
        key="robustness:general",
        columns=(
            Column("Hạng", ColumnKind.RANK),
            Column("Đơn vị", ColumnKind.TEXT),
            Column("Hạng thường gặp", ColumnKind.RANK),
            Column("Khoảng hạng (90% số lần tính)", ColumnKind.TEXT),
        ),
        rows=tuple(rows),
        unit_ids=tuple(ids[int(u)] for u in ranking.units),
        note=note,
    )
