"""A level's long ranking tables in titled sections, as the office groups them
(ReportTexts.grouping): by the unit's parent (the former district of a commune) or by the
level's peer groups. Within a section the rows keep their rank order and their level-wide
rank; every unit is in exactly one section, the last one "Khác" holding those the grouping
does not place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from dti.campaign import Campaign
from dti.reports.model import AppendixTable
from dti.reports.texts import Grouping
from dti.results import LevelResult

OTHER = "Khác"

# unit id -> (the section's place in the table, its title)
Placement = Mapping[str, tuple[int, str]]


def placement(
    campaign: Campaign, code: str, result: LevelResult, grouping: Grouping
) -> Placement | None:
    """Where each unit of the level goes; None for one list, or when the grouping places
    no unit (a level without parents or peer groups): a single section "Khác" says nothing."""
    if grouping is Grouping.PARENT:
        placed = _by_parent(campaign, code)
    elif grouping is Grouping.GROUP:
        placed = _by_group(result)
    else:
        return None
    if not placed:
        return None
    last = max(order for order, _ in placed.values()) + 1
    return {unit: placed.get(unit, (last, OTHER)) for unit in result.scores.unit_ids}


def _by_parent(campaign: Campaign, code: str) -> dict[str, tuple[int, str]]:
    """Parents in the campaign's order of units, named as the campaign names them; a parent
    the campaign does not hold comes after them, by its id, under the name its children
    give it (`Unit.parent_name`), else its id."""
    everyone = [unit for level in campaign.levels.values() for unit in level.units]
    known = {unit.id: (position, unit.name) for position, unit in enumerate(everyone)}
    members = [u for u in campaign.level(code).units if u.parent is not None]
    parents = {u.id: u.parent for u in members if u.parent is not None}
    names = {u.parent: u.parent_name for u in members if u.parent_name}
    strangers = sorted({p for p in parents.values() if p not in known})
    order = {
        parent: (len(known) + n, names.get(parent, parent)) for n, parent in enumerate(strangers)
    }
    return {unit: known.get(parent) or order[parent] for unit, parent in parents.items()}


def _by_group(result: LevelResult) -> dict[str, tuple[int, str]]:
    """The framework's peer groups in its order; a unit in two groups goes to the first."""
    ids = result.scores.unit_ids
    placed: dict[str, tuple[int, str]] = {}
    for order, group in enumerate(result.framework.groups):
        for position in result.groups[group.code].units:
            placed.setdefault(ids[int(position)], (order, group.name))
    return placed


def in_sections(table: AppendixTable, placed: Placement | None) -> AppendixTable:
    """The table's rows section by section (a stable sort: rank order within each), with
    `sections` marking where each begins."""
    if placed is None or not table.rows:
        return table
    order = sorted(range(len(table.rows)), key=lambda row: placed[table.unit_ids[row]][0])
    sections: list[tuple[int, str]] = []
    current = None
    for position, row in enumerate(order):
        section, title = placed[table.unit_ids[row]]
        if section != current:
            sections.append((position, title))
            current = section
    return replace(
        table,
        rows=tuple(table.rows[row] for row in order),
        unit_ids=tuple(table.unit_ids[row] for row in order),
        sections=tuple(sections),
    )
