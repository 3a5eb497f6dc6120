"""The public API at /api/cong-khai/ (django-ninja, in the same OpenAPI document as /api/):
published results only, for anyone, no sign-in. docs/portal-open-data.md.

Every read goes through portal.publication (selectors and opendata.catalogue), so a
pending, refused or never-published result is a 404 here as on the site. Points are exact
decimals written as strings ("481.45"); blanks are null, never 0. Any web site may call it
from a browser (CORS) within DTI_PUBLIC_RATE requests a minute per address
(portal.public.middleware)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params import P, QueryEx

from portal.public.middleware import open_access
from portal.publication.models import Version
from portal.publication.opendata import catalogue
from portal.publication.opendata.files import FORMATS, index_ranking
from portal.publication.report import REPORT_FORMATS
from portal.publication.selectors import (
    framework_of,
    level_of,
    levels_of,
    rows_of,
    table,
    tables_of,
)

router = Router(tags=["Kết quả công bố"])
MAX_LIMIT = 500


class ErrorOut(Schema):
    detail: str


class ProvinceRef(Schema):
    code: str
    name: str


class PublishedYearOut(Schema):
    year: int
    version: int
    title: str
    published_at: datetime


class ProvinceYearsOut(ProvinceRef):
    years: list[PublishedYearOut]


class VersionOut(Schema):
    year: int
    version: int
    title: str
    published_at: datetime
    superseded_at: datetime | None
    current: bool
    change_note: str


class TableRefOut(Schema):
    key: str
    title: str
    files: dict[str, str]  # format -> address


class LevelOut(Schema):
    code: str
    name: str
    units: int
    framework: str
    tables: list[TableRefOut]


class VersionLevelsOut(Schema):
    province: ProvinceRef
    year: int
    version: int
    published_at: datetime
    superseded: bool
    datapackage: str
    report: dict[str, str]  # format -> address
    levels: list[LevelOut]


class FieldOut(Schema):
    name: str
    title: str
    type: str
    description: str


class IndexRankingOut(Schema):
    """What a main index's ranking compares (points or ratio), its decimals and ties."""

    compare: str
    decimals: int
    ties: str


class TablePageOut(Schema):
    province: ProvinceRef
    year: int
    version: int
    level: str
    table: str
    title: str
    index_ranking: IndexRankingOut | None
    count: int
    limit: int
    offset: int
    classes: list[str]
    groups: list[str]
    fields: list[FieldOut]
    rows: list[dict[str, Any]]


class UnitYearOut(Schema):
    year: int
    province: str
    version: int
    level: str
    unit_code: str
    unit_name: str
    through: str | None
    rank: int
    total: str
    applicable_max: str
    value: str
    percent: bool
    class_label: str | None


class UnitHistoryOut(Schema):
    code: str
    name: str
    years: list[UnitYearOut]


NOT_FOUND = {404: ErrorOut}


def _province(version: Version) -> dict[str, str]:
    return {"code": version.campaign.province.code, "name": version.campaign.province.name}


def _version(province: str, year: int, number: int | None) -> Version:
    found = catalogue.published_version(province, year, number)
    if found is None:
        raise Http404
    return found


@router.get("/provinces", response=list[ProvinceYearsOut], url_name="public_provinces")
def provinces(request: HttpRequest) -> Any:
    """Every province with published results, and its published years (each year's
    current version)."""
    found: dict[str, dict[str, Any]] = {}
    for version in catalogue.shown_versions():
        entry = found.setdefault(
            version.campaign.province.code, {**_province(version), "years": []}
        )
        entry["years"].append(
            {
                "year": version.campaign.year,
                "version": version.number,
                "title": str(version.context.get("title") or version.campaign.title),
                "published_at": version.published_at,
            }
        )
    return list(found.values())


@router.get(
    "/provinces/{province}/versions",
    response={200: list[VersionOut], **NOT_FOUND},
    url_name="public_versions",
)
def versions(request: HttpRequest, province: str) -> Any:
    """Every published version of the province, superseded ones included, latest first."""
    found = catalogue.versions_of_province(province) if catalogue.is_code(province) else []
    if not found:
        raise Http404
    return [
        {
            "year": version.campaign.year,
            "version": version.number,
            "title": str(version.context.get("title") or version.campaign.title),
            "published_at": version.published_at,
            "superseded_at": version.superseded_at,
            "current": version.superseded_at is None,
            "change_note": version.change_note,
        }
        for version in found
    ]


