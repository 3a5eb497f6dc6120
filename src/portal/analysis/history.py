"""Last year under today's units: the province's results of the year before (its campaign
of that year with results, as the official report compares), ranked again with this
campaign's units in place of last year's (dti.lineage), each unit beside its own published
result of last year. A unit formed by a merger takes its predecessors' values (Lineage in
the register of units) by the rule the office chooses."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext

from dti.framework.correspondence import Change, Link, correspondence, index_trends
from dti.lineage import MergeRule, Successor, recompute_under
from dti.rankings import Ranking
from dti.results import LevelResult
from portal.analysis.selectors import Analysed, share_text, shown_value
from portal.campaigns.report import campaign_report_results, previous_campaign
from portal.units.core import core_attributes
from portal.units.models import Lineage, Unit


@dataclass(frozen=True)
class HistoryRow:
    code: str
    name: str
    predecessors: list[str]  # names, when the unit was formed from others
    rank: int  # recomputed under today's units
    value: str
    published_rank: int | None  # its own rank as published last year


@dataclass(frozen=True)
class History:
    year: int
    rows: list[HistoryRow]
    missing: list[str]  # today's units with nothing of last year to take
    weighted_by: list[str]  # numeric attributes a weighted mean may use


def history(analysed: Analysed, rule: MergeRule, attribute: str) -> History | None:
    """None when there are no results of last year for this level. ValueError (Vietnamese)
    when the recomputation cannot be made (docs/scoring.md, "History under today's units")."""
    before = previous_campaign(analysed.campaign)
    if before is None:
        return None
    past = campaign_report_results(before).get(analysed.level)
    if past is None:
        return None
    had = set(past.scores.unit_ids)
    codes = [analysed.result.scores.unit_ids[int(u)] for u in analysed.ranking.units]
    units = {
        u.code: u for u in Unit.objects.filter(province=analysed.campaign.province, code__in=codes)
    }
    links: dict[int, list[Unit]] = {}
    for link in Lineage.objects.filter(successor__in=units.values()).select_related("predecessor"):
        links.setdefault(link.successor_id, []).append(link.predecessor)
    successors, names, missing = [], {}, []
    for code in codes:
        unit = units[code]
        # a unit that existed keeps its own values, with those of the units merged into it
        before_units = [unit] if code in had else []
        before_units += [p for p in links.get(unit.pk, []) if p.code in had and p.pk != unit.pk]
        if not before_units:
            missing.append(unit.name)
            continue
        weights = _weights(before_units, rule, attribute)
        successors.append(
            Successor(
                code,
                unit.name,
                core_attributes(unit.attributes),
                tuple(p.code for p in before_units),
                weights,
            )
        )
        names[code] = [p.name for p in before_units if p.pk != unit.pk]
    if not successors:
        return History(before.year, [], missing, [])
    again = recompute_under(past, successors, rule)
    ranking = _same_ranking(again, analysed.key)
    published = _ranks(past.general, list(past.scores.unit_ids))
    rows = [
        HistoryRow(
            code=again.scores.unit_ids[int(u)],
            name=again.names[int(u)],
            predecessors=names[again.scores.unit_ids[int(u)]],
            rank=int(ranking.rank[i]),
            value=shown_value(int(ranking.displayed[i]), ranking.policy),
            published_rank=published.get(again.scores.unit_ids[int(u)]),
        )
        for i, u in enumerate(ranking.units)
    ]
    numeric = sorted(
        {
            key
            for links_of in links.values()
            for p in links_of
            for key, value in (p.attributes or {}).items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
    )
    return History(before.year, rows, missing, numeric)


def _weights(units: list[Unit], rule: MergeRule, attribute: str) -> tuple[Decimal, ...]:
    if rule is MergeRule.MEAN or len(units) == 1:
        return ()
    weights = []
    for unit in units:
        value = (unit.attributes or {}).get(attribute)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(
                gettext("%(unit)s chưa có số dương ở thuộc tính “%(attribute)s”.")
                % {"unit": unit.name, "attribute": attribute}
            )
        weights.append(Decimal(str(value)))
    return tuple(weights)


def _same_ranking(result: LevelResult, key: str) -> Ranking:
    """The ranking of the page's choice: a peer group's when last year's framework has it."""
    return result.groups.get(key, result.general)


def _ranks(ranking: Ranking, ids: list[str]) -> dict[str, int]:
    return {ids[int(u)]: int(r) for u, r in zip(ranking.units, ranking.rank, strict=True)}


@dataclass(frozen=True)
class TrendRow:
    name: str
    now: str
    before: str  # "" when nothing of last year compares
    change: str  # "+3,2" percentage points, "" without a comparison
    basis: str  # how it was compared, in words


@dataclass(frozen=True)
class Trends:
    year: int
    rows: list[TrendRow]
    dropped: list[str]  # last year's main indices nothing continues


def trends(analysed: Analysed) -> Trends | None:
    """Each main index's share of its max over the level, this year beside last year's,
    through the framework's declared correspondence (dti.framework.correspondence); the
    total by its share of the applicable max. None without last year's results."""
    before = previous_campaign(analysed.campaign)
    past = campaign_report_results(before).get(analysed.level) if before else None
    if before is None or past is None:
        return None
    current = analysed.result
    links = correspondence(current.framework, past.framework)
    rows = [
        TrendRow(
            name=trend.name,
            now=share_text(trend.now),
            before=share_text(trend.before),
            change=_change(trend.now, trend.before),
            basis=_basis(trend.link),
        )
        for trend in index_trends(current, past, links)
    ]
    rows.append(
        TrendRow(
            name=gettext("Tổng điểm"),
            now=share_text(_total_share(current)),
            before=share_text(_total_share(past)),
            change=_change(_total_share(current), _total_share(past)),
            basis=gettext("theo tỷ lệ trên điểm tối đa áp dụng (không theo điểm)"),
        )
    )
    main = {index.code for index in past.framework.main_indices}
    dropped = [past.framework.by_code[code].name for code in links.dropped if code in main]
    return Trends(before.year, rows, dropped)


def _basis(link: Link) -> str:
    names = ", ".join(link.previous_names)
    words = {
        Change.SAME: gettext("cùng chỉ số"),
        Change.RENAMED: gettext("đổi tên từ “%(names)s”"),
        Change.SPLIT: gettext("tách từ “%(names)s” (so với cả chỉ số cũ)"),
        Change.MERGED: gettext("gộp từ “%(names)s” (so với các chỉ số cũ cộng lại)"),
        Change.NEW: gettext("chỉ số mới: không có chỉ số tương ứng năm trước"),
    }
    return (
        words[link.change] % {"names": names}
        if "%(names)s" in words[link.change]
        else words[link.change]
    )


def _total_share(result: LevelResult) -> Fraction | None:
    total = int(result.scores.total.sum())
    maximum = int(result.scores.total_applicable_max.sum())
    return Fraction(total, maximum) if maximum else None


def _change(now: Fraction | None, before: Fraction | None) -> str:
    if now is None or before is None:
        return ""
    tenths = int((abs(now - before) * 2000 + 1) // 2)
    sign = "+" if now >= before else "−"
    return f"{sign}{tenths // 10},{tenths % 10}"
