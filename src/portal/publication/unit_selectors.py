"""Reads the public pages need beyond a single table (portal.publication.selectors): each
province's latest results for the landing page, a province's published years, one unit's
row, the counts of each class, and the averages a unit is compared with.

Like the selectors beside it, everything here reads published versions only, and a page
runs the same few queries whatever the number of units: rows are read once per level and
the averages are computed from them, never one query per unit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from portal.publication.models import Version, VersionLevel, VersionRow
from portal.publication.selectors import current_versions, public_versions

TOP = 3  # units shown per level on the landing page


@dataclass
class LevelSummary:
    level: VersionLevel
    top: list[VersionRow] = field(default_factory=list)  # the first of the general ranking


@dataclass
class ProvinceSummary:
    """A province's latest published year: its current version and the levels in it."""

    version: Version
    levels: list[LevelSummary]

    @property
    def units(self) -> int:
        return sum(summary.level.units for summary in self.levels)


def latest_by_province() -> list[ProvinceSummary]:
    """Each province's newest year of published results (its current version), by
    province name: three queries, whatever the number of provinces and units."""
    newest: dict[int, Version] = {}
    for version in current_versions().order_by(
        "campaign__province__name", "-campaign__year", "-published_at", "-pk"
    ):
        newest.setdefault(version.campaign.province_id, version)
    versions = list(newest.values())
    levels: dict[int, list[LevelSummary]] = {version.pk: [] for version in versions}
    by_key: dict[tuple[int, str], LevelSummary] = {}
    for level in VersionLevel.objects.filter(version__in=versions).order_by("version", "position"):
        summary = LevelSummary(level)
        levels[level.version_id].append(summary)
        by_key[(level.version_id, level.level)] = summary
    tops = VersionRow.objects.filter(version__in=versions, position__lte=TOP).order_by(
        "version", "level", "position"
    )
    for row in tops.defer("indices", "groups", "attributes", "previous"):
        found = by_key.get((row.version_id, row.level))
        if found is not None:
            found.top.append(row)
    return [ProvinceSummary(version, levels[version.pk]) for version in versions]


@dataclass
class YearOfProvince:
    """One year of a province: the version shown for it, its levels, and the versions it
    replaced (still reachable by number)."""

    year: int
    version: Version
    levels: list[VersionLevel]
    superseded: list[Version]


def years_of(province: str) -> list[YearOfProvince]:
    """The province's published years, newest first; empty when it published nothing.
    Two queries."""
    versions = list(
        public_versions()
        .filter(campaign__province__code=province)
        .order_by("-campaign__year", "-published_at", "-pk")
    )
    levels: dict[int, list[VersionLevel]] = {}
    for level in VersionLevel.objects.filter(version__in=versions).order_by("version", "position"):
        levels.setdefault(level.version_id, []).append(level)
    years: dict[int, YearOfProvince] = {}
    for version in versions:
        year = version.campaign.year
        if year not in years and version.is_current:
            years[year] = YearOfProvince(year, version, levels.get(version.pk, []), [])
    for version in versions:
        entry = years.get(version.campaign.year)
        if entry is not None and version.pk != entry.version.pk:
            entry.superseded.append(version)
    return sorted(years.values(), key=lambda entry: -entry.year)


def superseding(version: Version) -> tuple[Version | None, Version | None]:
    """For a superseded version: the version that replaced it and the campaign's current
    one (the same version after a single correction). One query."""
    later = list(
        public_versions()
        .filter(campaign_id=version.campaign_id, number__gt=version.number)
        .order_by("number")
    )
    following = later[0] if later else None
    current = next((v for v in later if v.is_current), None)
    return following, current


def level_names(versions: Iterable[int]) -> dict[tuple[int, str], str]:
    """(version id, level code) -> the level's published name. One query."""
    return {
        (version_id, level): name
        for version_id, level, name in VersionLevel.objects.filter(
            version_id__in=list(versions)
        ).values_list("version_id", "level", "name")
    }


def class_counts(version: Version) -> dict[str, dict[str, int]]:
    """By level: how many units each class holds ('' for none). One query."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        VersionRow.objects.filter(version=version)
        .values("level", "class_label")
        .annotate(units=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["level"], {})[row["class_label"]] = row["units"]
    return counts


# ---- averages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Average:
    """A main index over a set of units: the mean score, the mean applicable max, and the
    one as a percent of the other (units the index does not apply to are left out)."""

    score: Decimal
    max: Decimal
    percent: Decimal
    units: int


def index_averages(
    rows: Sequence[VersionRow], codes: Sequence[str], group: str | None = None
) -> dict[str, Average]:
    """Each main index's average over the level's units, or over the members of `group`
    (a peer group's code). Computed from rows already read: no query."""
    members = [row for row in rows if group is None or group in (row.groups or {})]
    averages = {}
    for code in codes:
        scores, maxima = [], []
        for row in members:
            cell = (row.indices or {}).get(code) or {}
            maximum = _decimal(cell.get("max"))
            if maximum is None or maximum <= 0:
                continue
            scores.append(_decimal(cell.get("score")) or Decimal(0))
            maxima.append(maximum)
        if maxima:
            score = sum(scores, Decimal(0)) / len(scores)
            top = sum(maxima, Decimal(0)) / len(maxima)
            averages[code] = Average(score, top, score / top * 100, len(maxima))
    return averages


@dataclass(frozen=True)
class LevelFigures:
    """What a unit's page compares the unit with: the level's averages per main index, each
    peer group's, and how many units each ranking holds. A version never changes, so these
    never do either (the public pages keep them by the version's digest)."""

    units: int
    averages: dict[str, Average]
    groups: dict[str, dict[str, Average]]
    members: dict[str, int]


def level_figures(
    version: Version, level: str, indices: Sequence[str], groups: Sequence[str]
) -> LevelFigures:
    """One query: the scores of every unit of the level, averaged here."""
    rows = list(VersionRow.objects.filter(version=version, level=level).only("indices", "groups"))
    return LevelFigures(
        units=len(rows),
        averages=index_averages(rows, indices),
        groups={group: index_averages(rows, indices, group) for group in groups},
        members={group: sum(1 for row in rows if group in (row.groups or {})) for group in groups},
    )


def row_of(version: Version, level: str, unit: str) -> VersionRow | None:
    """One unit's published row in a level of the version (by the unit's code)."""
    return VersionRow.objects.filter(version=version, level=level, unit_code=unit).first()


def _decimal(text: object) -> Decimal | None:
    if text is None or text == "":
        return None
    return Decimal(str(text))
