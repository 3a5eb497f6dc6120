"""What a version holds, taken from the campaign at the moment of publication, and the
results rebuilt from a version alone.

Every figure comes from the core's evaluation of the levels (portal.campaigns.report,
the one the official report uses): the general ranking, each peer group's, each main
index's, and each unit's index scores against their applicable max. Nothing is computed
again on the public site: it reads these rows."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dti.campaign import Campaign as CoreCampaign
from dti.campaign import Level as CoreLevel
from dti.campaign import Unit as CoreUnit
from dti.fixedpoint import from_scaled
from dti.framework.loader import build_framework
from dti.inputs import UnitInput, build_inputs
from dti.names import loose_label
from dti.rankings import RankingRow
from dti.reports.texts import ReportTexts, texts_from_mapping
from dti.results import LevelResult, evaluate
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit, HistoricResult
from portal.campaigns.report import campaign_report_results, report_texts
from portal.publication.models import VersionRow
from portal.publication.selectors import lineage_predecessors, plain
from portal.units.core import core_attributes
from portal.workflow import CampaignState


@dataclass
class LevelContent:
    level: str
    name: str
    framework_code: str
    framework_name: str
    framework: dict[str, Any]
    findings: list[Any]
    source: str
    remarks: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Content:
    """A version's content before it is stored; `digest` is over all of it."""

    context: dict[str, Any]
    levels: list[LevelContent]

    @property
    def digest(self) -> str:
        canonical = json.dumps(
            {"context": self.context, "levels": [dataclasses.asdict(lv) for lv in self.levels]},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def unit_count(self) -> int:
        return sum(len(level.rows) for level in self.levels)


def _text(value: Decimal) -> str:
    """An exact decimal as JSON keeps it: '46.457', '500', '0.85'."""
    normalized = value.normalize()
    return f"{normalized:f}"


def campaign_content(campaign: Campaign, previous: Mapping[str, dict[str, Any]]) -> Content:
    """The version the campaign's results make now. `previous` gives, by unit code, last
    year's published figures to print beside each unit (portal.publication.selectors)."""
    results = campaign_report_results(campaign)
    levels = {
        level.level: level
        for level in CampaignLevel.objects.filter(campaign=campaign)
        .select_related("framework")
        .order_by("pk")
    }
    units = {
        cu.unit.code: cu
        for cu in CampaignUnit.objects.filter(campaign=campaign, historic_result__isnull=False)
        .select_related("unit")
        .only("unit__code", "unit__name", "unit__attributes", "unit_id", "level")
    }
    texts = report_texts(campaign)
    content_levels = []
    for code, result in results.items():
        level = levels[code]
        content = LevelContent(
            level=code,
            name=level.name,
            framework_code=level.framework.code,
            framework_name=level.framework.name,
            framework=json.loads(json.dumps(level.framework.document, default=str)),
            findings=list(level.published_findings or []),
            source=level.framework.source,
            remarks=_remarks(texts, code, result),
        )
        content.rows = _rows(result, units, previous)
        content_levels.append(content)
    context = _context(campaign, texts)
    # Levels of the campaign without results: the version's report says they were not
    # assessed this year, as the campaign's draft did (their framework is not kept).
    context["unassessed"] = [
        {"level": code, "name": level.name} for code, level in levels.items() if code not in results
    ]
    return Content(context=context, levels=content_levels)


def _remarks(texts: ReportTexts, level: str, result: LevelResult) -> dict[str, str]:
    remarks = {}
    for index in result.framework.main_indices:
        text = texts.remarks.get(f"{level}.{index.code}") or texts.remarks.get(index.code) or ""
        if text.strip():
            remarks[index.code] = text.strip()
    return remarks


def _context(campaign: Campaign, texts: ReportTexts) -> dict[str, Any]:
    rounds = [
        {"number": r.number, "appraisal_due": r.appraisal_due.isoformat(), "final": r.final}
        for r in campaign.rounds.order_by("number")
    ]
    deadline = campaign.self_assessment_deadline
    return {
        "title": campaign.title,
        "year": campaign.year,
        "province": campaign.province.name,
        "source": campaign.source,
        "historic": campaign.historic,
        "self_assessment_deadline": deadline.isoformat() if deadline else None,
        "rounds": rounds,
        "texts": _texts_json(texts),
    }


def _texts_json(texts: ReportTexts) -> dict[str, Any]:
    """The texts the office writes (strings, lists of paragraphs, remarks) and its layout
    choices (depth, grouping and not-assessed reason per level), as JSON that texts_of
    reads back."""
    plain: dict[str, Any] = {}
    for item in dataclasses.fields(texts):
        value = getattr(texts, item.name)
        if isinstance(value, str):
            plain[item.name] = value
        elif isinstance(value, tuple):
            plain[item.name] = list(value)
    plain["remarks"] = dict(texts.remarks)
    plain["detail_depth"] = texts.detail_depth
    plain["robustness"] = texts.robustness
    plain["grouping"] = {level: choice.value for level, choice in texts.grouping.items()}
    plain["not_assessed"] = dict(texts.not_assessed)
    return plain


def _rows(
    result: LevelResult,
    units: Mapping[str, CampaignUnit],
    previous: Mapping[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    ids = result.scores.unit_ids
    general = result.general.rows(ids)
    indices = {code: _by_unit(r.rows(ids)) for code, r in result.indices.items()}
    groups = {code: _by_unit(r.rows(ids)) for code, r in result.groups.items()}
    scores = result.scores
    columns = {unit: column for column, unit in enumerate(ids)}
    rows = []
    for position, row in enumerate(general, start=1):
        column = columns[row.unit]
        campaign_unit = units[row.unit]
        unit_indices = {}
        for index in result.framework.main_indices:
            node = scores.node_index[index.code]
            ranked = indices[index.code][row.unit]
            unit_indices[index.code] = {
                "score": _text(from_scaled(int(scores.score[node, column]), 2)),
                "max": _text(from_scaled(int(scores.max_of(node)[column]), 2)),
                "rank": ranked.rank,
                "value": _text(ranked.value),
            }
        unit_groups = {
            code: _group_cell(by_unit[row.unit])
            for code, by_unit in groups.items()
            if row.unit in by_unit
        }
        rows.append(
            {
                "unit_id": campaign_unit.unit_id,
                "unit_code": row.unit,
                "unit_name": campaign_unit.unit.name,
                "position": position,
                "rank": row.rank,
                "total": _text(row.total),
                "applicable_max": _text(row.applicable_max),
                "value": _text(row.value),
                "percent": row.percent,
                "class_label": row.class_label or "",
                "indices": unit_indices,
                "groups": unit_groups,
                "attributes": json.loads(json.dumps(campaign_unit.unit.attributes, default=str)),
                "previous": dict(previous.get(row.unit, {})),
            }
        )
    return rows


def _group_cell(ranked: RankingRow) -> dict[str, Any]:
    return {
        "rank": ranked.rank,
        "value": _text(ranked.value),
        "total": _text(ranked.total),
        "max": _text(ranked.applicable_max),
        "class": ranked.class_label or "",
    }


def _by_unit(rows: list[RankingRow]) -> dict[str, RankingRow]:
    return {row.unit: row for row in rows}


def search_name(name: str) -> str:
    """A unit's name as search compares it: no case, no accents, 'đ' as 'd'."""
    return loose_label(name)


def has_results(campaign: Campaign) -> bool:
    return HistoricResult.objects.filter(campaign_unit__campaign=campaign).exists()


def results_final(campaign: Campaign) -> bool:
    """Only results no one can change any more are published."""
    return campaign.state in (CampaignState.FINALIZED, CampaignState.PUBLISHED)


# ---- last year's figures, for a new version ------------------------------------------------


def previous_figures(campaign: Campaign) -> dict[str, dict[str, Any]]:
    """By unit code: the published rank, value and class of the year before, the unit's own
    or, through lineage, its predecessor's (across provinces: a merged province's units
    keep their history). A unit formed from several predecessors gets their figures without
    a rank to compare."""
    codes = dict(campaign.units.values_list("unit_id", "unit__code"))
    predecessors = lineage_predecessors(list(codes))
    wanted = set(codes) | {p for found in predecessors.values() for p in found}
    last_year = {
        row.unit_id: row
        for row in VersionRow.objects.filter(
            version__published_at__isnull=False,
            version__superseded_at__isnull=True,
            version__campaign__year=campaign.year - 1,
            unit_id__in=wanted,
        ).order_by("version__published_at")
    }
    figures: dict[str, dict[str, Any]] = {}
    for unit_id, code in codes.items():
        own = last_year.get(unit_id)
        through = [last_year[p] for p in predecessors.get(unit_id, []) if p in last_year]
        if own is not None:
            figures[code] = _figure(campaign.year - 1, own, [])
        elif len(through) == 1:
            figures[code] = _figure(campaign.year - 1, through[0], [through[0].unit_name])
        elif through:
            figures[code] = {
                "year": campaign.year - 1,
                "rank": None,
                "class": None,
                "through": [row.unit_name for row in through],
            }
    return figures


def _figure(year: int, row: VersionRow, through: list[str]) -> dict[str, Any]:
    return {
        "year": year,
        "rank": row.rank,
        "value": plain(row.value),
        "percent": row.percent,
        "class": row.class_label or None,
        "through": through,
    }


# ---- a version's results, rebuilt from the version alone -------------------------------


def rebuilt(
    province: str, context: Mapping[str, Any], levels: list[tuple[Any, list[Any]]]
) -> tuple[CoreCampaign, dict[str, LevelResult]]:
    """The core's campaign and results evaluated again from a stored version's levels and
    rows (the framework as it was, each unit's attributes and main-index scores): what the
    published report is made from, and how a test proves a version is self-contained."""
    core_levels = {}
    results = {}
    for level, rows in levels:
        framework = build_framework(level.framework, file=level.framework_code, path="framework")
        units = tuple(
            CoreUnit(
                id=row.unit_code,
                name=row.unit_name,
                level=level.level,
                attributes=core_attributes(row.attributes),
                previous_class=(row.previous or {}).get("class") or None,
            )
            for row in rows
        )
        core_levels[level.level] = CoreLevel(level.level, level.name, framework, units)
        inputs = [
            UnitInput(
                row.unit_code,
                unit.attributes,
                scores={code: Decimal(cell["score"]) for code, cell in row.indices.items()},
            )
            for row, unit in zip(rows, units, strict=True)
        ]
        results[level.level] = evaluate(
            framework, build_inputs(framework, inputs), [u.name for u in units]
        )
    core = CoreCampaign(
        province=province,
        year=int(context["year"]),
        title=str(context["title"]),
        levels=core_levels,
        source=str(context.get("source", "")),
    )
    return core, results


def texts_of(context: Mapping[str, Any]) -> ReportTexts:
    """The report's texts as the version keeps them."""
    return texts_from_mapping(dict(context.get("texts") or {}), "phiên bản")
