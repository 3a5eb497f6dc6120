"""The results dashboard of a campaign: for one ranking (a level's general ranking or a
peer group's), optionally one former district's units: the classes, the distribution of the
compared values, the average share of each main index's max, a heat map of units × main
indices, and the movers against last year. Every figure is derived here from the core's
result, and each chart is drawn from the same rows the page prints as tables."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext

from dti.engine import LevelScores
from dti.text import spreadsheet_text
from portal.analysis.selectors import Analysed, share_text, shown_value
from portal.campaigns.selectors import previous_results
from portal.units.models import Unit

BINS = 10  # the distribution's bins: tenths of the comparable max
HEAT_LEVELS = 5  # the heat map's shades: fifths of an index's max


@dataclass(frozen=True)
class HeatCell:
    text: str  # "87,5%", or "" where the index does not apply
    shade: int  # 0 (lowest fifth) to 4; -1 where it does not apply


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    district: str
    rank: int
    value: str
    class_label: str
    cells: list[HeatCell]
    previous_rank: int | None
    share: Fraction  # the compared value over the comparable max, 0–1, for the distribution

    @property
    def change(self) -> int | None:
        """Ranks gained on last year (negative: lost); None without a result of its own."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class Dashboard:
    indices: list[str]  # main index names, the heat map's columns
    districts: list[str]  # every former district of the ranking's units
    district: str  # the one shown ("" for all)
    rows: list[UnitRow]
    classes: list[tuple[str, int]] = field(default_factory=list)
    bins: list[tuple[str, int]] = field(default_factory=list)
    averages: list[tuple[str, str, float]] = field(default_factory=list)  # name, text, share
    risers: list[UnitRow] = field(default_factory=list)
    fallers: list[UnitRow] = field(default_factory=list)

    def chart_data(self) -> dict[str, object]:
        """What the page's charts draw: the very rows of its tables."""
        return {
            "classes": {
                "labels": [c for c, _ in self.classes],
                "values": [n for _, n in self.classes],
            },
            "bins": {"labels": [b for b, _ in self.bins], "values": [n for _, n in self.bins]},
            "averages": {
                "labels": [name for name, _, _ in self.averages],
                "values": [round(share * 100, 1) for _, _, share in self.averages],
            },
        }


def dashboard(analysed: Analysed, district: str) -> Dashboard:
    result, ranking = analysed.result, analysed.ranking
    scores = result.scores
    codes = [scores.unit_ids[int(u)] for u in ranking.units]
    units = {
        u.code: u
        for u in Unit.objects.filter(
            province=analysed.campaign.province, code__in=codes
        ).select_related("parent")
    }
    previous = previous_results(analysed.campaign, [u.pk for u in units.values()])
    indices = result.framework.main_indices
    rows_of = [scores.node_index[index.code] for index in indices]
    rows = []
    for i, position in enumerate(int(u) for u in ranking.units):
        unit = units.get(codes[i])
        own = [p for p in previous.get(unit.pk, []) if not p.through_lineage] if unit else []
        rows.append(
            UnitRow(
                code=codes[i],
                name=result.names[position],
                district=unit.parent.name if unit and unit.parent else "",
                rank=int(ranking.rank[i]),
                value=shown_value(int(ranking.displayed[i]), ranking.policy),
                class_label=ranking.classes[i] or "",
                cells=[_cell(scores, row, position) for row in rows_of],
                previous_rank=own[0].rank if len(own) == 1 else None,
                share=_share(scores, position),
            )
        )
    districts = sorted({row.district for row in rows if row.district})
    chosen = district if district in districts else ""
    shown = [row for row in rows if not chosen or row.district == chosen]
    movers = [row for row in shown if row.change]
    return Dashboard(
        indices=[index.name for index in indices],
        districts=districts,
        district=chosen,
        rows=shown,
        classes=_classes(analysed, shown),
        bins=_bins(shown),
        averages=_averages(analysed, shown, rows_of),
        risers=sorted((r for r in movers if (r.change or 0) > 0), key=lambda r: -(r.change or 0))[
            :5
        ],
        fallers=sorted((r for r in movers if (r.change or 0) < 0), key=lambda r: r.change or 0)[:5],
    )


def _cell(scores: LevelScores, row: int, position: int) -> HeatCell:
    maximum = int(scores.max_of(row)[position])
    if maximum <= 0:
        return HeatCell("", -1)
    share = Fraction(int(scores.score[row, position]), maximum)
    return HeatCell(share_text(share), min(int(share * HEAT_LEVELS), HEAT_LEVELS - 1))


def _share(scores: LevelScores, position: int) -> Fraction:
    """The unit's total over its applicable max: what the distribution bins."""
    total = int(scores.total[position])
    maximum = int(scores.total_applicable_max[position])
    return Fraction(max(total, 0), maximum) if maximum > 0 else Fraction(0)


def _classes(analysed: Analysed, rows: list[UnitRow]) -> list[tuple[str, int]]:
    classification = analysed.ranking.policy.classification
    if classification is None:
        return []
    counts = Counter(row.class_label for row in rows)
    return [(band.label, counts.get(band.label, 0)) for band in classification.bands]


def _bins(rows: list[UnitRow]) -> list[tuple[str, int]]:
    counts = Counter(min(int(row.share * BINS), BINS - 1) for row in rows)
    step = 100 // BINS
    return [(f"{b * step}–{(b + 1) * step}%", counts.get(b, 0)) for b in range(BINS)]


def _averages(
    analysed: Analysed, rows: list[UnitRow], rows_of: list[int]
) -> list[tuple[str, str, float]]:
    """Each main index's points over its applicable max, summed over the units shown."""
    scores = analysed.result.scores
    positions = {code: i for i, code in enumerate(scores.unit_ids)}
    chosen = [positions[row.code] for row in rows]
    averages = []
    for index, row in zip(analysed.result.framework.main_indices, rows_of, strict=True):
        maxima = scores.max_of(row)
        total = sum(int(scores.score[row, p]) for p in chosen)
        maximum = sum(int(maxima[p]) for p in chosen)
        if maximum:
            share = Fraction(total, maximum)
            averages.append((index.name, share_text(share), float(share)))
    return averages


def dashboard_csv(board: Dashboard) -> bytes:
    """The units' table as shown (the filter applied), for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = [
        gettext("Hạng"), gettext("Đơn vị"), gettext("Huyện cũ"), gettext("Điểm"),
        gettext("Xếp loại"), *board.indices, gettext("Hạng năm trước"),
    ]  # fmt: skip
    writer.writerow(header)
    for row in board.rows:
        writer.writerow(
            [
                row.rank,
                spreadsheet_text(row.name),
                spreadsheet_text(row.district),
                row.value,
                row.class_label,
                *(cell.text for cell in row.cells),
                row.previous_rank if row.previous_rank is not None else "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM: spreadsheets read UTF-8
