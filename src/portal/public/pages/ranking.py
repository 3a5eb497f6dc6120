"""A ranking page: one published table of a level (portal.publication.selectors.table),
sorted by any column and filtered by class, peer group and name through the query string,
on the server, so it works without JavaScript.

Parameters: sap-xep (a column's key; an unknown one gives the default order, by rank),
chieu (tang | giam), xep-loai (a class of the table), nhom (a peer group's code), ten (a
name, accents and case ignored), trang (the page: PAGE_SIZE units a page, so a level of
3,300 communes reads on a phone; the name filter finds one's own). A class or group the
table does not have, or a page it does not have, is refused."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from dti.framework.model import Framework, RankingPolicy
from dti.names import loose_label
from portal.public.pages.common import (
    Refused,
    Scope,
    change_text,
    checked_text,
    number_text,
)
from portal.publication.models import VersionLevel, VersionRow
from portal.publication.selectors import (
    GENERAL,
    GROUP_PREFIX,
    INDEX_PREFIX,
    Column,
    Table,
    framework_of,
    rows_of,
    table,
    tables_of,
)

SORT, DIRECTION, CLASS, GROUP, NAME, PAGE = "sap-xep", "chieu", "xep-loai", "nhom", "ten", "trang"
PAGE_SIZE = 200
ASCENDING, DESCENDING = "tang", "giam"
PREVIOUS = ("previous_rank", "change", "previous_class")
FORMATS = ("csv", "xlsx", "json")


@dataclass(frozen=True)
class Tab:
    title: str
    url: str
    current: bool


@dataclass(frozen=True)
class Header:
    label: str
    url: str  # sorts by this column (the other way when it already sorts by it)
    sort: str  # "ascending" | "descending" | "" (aria-sort)
    numeric: bool


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool
    url: str = ""  # the unit's page, in the unit's column


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class RankingPage:
    scope: Scope
    level: VersionLevel
    title: str
    tabs: list[Tab]
    headers: list[Header]
    rows: list[list[Cell]]

    @property
    def body(self) -> SafeString:
        """The table's rows as HTML, written here rather than by a template loop: a level of
        3,300 units has some 50,000 cells, which the template engine takes seconds to write."""
        return mark_safe("".join(_row_html(cells) for cells in self.rows))  # noqa: S308  escaped

    total: int
    has_classes: bool
    classes: list[Option]
    groups: list[Option]
    name: str
    sort: str
    direction: str
    downloads: list[tuple[str, str]]
    previous_hidden: bool  # no unit has last year's figures: the columns are left out
    findings: int
    compare_url: str
    levels: list[tuple[str, str, bool]] = field(default_factory=list)
    matching: int = 0  # units the filters keep, on every page
    first: int = 0  # position of the page's first row among them (from 1)
    last: int = 0  # and of its last
    pages: list[Option] = field(default_factory=list)  # value: the page's URL; one when it fits
    previous_url: str = ""
    next_url: str = ""
    kept: bool = True  # cached: the query is one the page's links and form make, no name typed


@dataclass(frozen=True)
class Asked:
    """What the query string asks of the table, checked."""

    class_label: str
    group: str
    name: str
    sort: str
    direction: str
    page: int = 1

    def filters(self) -> dict[str, str]:
        return {CLASS: self.class_label, GROUP: self.group, NAME: self.name}

    def page_url(self, page: int) -> str:
        query = {k: v for k, v in self.filters().items() if v}
        query |= {SORT: self.sort, DIRECTION: self.direction, PAGE: str(page)}
        return "?" + urlencode(query)


def ranking_page(
    scope: Scope, level_code: str, key: str, query: Mapping[str, str]
) -> RankingPage | None:
    """The table `key` of the level, sorted and filtered as `query` asks; None when the
    level has no such table (404)."""
    level = scope.level(level_code)
    framework = framework_of(level)
    found = table(level, rows_of(scope.version, level.level), key)
    if found is None:
        return None
    classification = _policy(framework, key).classification if found.has_classes else None
    classes = list(classification.labels()) if classification is not None else []
    groups = {group.code: group.name for group in framework.groups}
    previous_hidden = key == GENERAL and not any(
        row.get("previous_rank") is not None or row.get("previous_class") for row in found.rows
    )
    columns = [c for c in found.columns if not (previous_hidden and c.key in PREVIOUS)]
    asked = _asked(query, columns, classes, list(groups))
    picked = _filtered(found, asked)
    picked = _sorted(picked, next(c for c in columns if c.key == asked.sort), asked, classes)
    count = max(1, -(-len(picked) // PAGE_SIZE))
    if asked.page > count:
        raise Refused(
            gettext("Bảng chỉ có %(count)s trang: không có trang %(page)s.")
            % {"count": count, "page": asked.page}
        )
    first = (asked.page - 1) * PAGE_SIZE
    matching = len(picked)
    picked = picked[first : first + PAGE_SIZE]
    decimals = _decimals(framework, key)
    return RankingPage(
        scope=scope,
        level=level,
        title=found.ref.title,
        tabs=_tabs(scope, level, framework, key),
        headers=[_header(column, asked) for column in columns],
        rows=[_cells(scope, level, columns, cells, row, decimals) for cells, row in picked],
        total=len(found.rows),
        has_classes=found.has_classes,
        classes=[Option(label, label, label == asked.class_label) for label in classes],
        groups=[Option(code, title, code == asked.group) for code, title in groups.items()],
        name=asked.name,
        sort=asked.sort,
        direction=asked.direction,
        downloads=[
            (fmt.upper(), scope.url("table_file", level=level.level, table=key, fmt=fmt))
            for fmt in FORMATS
        ],
        previous_hidden=previous_hidden,
        findings=len(level.findings or []),
        compare_url=scope.url("compare", level=level.level),
        levels=[
            (other.name, scope.url("ranking", level=other.level), other.pk == level.pk)
            for other in scope.levels
        ],
        matching=matching,
        first=first + 1,
        last=first + len(picked),
        pages=[Option(asked.page_url(n), str(n), n == asked.page) for n in range(1, count + 1)]
        if count > 1
        else [],
        previous_url=asked.page_url(asked.page - 1) if asked.page > 1 else "",
        next_url=asked.page_url(asked.page + 1) if asked.page < count else "",
        kept=_linked(query, columns) and not asked.name,
    )


def _linked(query: Mapping[str, str], columns: Sequence[Column]) -> bool:
    """Whether the sort, its direction and the page are as the page's links write them (or
    absent): any other spelling gives the same table, and is not worth a cached copy."""
    sort, direction, page = query.get(SORT, ""), query.get(DIRECTION, ""), query.get(PAGE, "")
    known_sort = not sort or any(column.key == sort for column in columns)
    plain_page = not page or (page.isdigit() and page.isascii() and str(int(page)) == page)
    return known_sort and direction in ("", ASCENDING, DESCENDING) and plain_page


def _asked(
    query: Mapping[str, str], columns: Sequence[Column], classes: list[str], groups: list[str]
) -> Asked:
    sort = query.get(SORT, "")
    return Asked(
        class_label=_choice(query.get(CLASS), classes, gettext("Xếp loại")),
        group=_choice(query.get(GROUP), groups, gettext("Nhóm")),
        name=checked_text(query.get(NAME), gettext("Tên đơn vị")),
        sort=sort if any(column.key == sort for column in columns) else "rank",
        direction=DESCENDING if query.get(DIRECTION) == DESCENDING else ASCENDING,
        page=_page(query.get(PAGE)),
    )


def _page(value: str | None) -> int:
    """The page asked for: 1 when none; a whole number from 1, else refused."""
    if not value:
        return 1
    if not value.isascii() or not value.isdigit() or len(value) > 6 or int(value) < 1:
        raise Refused(gettext("Trang “%(value)s” không hợp lệ.") % {"value": value[:20]})
    return int(value)


def _policy(framework: Framework, key: str) -> RankingPolicy:
    if key.startswith(GROUP_PREFIX):
        return framework.group(key.removeprefix(GROUP_PREFIX)).ranking
    return framework.ranking


def _decimals(framework: Framework, key: str) -> int:
    """How many decimals the table's ranking value is displayed with."""
    if key.startswith(INDEX_PREFIX):
        return framework.index_rankings.decimals_for(key.removeprefix(INDEX_PREFIX))
    return _policy(framework, key).decimals


