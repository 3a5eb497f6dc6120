"""A general ranking composed from a report's per-index tables, when the report prints none
for a level: each unit's main indices as its index tables print them, its total their sum
under the level's policy. The narrative's classes, averages and leaders are then checked
against it, a unit missing from one of the index tables is said, and the portal can import
it as the level's results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from dti.audit.findings import Finding
from dti.audit.recognise import FoundTable
from dti.campaign import Campaign
from dti.tables.model import PublishedRow, PublishedTable, Role, TableColumn


def composed_tables(
    campaign: Campaign, tables: Sequence[FoundTable]
) -> tuple[list[FoundTable], list[Finding]]:
    out: list[FoundTable] = []
    findings: list[Finding] = []
    for code, level in campaign.levels.items():
        if any(t.kind == "general" and t.level == code for t in tables):
            continue
        by_index = {
            t.index: t for t in tables if t.kind == "index" and t.level == code and t.published
        }
        indices = level.framework.main_indices
        if not indices or any(n.code not in by_index for n in indices):
            continue
        label = f"xếp hạng chung khối {level.name} (ghép từ các bảng chỉ số)"
        values: dict[str, dict[str, Decimal]] = {}
        printed: dict[str, str] = {}
        for node in indices:
            table = by_index[node.code].published
            assert table is not None
            for row in table.rows:
                score = table.score_of(row, node.code)
                if score is not None:
                    values.setdefault(row.unit, {})[node.code] = score
                    printed.setdefault(row.unit, row.printed_name)
        names = {u.id: u.name for u in level.units}
        rows: list[PublishedRow] = []
        for unit, scores in values.items():
            missing = [n for n in indices if n.code not in scores]
            if missing:
                tables_missing = ", ".join(by_index[n.code].label for n in missing)
                findings.append(
                    Finding(
                        kind="composed",
                        table=label,
                        row=None,
                        unit=names[unit],
                        column=None,
                        published=None,
                        expected=None,
                        message=f"{names[unit]} không có trong {tables_missing}: tổng điểm của "
                        "đơn vị không ghép được",
                    )
                )
                continue
            total = sum(scores.values(), Decimal(0))
            rows.append(PublishedRow(len(rows) + 1, unit, printed[unit], nodes=scores, total=total))
        columns = (
            TableColumn(0, "Đơn vị", Role.UNIT),
            *(TableColumn(i + 1, n.name, Role.NODE, n.code) for i, n in enumerate(indices)),
            TableColumn(len(indices) + 1, "Tổng điểm", Role.TOTAL),
        )
        first = by_index[indices[0].code]
        published = PublishedTable(label, label, code, None, None, columns, tuple(rows))
        out.append(
            replace(
                first,
                label=label,
                caption=label,
                kind="general",
                index=None,
                group=None,
                published=published,
                how="báo cáo không in bảng xếp hạng chung: ghép từ "
                + ", ".join(by_index[n.code].label for n in indices),
            )
        )
    return out, findings
