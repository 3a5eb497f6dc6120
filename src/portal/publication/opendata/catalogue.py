"""The reads behind the public API and the sitemap: which provinces published which years,
a province's versions, a table's rows filtered and paged, a unit's years, and what the
sitemap lists. Only published versions, through portal.publication.selectors; a year's
version is the one the public site shows at its address (`selectors.version_at`: the
current one, published last when a year has several campaigns). A bounded number of
queries each, whatever the number of units."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from dti.names import loose_label
from dti.text import control_characters
from portal.publication.models import Version, VersionLevel, VersionRow
from portal.publication.opendata.files import Field, fields_of, machine_row
from portal.publication.selectors import (
    GENERAL,
    GROUP_PREFIX,
    Table,
    current_versions,
    framework_of,
    public_versions,
    unit_history,
    version_at,
)

MAX_TEXT = 100  # characters of a name filter
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_NUMBER = 32767  # a version's number is a small integer
MAX_CODE = 64  # a province's, level's, table's or unit's code
CODE = re.compile(r"[-a-zA-Z0-9_]{1,64}")


def is_code(text: str) -> bool:
    """Whether `text` can be a code at all (a slug of at most 64 characters): anything else
    is refused before a query (PostgreSQL refuses a NUL in a query with an error)."""
    return CODE.fullmatch(text) is not None


def published_version(province: str, year: int, number: int | None = None) -> Version | None:
    """The published version these address parts name (`selectors.version_at`), or None;
    None at once, before any query, when a part cannot name one (a year out of range, a
    number too large for the database, a code too long)."""
    if (
        not is_code(province)
        or not FIRST_YEAR <= year <= LAST_YEAR
        or (number is not None and not 1 <= number <= MAX_NUMBER)
    ):
        return None
    return version_at(province, year, number)


def shown_versions(province: str | None = None) -> list[Version]:
    """Each (province, year)'s current version as the site shows it, by province name (as
    Vietnamese sorts them) then latest year first."""
    found = current_versions()
    if province is not None:
        found = found.filter(campaign__province__code=province)
    shown: dict[tuple[str, int], Version] = {}
    for version in found.order_by("-published_at", "-pk"):
        shown.setdefault((version.campaign.province.code, version.campaign.year), version)
    return sorted(
        shown.values(),  # names as Vietnamese sorts them: "Bình Định" before "Bình Phước"
        key=lambda v: (
            loose_label(v.campaign.province.name),
            v.campaign.province.code,
            -v.campaign.year,
        ),
    )


def versions_of_province(province: str) -> list[Version]:
    """Every published version of the province, current and superseded, latest first."""
    return list(
        public_versions()
        .filter(campaign__province__code=province)
        .order_by("-campaign__year", "-published_at", "-number")
    )


# ---- a table's rows, filtered and paged ----------------------------------------------------


class FilterRefused(ValueError):
    """A filter the table cannot take; the message says why, in Vietnamese."""


@dataclass
class TablePage:
    count: int  # rows passing the filters
    fields: list[Field]
    rows: list[dict[str, object]] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def table_page(
    found: Table,
    *,
    class_label: str | None = None,
    group: str | None = None,
    text: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> TablePage:
    """The rows of `found` of class `class_label`, in peer group `group` (its code) and
    whose unit's name contains `text` (accents and case ignored), `limit` from `offset`."""
    classes, groups = _choices(found)
    if class_label is not None and class_label not in classes:
        raise FilterRefused(_unknown(gettext("Xếp loại"), class_label, classes))
    if group is not None and group not in groups:
        raise FilterRefused(_unknown(gettext("Nhóm"), group, groups))
    words = _words(text)
    kept = [
        index
        for index, unit in enumerate(found.row_units)
        if (class_label is None or found.rows[index].get("class") == class_label)
        and (group is None or group in (unit.groups or {}))
        and (not words or words in unit.search_name)
    ]
    page = TablePage(len(kept), fields_of(found), classes=classes, groups=groups)
    page.rows = [machine_row(found, index) for index in kept[offset : offset + limit]]
    return page


