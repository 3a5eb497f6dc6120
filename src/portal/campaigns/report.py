"""The official report of a campaign with computed results, as the office downloads it
(DOCX, XLSX, PDF) from the campaign's page.

The results are recomputed by the core from what the portal stores: each unit's main-index
scores and its attributes, evaluated with the level's framework, exactly as the core
recomputes a published table (dti.reproduce). Today the campaigns with results are the
historic ones imported from published tables; a campaign not yet published gets a report
marked "DỰ THẢO" (draft). The core renders; nothing here touches a document's layout."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext

from dti.campaign import Campaign as CoreCampaign
from dti.campaign import Level as CoreLevel
from dti.campaign import Unit as CoreUnit
from dti.inputs import UnitInput, build_inputs
from dti.reports.data import build_report
from dti.reports.model import PreviousResults, Report
from dti.reports.pdf import convert_to_pdf
from dti.reports.texts import ReportTexts, texts_from_mapping
from dti.results import LevelResult, evaluate
from portal.campaigns.models import (
    Campaign,
    CampaignLevel,
    CampaignReportTexts,
    CampaignUnit,
)
from portal.units.core import core_unit
from portal.units.models import Unit
from portal.workflow import CampaignState

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class ReportFile:
    name: str
    content_type: str
    content: bytes


def _campaign_units_with_results(campaign: Campaign) -> dict[str, list[CampaignUnit]]:
    """Units with a stored result, per level, in rank order (ties by name)."""
    campaign_units = (
        CampaignUnit.objects.filter(campaign=campaign, historic_result__isnull=False)
        .select_related("unit", "unit__parent", "historic_result")
        .order_by("level", "historic_result__rank", "unit__name")
    )
    by_level: dict[str, list[CampaignUnit]] = {}
    for campaign_unit in campaign_units:
        by_level.setdefault(campaign_unit.level, []).append(campaign_unit)
    return by_level


def has_report(campaign: Campaign) -> bool:
    """Whether some level has computed results: only then is there a report to download."""
    return CampaignUnit.objects.filter(campaign=campaign, historic_result__isnull=False).exists()


def _with_parent(unit: CoreUnit, parent: Unit | None) -> CoreUnit:
    """The unit with its parent (a commune's former district), for a report grouped by it."""
    if parent is None:
        return unit
    return replace(unit, parent=parent.code, parent_name=parent.name)


def _core_level(level: CampaignLevel, campaign_units: Sequence[CampaignUnit]) -> CoreLevel:
    units = tuple(
        _with_parent(
            core_unit(campaign_unit.unit, level.level, campaign_unit.previous_class),
            campaign_unit.unit.parent,
        )
        for campaign_unit in campaign_units
    )
    return CoreLevel(level.level, level.name, level.framework.build(), units)


def _level_result(level: CoreLevel, campaign_units: Sequence[CampaignUnit]) -> LevelResult:
    """The level evaluated from each unit's stored main-index scores."""
    inputs = [
        UnitInput(
            unit.id,
            unit.attributes,
            scores={
                code: Decimal(score)
                for code, score in campaign_unit.historic_result.index_scores.items()
            },
        )
        for unit, campaign_unit in zip(level.units, campaign_units, strict=True)
    ]
    framework = level.framework
    return evaluate(framework, build_inputs(framework, inputs), [u.name for u in level.units])


def _computed(campaign: Campaign) -> tuple[CoreCampaign, dict[str, LevelResult]]:
    """The core's campaign (every level: one without results is reported as not assessed)
    and the result of each level that has results."""
    by_level = _campaign_units_with_results(campaign)
    levels = {
        level.level: _core_level(level, by_level.get(level.level, []))
        for level in CampaignLevel.objects.filter(campaign=campaign)
        .select_related("framework")
        .order_by("pk")
    }
    core = CoreCampaign(
        province=campaign.province.name,
        year=campaign.year,
        title=campaign.title,
        levels=levels,
        source=campaign.source,
    )
    results = {
        code: _level_result(level, by_level[code])
        for code, level in levels.items()
        if by_level.get(code)
    }
    return core, results


def campaign_report_results(campaign: Campaign) -> dict[str, LevelResult]:
    """Each level's result (level code -> result); levels without results are left out."""
    return _computed(campaign)[1]


def report_texts(campaign: Campaign) -> ReportTexts:
    """The office's texts kept for the campaign, as the core takes them; defaults when none.
    An empty list field keeps the core's default (purpose, recipients)."""
    stored = CampaignReportTexts.objects.filter(campaign=campaign).first()
    if stored is None:
        return ReportTexts()
    lines = {name: _lines(getattr(stored, name)) for name in TEXT_LISTS}
    # Passed to ReportTexts by field name: mypy cannot tie the names of TEXT_LISTS to fields.
    lists: dict[str, Any] = {name: paragraphs for name, paragraphs in lines.items() if paragraphs}
    strings = {name: getattr(stored, name).strip() for name in TEXT_STRINGS}
    if not strings["signer_title"]:
        strings["signer_title"] = ReportTexts.signer_title
    remarks = {key: text for key, text in (stored.remarks or {}).items() if text.strip()}
    return ReportTexts(**strings, **lists, remarks=remarks, **layout_of(stored))


def layout_of(stored: CampaignReportTexts) -> dict[str, Any]:
    """The office's layout choices as the core reads them: the depth, the grouping and the
    reasons per level, checked by the core's own reader (a stored value it refuses is a
    fault, not a default)."""
    document = {
        "detail_depth": stored.detail_depth,
        "robustness": stored.robustness,
        "grouping": dict(stored.grouping or {}),
        "not_assessed": dict(stored.not_assessed or {}),
    }
    texts = texts_from_mapping(document, "CampaignReportTexts")
    return {
        "detail_depth": texts.detail_depth,
        "robustness": texts.robustness,
        "grouping": texts.grouping,
        "not_assessed": texts.not_assessed,
    }


TEXT_STRINGS = (
    "parent_body", "issuing_body", "number", "place_date", "title", "signer_title", "signer_name",
)  # fmt: skip
TEXT_LISTS = (
    "legal_bases", "purpose", "method", "process", "general_remarks", "recommendations",
    "recipients",
)  # fmt: skip


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def campaign_report_model(campaign: Campaign, *, compare: bool = True) -> Report:
    """The core's report of the campaign, with the office's texts and, when the province has
    results for the year before (and `compare`), the change of the average on that year."""
    core, results = _computed(campaign)
    draft = campaign.state != CampaignState.PUBLISHED
    previous = _previous_results(campaign) if compare else None
    return build_report(core, results, texts=report_texts(campaign), previous=previous, draft=draft)


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The province's campaign of the year before that has results (an imported one first)."""
    earlier = Campaign.objects.filter(province=campaign.province, year=campaign.year - 1)
    return next((c for c in earlier.order_by("-historic", "pk") if has_report(c)), None)


def _previous_results(campaign: Campaign) -> PreviousResults | None:
    """The province's results of the year before: its campaign of that year with results."""
    candidate = previous_campaign(campaign)
    if candidate is None:
        return None
    return PreviousResults(candidate.year, campaign_report_results(candidate))


def office_template(campaign: Campaign) -> bytes | None:
    template = (
        CampaignReportTexts.objects.filter(campaign=campaign)
        .values_list("template", flat=True)
        .first()
    )
    return bytes(template) if template else None


def campaign_report(
    campaign: Campaign, fmt: str, progress: Callable[[int, int, str], None] | None = None
) -> ReportFile:
    """The report as a file ("docx", "xlsx" or "pdf"); the DOCX (and the PDF made from it)
    fills the office's own template when it has one, and LibreOffice converts that one to
    PDF; the standard layout's PDF is drawn directly. PdfError when a PDF cannot be made.
    `progress(done, total, step)` hears of its two steps (a job's page shows them). The
    renderers are loaded here, by the job that writes a file (docs/deployment.md, "Memory")."""
    from dti.reports.direct_pdf import render_pdf
    from dti.reports.docx import render_docx
    from dti.reports.templates import render_template
    from dti.reports.xlsx import render_xlsx

    if progress:
        progress(0, 2, gettext("Đang tính kết quả và xếp hạng…"))
    report = campaign_report_model(campaign)
    if progress:
        progress(1, 2, gettext("Đang viết tệp %(fmt)s…") % {"fmt": fmt.upper()})
    if fmt == "xlsx":
        content = render_xlsx(report)
    else:
        template = office_template(campaign)
        if template:
            docx = render_template(template, report)
            content = docx if fmt == "docx" else convert_to_pdf(docx)
        else:
            content = render_docx(report) if fmt == "docx" else render_pdf(report)
    return ReportFile(_file_name(campaign, fmt, report.draft), FORMATS[fmt], content)


def _file_name(campaign: Campaign, fmt: str, draft: bool) -> str:
    """'bao-cao-danh-gia-xep-hang-chuyen-doi-so-nam-2023-du-thao.docx': ASCII, so every
    browser keeps it."""
    words = ["bao-cao", slugify(_ascii(campaign.title)) or str(campaign.year)]
    if draft:
        words.append("du-thao")
    return f"{'-'.join(words)}.{fmt}"


def _ascii(text: str) -> str:
    """Vietnamese without its marks ('đ' has none to strip, so it is replaced first)."""
    return text.replace("đ", "d").replace("Đ", "D")
