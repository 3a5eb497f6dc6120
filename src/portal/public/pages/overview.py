"""The pages above a single table: the national landing page (every province's latest
results), a province's years, a version's levels and downloads, and the search."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from dti.framework.model import Framework
from portal.moments import day_text, moment_text
from portal.public.pages.charts import Category, bar_chart
from portal.public.pages.common import Scope, checked_text, link, number_text
from portal.publication.models import Version, VersionLevel, VersionRow
from portal.publication.report import signed_report_of
from portal.publication.selectors import GENERAL, framework_of, search, tables_of
from portal.publication.unit_selectors import (
    class_counts,
    latest_by_province,
    level_names,
    years_of,
)
from portal.publication.verify import status_label
from portal.signatures.vocabulary import VALID

QUERY = "q"
FORMATS = ("csv", "xlsx", "json")
REPORTS = ("docx", "pdf", "xlsx")


@dataclass(frozen=True)
class Entry:
    """A unit in a list: its name, its page, and its standing."""

    name: str
    url: str
    rank: str
    value: str
    class_label: str


@dataclass
class LevelCard:
    name: str
    units: int
    url: str
    top: list[Entry] = field(default_factory=list)


@dataclass
class ProvinceCard:
    name: str
    url: str
    year: int
    version_url: str
    units: int
    levels: list[LevelCard]


def _entry(row: VersionRow, url: str, decimals: int | None = None) -> Entry:
    value = number_text(row.value, decimals) + ("%" if row.percent else "")
    return Entry(row.unit_name, url, str(row.rank), value, row.class_label)


def _version_kwargs(version: Version) -> dict[str, object]:
    return {"province": version.campaign.province.code, "year": version.campaign.year}


def landing_page() -> list[ProvinceCard]:
    cards = []
    for summary in latest_by_province():
        version = summary.version
        base = _version_kwargs(version)
        levels = []
        for level_summary in summary.levels:
            level = level_summary.level
            card = LevelCard(
                level.name, level.units, link("public:ranking", **base, level=level.level)
            )
            card.top = [
                _entry(row, link("public:unit", **base, level=level.level, unit=row.unit_code))
                for row in level_summary.top
            ]
            levels.append(card)
        cards.append(
            ProvinceCard(
                name=version.campaign.province.name,
                url=link("public:province", province=version.campaign.province.code),
                year=version.campaign.year,
                version_url=link("public:version", **base),
                units=summary.units,
                levels=levels,
            )
        )
    return cards


@dataclass
class YearCard:
    year: int
    title: str
    number: int
    published: str
    url: str
    methodology_url: str
    corrections_url: str
    levels: list[tuple[str, int, str]]  # name, units, ranking
    superseded: list[tuple[int, str, str]]  # number, published, url


@dataclass
class ProvincePage:
    name: str
    years: list[YearCard]


def province_page(province: str) -> ProvincePage | None:
    years = years_of(province)
    if not years:
        return None
    cards = []
    for entry in years:
        version = entry.version
        base = _version_kwargs(version)
        cards.append(
            YearCard(
                year=entry.year,
                title=str(version.context.get("title") or version.campaign.title),
                number=version.number,
                published=moment_text(version.published_at),
                url=link("public:version", **base),
                methodology_url=link("public:methodology", **base),
                corrections_url=link("public:corrections", **base),
                levels=[
                    (level.name, level.units, link("public:ranking", **base, level=level.level))
                    for level in entry.levels
                ],
                superseded=[
                    (
                        old.number,
                        moment_text(old.published_at),
                        link("public:version", **base, number=old.number),
                    )
                    for old in entry.superseded
                ],
            )
        )
    return ProvincePage(years[0].version.campaign.province.name, cards)


@dataclass(frozen=True)
class ClassCount:
    label: str
    units: int
    percent: str
    share: Decimal | None


@dataclass
class LevelPart:
    level: VersionLevel
    framework_name: str
    ranking_url: str
    tables: list[tuple[str, str]]  # peer groups' and main indices' tables: title, url
    classes: list[ClassCount]
    chart: SafeString | None
    downloads: list[tuple[str, str]]


@dataclass(frozen=True)
class SignedNotice:
    """What a visitor reads of the signed report: who signed, when, and what the portal's
    check found when the office uploaded it."""

    signer: str
    signed_on: str  # dd/mm/yyyy, '' when the signer's tool stated no time
    valid: bool
    status: str  # "hợp lệ", or the check that failed
    revocation_checked: bool
    checked_on: str


@dataclass
class VersionPage:
    scope: Scope
    title: str
    levels: list[LevelPart]
    reports: list[tuple[str, str]]
    datapackage: str
    signed: SignedNotice | None = None


def signed_notice(version: Version) -> SignedNotice | None:
    signed = signed_report_of(version, content=False)
    if signed is None:
        return None
    return SignedNotice(
        signer=signed.signer_name,
        signed_on=day_text(timezone.localtime(signed.signed_at).date()) if signed.signed_at else "",
        valid=signed.status == VALID,
        status=status_label(signed.status),
        revocation_checked=signed.revocation_checked,
        checked_on=day_text(timezone.localtime(signed.uploaded_at).date()),
    )


def version_page(scope: Scope) -> VersionPage:
    counts = class_counts(scope.version)
    parts = []
    for level in scope.levels:
        framework = framework_of(level)
        classes = _classes(framework, counts.get(level.level, {}), level.units)
        parts.append(
            LevelPart(
                level=level,
                framework_name=level.framework_name,
                ranking_url=scope.url("ranking", level=level.level),
                tables=[
                    (ref.title, scope.url("table", level=level.level, table=ref.key))
                    for ref in tables_of(level, framework)
                    if ref.key != GENERAL
                ],
                classes=classes,
                chart=_class_chart(level, classes) if classes else None,
                downloads=[
                    (
                        fmt.upper(),
                        scope.url("table_file", level=level.level, table=GENERAL, fmt=fmt),
                    )
                    for fmt in FORMATS
                ],
            )
        )
    return VersionPage(
        scope=scope,
        title=str(scope.version.context.get("title") or scope.version.campaign.title),
        levels=parts,
        reports=[(fmt.upper(), scope.url("report", fmt=fmt)) for fmt in REPORTS],
        datapackage=scope.url("datapackage"),
        signed=signed_notice(scope.version),
    )


def _classes(framework: Framework, counts: dict[str, int], units: int) -> list[ClassCount]:
    """The units of each class, in the framework's order; none when it has no classes."""
    classification = framework.ranking.classification
    if classification is None:
        return []
    found = []
    for label in classification.labels():
        count = counts.get(label, 0)
        share = Decimal(count * 100) / units if units else None
        found.append(ClassCount(label, count, number_text(share, 1), share))
    return found


