"""Reading published versions: the only way the public site, the open data and the public
API reach results. Everything here filters on `published_at`: a version awaiting approval,
a refused one and a campaign never published are invisible. Superseded versions stay
reachable by number, marked as such.

Each published table (a level's general ranking, a peer group's, a main index's) is one
`Table`, built from a version's rows: pages print it, CSV/XLSX/JSON serialise it, so the
figures are the same everywhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext, gettext_lazy

from dti.framework.loader import build_framework
from dti.framework.model import Framework, IndexCompare, IndexRanking
from dti.names import loose_label
from portal.campaigns.models import Campaign
from portal.frameworks.models import FrameworkVersion
from portal.publication.models import Version, VersionLevel, VersionRow
from portal.units.models import Lineage

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

GENERAL = "tong-the"
GROUP_PREFIX = "nhom-"
INDEX_PREFIX = "chi-so-"
MAX_SEARCH = 50  # results shown for one search


def public_versions() -> QuerySet[Version]:
    return Version.objects.filter(published_at__isnull=False).select_related("campaign__province")


def current_versions() -> QuerySet[Version]:
    return public_versions().filter(superseded_at__isnull=True)


def version_at(province: str, year: int, number: int | None = None) -> Version | None:
    """The province's published version of `year` (the current one, or `number`); when a
    year has several published campaigns, the one published last."""
    found = public_versions().filter(campaign__province__code=province, campaign__year=year)
    if number is None:
        found = found.filter(superseded_at__isnull=True)
    else:
        found = found.filter(number=number)
    return found.order_by("-published_at", "-pk").first()


def generation() -> str:
    """Changes whenever a version is published (and so another superseded), and whenever
    the office uploads or replaces a version's signed report (a new row, a greater key):
    cached public pages and files carry it in their key, so every app server drops them at
    once. One query."""
    latest = public_versions().aggregate(
        last=Max("published_at"),
        count=Count("pk"),
        signed=Count("signed_report"),
        signed_last=Max("signed_report"),
    )
    moment = latest["last"].isoformat() if latest["last"] else "-"
    return f"{latest['count']}:{moment}:{latest['signed']}:{latest['signed_last'] or '-'}"


def versions_of(campaign: Campaign) -> list[Version]:
    """Every published version of the campaign, newest first."""
    return list(public_versions().filter(campaign=campaign).order_by("-number"))


def levels_of(version: Version) -> list[VersionLevel]:
    return list(VersionLevel.objects.filter(version=version).order_by("position"))


def level_of(version: Version, level: str) -> VersionLevel | None:
    return VersionLevel.objects.filter(version=version, level=level).first()


def rows_of(version: Version, level: str) -> list[VersionRow]:
    return list(VersionRow.objects.filter(version=version, level=level).order_by("position"))


def framework_published(version: FrameworkVersion) -> bool:
    """Whether published results (a public version of the province) were computed with it."""
    return VersionLevel.objects.filter(
        version__published_at__isnull=False,
        version__campaign__province_id=version.province_id,
        framework_code=version.code,
    ).exists()


def framework_of(level: VersionLevel) -> Framework:
    """The framework as it was when the version was published."""
    return build_framework(level.framework, file=level.framework_code, path="framework")


# ---- tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str | _StrPromise
    kind: str  # "rank", "text", "number", "percent", "class", "change"
    description: str = ""


@dataclass(frozen=True)
class TableRef:
    key: str  # "tong-the", "nhom-<group code>", "chi-so-<index code>": stable in URLs
    title: str


@dataclass
class Table:
    ref: TableRef
    level: VersionLevel
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)  # column key -> value
    row_units: list[VersionRow] = field(default_factory=list)  # the version row of each row
    has_classes: bool = False
    index_ranking: IndexRanking | None = None  # a main index's table: what its ranking compares


def tables_of(level: VersionLevel, framework: Framework) -> list[TableRef]:
    refs = [TableRef(GENERAL, gettext("Xếp hạng chung"))]
    refs += [
        TableRef(f"{GROUP_PREFIX}{group.code}", gettext("Nhóm: %(name)s") % {"name": group.name})
        for group in framework.groups
    ]
    refs += [
        TableRef(f"{INDEX_PREFIX}{index.code}", gettext("Chỉ số: %(name)s") % {"name": index.name})
        for index in framework.main_indices
    ]
    return refs


def table(level: VersionLevel, rows: Sequence[VersionRow], key: str) -> Table | None:
    """One published table of a level, or None when the level has no table of that key."""
    framework = framework_of(level)
    ref = next((r for r in tables_of(level, framework) if r.key == key), None)
    if ref is None:
        return None
    if key == GENERAL:
        return _general(ref, level, framework, rows)
    if key.startswith(GROUP_PREFIX):
        return _group(ref, level, framework, rows, key.removeprefix(GROUP_PREFIX))
    return _index(ref, level, framework, rows, key.removeprefix(INDEX_PREFIX))


RANK = Column("rank", gettext_lazy("Hạng"), "rank")
UNIT = Column("unit", gettext_lazy("Đơn vị"), "text")


def _value_column(percent: bool) -> Column:
    if percent:
        return Column("value", gettext("Tỷ lệ so với điểm tối đa (%)"), "percent")
    return Column("value", gettext("Giá trị xếp hạng"), "number")


def _general(
    ref: TableRef, level: VersionLevel, framework: Framework, rows: Sequence[VersionRow]
) -> Table:
    has_classes = framework.ranking.classification is not None
    percent = framework.ranking.percent
    columns = [RANK, UNIT]
    columns += [
        Column(f"index:{index.code}", f"{index.name} ({plain(index.max)})", "number")
        for index in framework.main_indices
    ]
    columns += [
        Column("total", gettext("Tổng điểm"), "number"),
        Column("max", gettext("Điểm tối đa áp dụng"), "number"),
        _value_column(percent),
    ]
    if has_classes:
        columns.append(Column("class", gettext("Xếp loại"), "class"))
    columns += _previous_columns(has_classes)
    out = Table(ref, level, columns, has_classes=has_classes)
    for row in rows:
        cells: dict[str, Any] = {
            "rank": row.rank,
            "unit": row.unit_name,
            "total": row.total.normalize(),
            "max": row.applicable_max.normalize(),
            "value": row.value.normalize(),
        }
        for index in framework.main_indices:
            cell = row.indices.get(index.code) or {}
            cells[f"index:{index.code}"] = decimal_or_none(cell.get("score"))
        if has_classes:
            cells["class"] = row.class_label
        cells.update(_previous_cells(row, has_classes))
        out.rows.append(cells)
        out.row_units.append(row)
    return out


def _group(
    ref: TableRef,
    level: VersionLevel,
    framework: Framework,
    rows: Sequence[VersionRow],
    code: str,
) -> Table:
    group = next(g for g in framework.groups if g.code == code)
    has_classes = group.ranking.classification is not None
    columns = [
        RANK,
        UNIT,
        Column("total", gettext("Điểm so sánh"), "number"),
        Column("max", gettext("Điểm tối đa so sánh"), "number"),
        _value_column(group.ranking.percent),
    ]
    if has_classes:
        columns.append(Column("class", gettext("Xếp loại"), "class"))
    out = Table(ref, level, columns, has_classes=has_classes)
    members = [(row, row.groups[code]) for row in rows if code in (row.groups or {})]
    members.sort(key=lambda pair: (int(pair[1]["rank"]), pair[0].position))
    for row, cell in members:
        cells: dict[str, Any] = {
            "rank": int(cell["rank"]),
            "unit": row.unit_name,
            "total": decimal_or_none(cell.get("total")),
            "max": decimal_or_none(cell.get("max")),
            "value": decimal_or_none(cell.get("value")),
        }
        if has_classes:
            cells["class"] = cell.get("class", "")
        out.rows.append(cells)
        out.row_units.append(row)
    return out


def _index(
    ref: TableRef,
    level: VersionLevel,
    framework: Framework,
    rows: Sequence[VersionRow],
    code: str,
) -> Table:
    ranking = framework.index_rankings.for_index(code)
    columns = [
        RANK,
        UNIT,
        Column("score", gettext("Điểm"), "number"),
        Column("max", gettext("Điểm tối đa áp dụng"), "number"),
        _index_value_column(ranking),
    ]
    out = Table(ref, level, columns, index_ranking=ranking)
    ranked = [(row, row.indices.get(code) or {}) for row in rows]
    # A unit without a rank on the index (none given) is listed last, never as rank 0.
    ranked.sort(key=lambda pair: (_rank_key(pair[1].get("rank")), pair[0].position))
    for row, cell in ranked:
        out.rows.append(
            {
                "rank": int(cell["rank"]) if cell.get("rank") is not None else None,
                "unit": row.unit_name,
                "score": decimal_or_none(cell.get("score")),
                "max": decimal_or_none(cell.get("max")),
                "value": decimal_or_none(cell.get("value")),
            }
        )
        out.row_units.append(row)
    return out


def _index_value_column(ranking: IndexRanking) -> Column:
    """What a main index ranks on, as the framework states for it: points or ratio."""
    decimals = {"decimals": ranking.decimals}
    if ranking.compare is IndexCompare.POINTS:
        about = gettext("Điểm của chỉ số, làm tròn nửa lên đến %(decimals)s chữ số thập phân.")
        return Column("value", gettext("Điểm xếp hạng (điểm)"), "number", about % decimals)
    about = gettext(
        "Phần trăm so với điểm tối đa áp dụng, làm tròn nửa lên đến %(decimals)s chữ số thập phân."
    )
    return Column("value", gettext("Tỷ lệ so với điểm tối đa (%)"), "percent", about % decimals)


def _rank_key(rank: object) -> tuple[int, int]:
    return (1, 0) if rank is None else (0, int(str(rank)))


def _previous_columns(has_classes: bool) -> list[Column]:
    columns = [
        Column("previous_rank", gettext("Hạng năm trước"), "rank"),
        Column("change", gettext("Thay đổi hạng"), "change"),
    ]
    if has_classes:
        columns.append(Column("previous_class", gettext("Xếp loại năm trước"), "class"))
    return columns


def _previous_cells(row: VersionRow, has_classes: bool) -> dict[str, Any]:
    """Last year's rank and the change, when the unit (or the one unit it was renamed from)
    has one rank to compare; blank otherwise, never 0."""
    previous = row.previous or {}
    rank = previous.get("rank")
    cells: dict[str, Any] = {
        "previous_rank": rank,
        "change": (int(rank) - row.rank) if rank is not None else None,
    }
    if has_classes:
        cells["previous_class"] = previous.get("class") or None
    return cells


def decimal_or_none(text: object) -> Decimal | None:
    if text is None or text == "":
        return None
    return Decimal(str(text)).normalize()


def plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def lineage_predecessors(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each unit's predecessors, through every step of lineage back (a rename after a
    merger): by unit, the units it came from."""
    found: dict[int, list[int]] = {}
    frontier = {unit_id: [unit_id] for unit_id in unit_ids}
    for _ in range(10):  # lineage is short; a cycle typed by mistake stops here
        links = list(
            Lineage.objects.filter(
                successor_id__in={u for units in frontier.values() for u in units}
            ).values_list("successor_id", "predecessor_id")
        )
        if not links:
            break
        back: dict[int, list[int]] = {}
        for successor, predecessor in links:
            back.setdefault(successor, []).append(predecessor)
        frontier = {
            origin: [p for unit in units for p in back.get(unit, [])]
            for origin, units in frontier.items()
        }
        for origin, units in frontier.items():
            found.setdefault(origin, []).extend(units)
    return found