@router.get(
    "/provinces/{province}/years/{year}/levels",
    response={200: VersionLevelsOut, **NOT_FOUND},
    url_name="public_levels",
)
def levels(request: HttpRequest, province: str, year: int, version: int | None = None) -> Any:
    """The levels of a year's current version (or of version `version`), each with its
    tables and their files, the data package and the report files."""
    found = _version(province, year, version)
    at = {"province": province, "year": year, "number": found.number}
    return {
        "province": _province(found),
        "year": year,
        "version": found.number,
        "published_at": found.published_at,
        "superseded": found.superseded_at is not None,
        "datapackage": reverse("public:datapackage", kwargs=at),
        "report": {
            fmt: reverse("public:report", kwargs={**at, "fmt": fmt}) for fmt in REPORT_FORMATS
        },
        "levels": [
            {
                "code": level.level,
                "name": level.name,
                "units": level.units,
                "framework": level.framework_name,
                "tables": [
                    {
                        "key": ref.key,
                        "title": ref.title,
                        "files": {
                            fmt: reverse(
                                "public:table_file",
                                kwargs={**at, "level": level.level, "table": ref.key, "fmt": fmt},
                            )
                            for fmt in FORMATS
                        },
                    }
                    for ref in tables_of(level, framework_of(level))
                ],
            }
            for level in levels_of(found)
        ],
    }


@router.get(
    "/provinces/{province}/years/{year}/levels/{level}/tables/{key}",
    response={200: TablePageOut, 400: ErrorOut, **NOT_FOUND},
    url_name="public_table",
)
def table_rows(
    request: HttpRequest,
    province: str,
    year: int,
    level: str,
    key: str,
    version: int | None = None,
    limit: QueryEx[int, P(ge=1, le=MAX_LIMIT)] = 100,
    offset: QueryEx[int, P(ge=0)] = 0,
    class_label: QueryEx[str | None, P(alias="class")] = None,
    group: str | None = None,
    q: str | None = None,
) -> Any:
    """A table's rows (key: "tong-the", "nhom-<group>", "chi-so-<index>"), `limit` (at
    most 500) from `offset`, filtered by class label, peer group code and unit name (any
    part of it, accents and case ignored); `count` is the number of rows that pass."""
    found_version = _version(province, year, version)
    found_level = level_of(found_version, level) if catalogue.is_code(level) else None
    if found_level is None:
        raise Http404
    found = table(found_level, rows_of(found_version, found_level.level), key)
    if found is None:
        raise Http404
    try:
        page = catalogue.table_page(
            found, class_label=class_label, group=group, text=q, offset=offset, limit=limit
        )
    except catalogue.FilterRefused as refused:
        raise HttpError(400, str(refused)) from None
    return {
        "province": _province(found_version),
        "year": year,
        "version": found_version.number,
        "level": found_level.level,
        "table": found.ref.key,
        "title": found.ref.title,
        "index_ranking": index_ranking(found),
        "count": page.count,
        "limit": limit,
        "offset": offset,
        "classes": page.classes,
        "groups": page.groups,
        "fields": page.fields,
        "rows": page.rows,
    }


@router.get(
    "/provinces/{province}/units/{unit}/history",
    response={200: UnitHistoryOut, **NOT_FOUND},
    url_name="public_unit_history",
)
def unit_history(request: HttpRequest, province: str, unit: str) -> Any:
    """A unit's published result in every year's current version, oldest first; a year
    where it had none of its own shows its predecessor's, named in `through` (a rename, a
    merger: lineage)."""
    if not (catalogue.is_code(province) and catalogue.is_code(unit)):
        raise Http404
    row = catalogue.published_unit(province, unit)
    if row is None:
        raise Http404
    return {"code": row.unit_code, "name": row.unit_name, "years": catalogue.unit_years(row)}


for _path in router.path_operations.values():
    open_access(_path)  # CORS and the rate limit, portal.public.middleware