def _class_chart(level: VersionLevel, classes: list[ClassCount]) -> SafeString:
    return bar_chart(
        f"xep-loai-{level.position}",
        gettext("Số đơn vị theo xếp loại, khối %(level)s") % {"level": level.name},
        gettext("Tỷ lệ số đơn vị mỗi xếp loại; số liệu như trong bảng bên cạnh."),
        [gettext("Tỷ lệ đơn vị")],
        [
            Category(
                item.label,
                [item.share],
                [f"{item.units} ({item.percent}%)"],
            )
            for item in classes
        ],
    )


@dataclass
class SearchPage:
    query: str
    results: list[tuple[Entry, str, int, str]]  # the unit, province, year, level
    searched: bool


def search_page(query: str | None) -> SearchPage:
    text = checked_text(query, gettext("Tên đơn vị"))
    if not text:
        return SearchPage(text, [], False)
    rows = search(text)
    names = level_names({row.version_id for row in rows})
    results = []
    for row in rows:
        campaign = row.version.campaign
        url = link(
            "public:unit",
            province=campaign.province.code,
            year=campaign.year,
            level=row.level,
            unit=row.unit_code,
        )
        level = names.get((row.version_id, row.level), "")
        results.append((_entry(row, url), campaign.province.name, campaign.year, level))
    return SearchPage(text, results, True)
