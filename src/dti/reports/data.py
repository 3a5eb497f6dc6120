"""The report as plain data: every statement and table of the official report, derived from
a campaign's results, before any rendering. The DOCX, XLSX, PDF and template renderers
read this object and compute nothing; nothing in it is typed by hand except the office's
texts (dti.reports.texts).

    report = build_report(campaign, results_from_tables(campaign, tables_dir))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import count

from dti.campaign import Campaign
from dti.reports.levels import level_report
from dti.reports.model import Header, PreviousResults, Report, UnassessedLevel
from dti.reports.texts import (
    ReportTexts,
    default_number,
    default_parent_body,
    default_place_date,
)
from dti.results import LevelResult


def build_report(
    campaign: Campaign,
    results: Mapping[str, LevelResult],
    *,
    texts: ReportTexts | None = None,
    previous: PreviousResults | None = None,
    draft: bool = False,
    unassessed: Sequence[str] | None = None,
) -> Report:
    """The report of `results` (level code -> result, in the order given); `draft` marks
    a report whose results are not published yet. `unassessed` are the levels the report
    says were not assessed this year; by default every level of the campaign without a
    result (a report asked for some levels only passes `()`)."""
    texts = texts or ReportTexts()
    numbers = count(1)
    levels = tuple(
        level_report(
            campaign,
            code,
            result,
            texts=texts,
            numbering=numbers,
            previous=_previous(previous, code),
        )
        for code, result in results.items()
    )
    return Report(
        province=campaign.province,
        year=campaign.year,
        title=texts.title or campaign.title,
        source=campaign.source,
        header=Header(
            parent_body=texts.parent_body or default_parent_body(campaign.province),
            issuing_body=texts.issuing_body or "……………………",
            number=texts.number or default_number(),
            place_date=texts.place_date or default_place_date(campaign.province),
        ),
        legal_bases=texts.legal_bases or _legal_bases(campaign, results),
        purpose=texts.purpose,
        method=texts.method,
        process=texts.process,
        levels=levels,
        unassessed=_unassessed(campaign, results, texts, unassessed),
        general_remarks=texts.general_remarks,
        recommendations=texts.recommendations,
        recipients=texts.recipients,
        signer_title=texts.signer_title,
        signer_name=texts.signer_name,
        draft=draft,
    )


def _previous(previous: PreviousResults | None, level: str) -> tuple[int, LevelResult] | None:
    if previous is None or level not in previous.results:
        return None
    return previous.year, previous.results[level]


def _unassessed(
    campaign: Campaign,
    results: Mapping[str, LevelResult],
    texts: ReportTexts,
    codes: Sequence[str] | None,
) -> tuple[UnassessedLevel, ...]:
    """The levels without results, in the campaign's order, with the office's reason."""
    if codes is None:
        codes = [code for code in campaign.levels if code not in results]
    assessed = [code for code in codes if code in results]
    if assessed:
        raise ValueError(f"Khối {', '.join(assessed)} có kết quả, không thể ghi là chưa đánh giá.")
    return tuple(
        UnassessedLevel(code, campaign.level(code).name, texts.not_assessed.get(code, ""))
        for code in codes
    )


def _legal_bases(campaign: Campaign, results: Mapping[str, LevelResult]) -> tuple[str, ...]:
    """'Căn cứ <decision> ban hành <framework>[ và <framework>]' once per decision, for
    the levels with results only: a level not assessed this year cites no framework."""
    issued: dict[str, list[str]] = {}
    for code in results:
        framework = campaign.level(code).framework
        if framework.source:
            names = issued.setdefault(framework.source, [])
            if framework.name not in names:
                names.append(framework.name)
    return tuple(
        f"Căn cứ {source} ban hành {' và '.join(_lower_first(n) for n in names)};"
        for source, names in issued.items()
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