def _choices(found: Table) -> tuple[list[str], list[str]]:
    """The class labels the table's ranking can give, and the level's peer groups."""
    framework = framework_of(found.level)
    policy = None
    if found.ref.key == GENERAL:
        policy = framework.ranking
    elif found.ref.key.startswith(GROUP_PREFIX):
        code = found.ref.key.removeprefix(GROUP_PREFIX)
        policy = next((g.ranking for g in framework.groups if g.code == code), None)
    classification = policy.classification if policy is not None else None
    classes = [band.label for band in classification.bands] if classification else []
    return classes, [g.code for g in framework.groups]


def _unknown(what: str, value: str, known: list[str]) -> str:
    if not known:
        return gettext("%(what)s: bảng này không có.") % {"what": what}
    return gettext("%(what)s “%(value)s” không có trong bảng; chọn một trong: %(known)s.") % {
        "what": what,
        "value": value[:MAX_TEXT],
        "known": ", ".join(known),
    }


def _words(text: str | None) -> str:
    if not text:
        return ""
    if len(text) > MAX_TEXT or control_characters(text):
        raise FilterRefused(
            gettext("Tên tìm kiếm: tối đa %(max)s ký tự, không có ký tự điều khiển.")
            % {"max": MAX_TEXT}
        )
    return loose_label(text)


# ---- a unit's years ------------------------------------------------------------------------


def published_unit(province: str, code: str) -> VersionRow | None:
    """The unit's latest published row in the province (its id, code and name), or None
    when no published version holds it: a unit only in unpublished results is unknown."""
    return (
        VersionRow.objects.filter(
            version__published_at__isnull=False,
            version__campaign__province__code=province,
            unit_code=code,
        )
        .order_by("-version__campaign__year", "-version__published_at")
        .first()
    )


def unit_years(row: VersionRow) -> list[dict[str, Any]]:
    """The unit's published result in each year's current version, through lineage where
    it has none of its own (`through`: the predecessor's name)."""
    return [
        {
            "year": found.version.campaign.year,
            "province": found.version.campaign.province.code,
            "version": found.version.number,
            "level": found.level,
            "unit_code": found.unit_code,
            "unit_name": found.unit_name,
            "through": found.unit_name if found.unit_id != row.unit_id else None,
            "rank": found.rank,
            "total": _exact(found.total),
            "applicable_max": _exact(found.applicable_max),
            "value": _exact(found.value),
            "percent": found.percent,
            "class_label": found.class_label or None,
        }
        for found in unit_history(row.unit_id)
    ]


def _exact(value: Decimal) -> str:
    """A stored decimal ("481.4500") as its exact text: "481.45"."""
    return f"{value.normalize():f}"


# ---- the sitemap -------------------------------------------------------------------------


@dataclass
class MappedVersion:
    """A year's shown version: its levels and the units of each, for the sitemap."""

    version: Version
    levels: list[str] = field(default_factory=list)
    units: list[tuple[str, str]] = field(default_factory=list)  # (level, unit code)


def provinces_mapped() -> list[tuple[str, datetime]]:
    """Each province with a published year, and when it last published."""
    latest: dict[str, datetime] = {}
    for version in shown_versions():
        code = version.campaign.province.code
        moment = version.published_at
        if moment is not None and (code not in latest or moment > latest[code]):
            latest[code] = moment
    return list(latest.items())


def province_mapped(province: str) -> list[MappedVersion]:
    """The shown version of each of the province's years, with levels and units."""
    mapped = {version.pk: MappedVersion(version) for version in shown_versions(province)}
    for version_id, level in (
        VersionLevel.objects.filter(version_id__in=mapped)
        .order_by("version_id", "position")
        .values_list("version_id", "level")
    ):
        mapped[version_id].levels.append(level)
    for version_id, level, code in (
        VersionRow.objects.filter(version_id__in=mapped)
        .order_by("version_id", "level", "position")
        .values_list("version_id", "level", "unit_code")
    ):
        mapped[version_id].units.append((level, code))
    return list(mapped.values())