# ---- a unit across the years, and search ------------------------------------------------


def unit_history(unit_id: int) -> list[VersionRow]:
    """The unit's published results in every year's current version, and its predecessors'
    (through lineage) where it has none of its own that year: oldest first."""
    predecessors = lineage_predecessors([unit_id]).get(unit_id, [])
    rows = list(
        VersionRow.objects.filter(
            version__published_at__isnull=False,
            version__superseded_at__isnull=True,
            unit_id__in=[unit_id, *predecessors],
        )
        .select_related("version__campaign__province")
        .order_by("version__campaign__year", "pk")
    )
    own_years = {row.version.campaign.year for row in rows if row.unit_id == unit_id}
    return [
        row for row in rows if row.unit_id == unit_id or row.version.campaign.year not in own_years
    ]


def search(query: str) -> list[VersionRow]:
    """Units of current published versions whose name contains the query, with or without
    accents and in any case ("so noi vu" finds "Sở Nội vụ"); latest year first."""
    words = loose_label(query)
    if not words:
        return []
    found = current_versions_rows().filter(search_name__contains=words)
    return list(
        found.select_related("version__campaign__province").order_by(
            "-version__campaign__year", "unit_name", "pk"
        )[:MAX_SEARCH]
    )


def current_versions_rows() -> QuerySet[VersionRow]:
    return VersionRow.objects.filter(
        version__published_at__isnull=False, version__superseded_at__isnull=True
    )