def _choice(value: str | None, allowed: Sequence[str], what: str) -> str:
    if not value:
        return ""
    if value not in allowed:
        raise Refused(
            gettext("%(what)s “%(value)s” không có trong bảng này.")
            % {"what": what, "value": value[:60]}
        )
    return value


def _filtered(found: Table, asked: Asked) -> list[tuple[dict[str, Any], VersionRow]]:
    name = loose_label(asked.name)
    picked = []
    for cells, row in zip(found.rows, found.row_units, strict=True):
        if asked.class_label and cells.get("class") != asked.class_label:
            continue
        if asked.group and asked.group not in (row.groups or {}):
            continue
        if name and name not in row.search_name:
            continue
        picked.append((cells, row))
    return picked


def _sorted(
    picked: list[tuple[dict[str, Any], VersionRow]],
    column: Column,
    asked: Asked,
    classes: Sequence[str],
) -> list[tuple[dict[str, Any], VersionRow]]:
    """By the column, blanks last in either direction; ties keep the ranking's order."""
    key = _sort_key(column, classes)
    known = [pair for pair in picked if pair[0].get(column.key) not in (None, "")]
    blank = [pair for pair in picked if pair[0].get(column.key) in (None, "")]
    known.sort(key=lambda pair: key(pair[0][column.key]), reverse=asked.direction == DESCENDING)
    return known + blank


