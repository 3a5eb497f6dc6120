"""Where a report's results come from when there is no database: the campaign's published
general table of each level, recomputed from the component scores it prints.

The general table is the one of the campaign's `tables` list with the level and neither an
index nor a group: it holds every unit's main-index scores, so the engine derives the
general ranking, the peer-group rankings and the per-index rankings from it alone. Printed
totals, ranks and classes are never read back: every number of the report is recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dti.campaign import Campaign, TableSpec
from dti.reproduce import reproduce
from dti.results import LevelResult
from dti.tables.published import interpret
from dti.tables.reader import read_table


class ReportSourceError(ValueError):
    """The results cannot be built: no general table, or its scores are not usable."""


def general_table(campaign: Campaign, level: str) -> TableSpec:
    campaign.level(level)  # a KeyError naming the known levels
    for spec in campaign.tables:
        if spec.level == level and spec.index is None and spec.group is None:
            return spec
    raise ReportSourceError(
        f"Đợt đánh giá {campaign.province} {campaign.year} không có bảng tổng hợp của khối "
        f"'{level}' trong danh sách tables (bảng không theo chỉ số, không theo nhóm)."
    )


def reported_levels(campaign: Campaign) -> list[str]:
    """The levels that have a general table, in the campaign's order."""
    with_tables = {spec.level for spec in campaign.tables if spec.index is None and not spec.group}
    return [code for code in campaign.levels if code in with_tables]


def results_from_tables(
    campaign: Campaign, tables_dir: Path, levels: Sequence[str] | None = None
) -> dict[str, LevelResult]:
    """Each level's result, recomputed from its general table found in `tables_dir`."""
    return {
        level: level_result_from_table(campaign, level, tables_dir)
        for level in (levels or reported_levels(campaign))
    }


def level_result_from_table(campaign: Campaign, level: str, tables_dir: Path) -> LevelResult:
    spec = general_table(campaign, level)
    path = tables_dir / spec.file
    if not path.is_file():
        raise ReportSourceError(f"Không tìm thấy bảng {spec.file} trong thư mục {tables_dir}.")
    table = interpret(read_table(path), campaign, level=level)
    repro = reproduce(table, campaign)
    if repro.problems:
        listed = "\n".join(f"  {problem}" for problem in repro.problems)
        raise ReportSourceError(
            f"{spec.file}: điểm không hợp lệ, không lập được báo cáo:\n{listed}\n"
            "Dùng `dti audit` để xem mọi sai lệch của bảng."
        )
    return repro.result
