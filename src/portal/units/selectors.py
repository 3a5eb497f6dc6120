"""Reading the unit registry: a province's units by level, and a unit's history through
mergers, splits and renames."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy

from dti.names import loose_label
from portal.accounts.models import Membership, Province
from portal.accounts.permissions import AnyUser, is_office_admin
from portal.roles import Role
from portal.units.models import LEVEL_NAMES, Lineage, Unit, level_name

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@dataclass(frozen=True)
class LevelUnits:
    code: str
    name: _StrOrPromise
    units: list[Unit]


@dataclass(frozen=True)
class ProvinceRegistry:
    province: Province
    can_write: bool
    levels: list[LevelUnits]


UNIT_SORTS = {
    "ten": gettext_lazy("Tên"),
    "ma": gettext_lazy("Mã"),
}


@dataclass(frozen=True)
class UnitQuery:
    """The registry's search (name, code or another name, without diacritics), level filter
    and order within each level, from the query string."""

    text: str = ""
    level: str = ""
    sort: str = ""  # a key of UNIT_SORTS; '' keeps the level's order by name

    @classmethod
    def from_query(cls, data: Mapping[str, str]) -> UnitQuery:
        sort = data.get("sap_xep", "")
        return cls(
            text=" ".join(data.get("q", "").split())[:100],
            level=data.get("khoi", "")[:32],
            sort=sort if sort in UNIT_SORTS else "",
        )

    @property
    def levels(self) -> dict[str, object]:
        return dict(LEVEL_NAMES)

    @property
    def sorts(self) -> dict[str, object]:
        return dict(UNIT_SORTS)

    def keeps(self, unit: Unit) -> bool:
        if self.level and unit.level != self.level:
            return False
        if not self.text:
            return True
        wanted = loose_label(self.text)
        names = [unit.name, unit.code, *unit.aliases]
        return any(wanted in loose_label(str(name)) for name in names)


def registries_for_user(user: AnyUser, query: UnitQuery | None = None) -> list[ProvinceRegistry]:
    """The registry of every province where the user holds a role, units grouped by level,
    those the search keeps, in the order asked for.

    Queries: memberships; units with their parents; their predecessor and successor links."""
    query = query or UnitQuery()
    if not user.is_authenticated:
        return []
    roles: dict[Province, set[str]] = defaultdict(set)
    for membership in Membership.objects.filter(user=user).select_related("province"):
        roles[membership.province].add(membership.role)
    units = (
        Unit.objects.filter(province__in=list(roles))
        .select_related("parent")
        .prefetch_related("predecessor_links", "successor_links")
        .order_by("province_id", "level", "name")
    )
    kept = [unit for unit in units if query.keeps(unit)]
    if query.sort == "ma":
        kept.sort(key=lambda u: (u.province_id, u.level, u.code))
    by_province = {p: list(us) for p, us in groupby(kept, key=lambda u: u.province_id)}
    return [
        ProvinceRegistry(
            province=province,
            can_write=Role.OFFICE_ADMIN in held,
            levels=_by_level(by_province.get(province.pk, [])),
        )
        for province, held in sorted(roles.items(), key=lambda item: item[0].name)
    ]


def _by_level(units: list[Unit]) -> list[LevelUnits]:
    return [
        LevelUnits(code, level_name(code), list(group))
        for code, group in groupby(units, key=lambda u: u.level)
    ]


def province_units(province: Province) -> list[Unit]:
    return list(
        Unit.objects.filter(province=province).select_related("parent").order_by("level", "name")
    )


def province_lineage(province: Province) -> list[Lineage]:
    return list(
        Lineage.objects.filter(predecessor__province=province)
        .select_related("predecessor", "successor")
        .order_by("effective", "predecessor__code")
    )


def describe_link(link: Lineage) -> str:
    """'UBND xã A sáp nhập vào UBND xã C' — the sentence a reader expects."""
    before, after = link.predecessor.name, link.successor.name
    if link.kind == Lineage.Kind.SPLIT_FROM:
        return gettext("%(after)s tách ra từ %(before)s") % {"after": after, "before": before}
    if link.kind == Lineage.Kind.RENAMED:
        return gettext("%(before)s đổi tên thành %(after)s") % {"before": before, "after": after}
    return gettext("%(before)s sáp nhập vào %(after)s") % {"before": before, "after": after}


@dataclass(frozen=True)
class UnitHistory:
    predecessors: list[Lineage] = field(default_factory=list)  # links into this unit
    successors: list[Lineage] = field(default_factory=list)  # links out of this unit
    chain: list[tuple[Lineage, str]] = field(default_factory=list)  # every link, by date

    @property
    def reaches_further(self) -> bool:
        """The chain holds links beyond the unit's own (its predecessors' predecessors...)."""
        return len(self.chain) > len(self.predecessors) + len(self.successors)


def unit_history(unit: Unit) -> UnitHistory:
    """Direct predecessors and successors, and the whole chain of links before and after
    the unit (a commune merged in 2025 whose own predecessors merged in 2019...).

    One query: the province's links, walked in memory."""
    links = province_lineage(unit.province)
    into: dict[int, list[Lineage]] = defaultdict(list)
    out_of: dict[int, list[Lineage]] = defaultdict(list)
    for link in links:
        into[link.successor_id].append(link)
        out_of[link.predecessor_id].append(link)
    chain = _walk(unit.pk, into, lambda link: link.predecessor_id)
    chain |= _walk(unit.pk, out_of, lambda link: link.successor_id)
    ordered = sorted(chain, key=lambda link: (link.effective, link.pk))
    return UnitHistory(
        predecessors=into[unit.pk],
        successors=out_of[unit.pk],
        chain=[(link, describe_link(link)) for link in ordered],
    )


def _walk(
    start: int, edges: dict[int, list[Lineage]], next_unit: Callable[[Lineage], int]
) -> set[Lineage]:
    seen_units = {start}
    found: set[Lineage] = set()
    frontier = [start]
    while frontier:
        current = frontier.pop()
        for link in edges[current]:
            found.add(link)
            following = next_unit(link)
            if following not in seen_units:
                seen_units.add(following)
                frontier.append(following)
    return found


def unit_children(unit: Unit) -> list[Unit]:
    return list(unit.children.order_by("name"))


def can_write(user: AnyUser, province: Province) -> bool:
    return is_office_admin(user, province)