def _sort_key(column: Column, classes: Sequence[str]) -> Callable[[Any], Any]:
    if column.kind == "text":
        return lambda value: loose_label(str(value))
    if column.kind == "class":
        order = {label: position for position, label in enumerate(classes)}
        return lambda value: order.get(str(value), len(order))
    return lambda value: Decimal(str(value))


def _header(column: Column, asked: Asked) -> Header:
    current = column.key == asked.sort
    flip = DESCENDING if current and asked.direction == ASCENDING else ASCENDING
    query = {k: v for k, v in asked.filters().items() if v} | {SORT: column.key, DIRECTION: flip}
    return Header(
        label=str(column.label),
        url="?" + urlencode(query),
        sort=("ascending" if asked.direction == ASCENDING else "descending") if current else "",
        numeric=column.kind not in ("text", "class"),
    )


def _cells(
    scope: Scope,
    level: VersionLevel,
    columns: Sequence[Column],
    cells: Mapping[str, Any],
    row: VersionRow,
    decimals: int,
) -> list[Cell]:
    out = []
    for column in columns:
        value = cells.get(column.key)
        if column.kind == "text":
            url = scope.url("unit", level=level.level, unit=row.unit_code)
            out.append(Cell(str(value), False, url))
        elif column.kind == "class":
            out.append(Cell(str(value or ""), False))
        elif column.kind == "change":
            out.append(Cell(change_text(value), True))
        elif column.kind == "rank":
            out.append(Cell("" if value is None else str(value), True))
        elif column.key == "value":
            out.append(Cell(number_text(value, decimals), True))
        else:
            out.append(Cell(number_text(value), True))
    return out


def _row_html(cells: Sequence[Cell]) -> str:
    parts = []
    for cell in cells:
        text = escape(cell.text)
        if cell.url:
            parts.append(f'<th scope="row"><a href="{escape(cell.url)}">{text}</a></th>')
        elif cell.numeric:
            parts.append(f'<td class="num">{text}</td>')
        else:
            parts.append(f"<td>{text}</td>")
    return "<tr>" + "".join(parts) + "</tr>\n"


def _tabs(scope: Scope, level: VersionLevel, framework: Framework, key: str) -> list[Tab]:
    tabs = []
    for ref in tables_of(level, framework):
        if ref.key == GENERAL:
            url = scope.url("ranking", level=level.level)
        else:
            url = scope.url("table", level=level.level, table=ref.key)
        tabs.append(Tab(ref.title, url, ref.key == key))
    return tabs
