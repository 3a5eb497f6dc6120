"""Recomputing a published table from the component scores it prints.

The table's rows become the engine's inputs (scores given at the index nodes), the level's
framework and policies do the rest; what comes out is the ranking the table should show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dti.campaign import Campaign, Level
from dti.columns import InputProblem
from dti.inputs import UnitInput, build_inputs
from dti.rankings import Ranking
from dti.results import LevelResult, evaluate
from dti.tables.model import BLANK_MESSAGE, TOTAL_KEY, PublishedRow, PublishedTable, Role


@dataclass
class Reproduction:
    table: PublishedTable
    level: Level
    result: LevelResult
    ranking: Ranking
    rows: dict[str, PublishedRow]  # by unit id
    problems: tuple[InputProblem, ...]

    def ranking_key(self) -> str:
        return self.ranking.key


def reproduce(table: PublishedTable, campaign: Campaign) -> Reproduction:
    """Evaluate the table's units from its printed component scores."""
    level = campaign.level(table.level)
    units = {unit.id: unit for unit in level.units}
    entries = []
    for row in table.rows:
        scores = dict(row.nodes)
        if table.index is not None and row.total is not None and table.index not in scores:
            scores[table.index] = row.total
        entries.append(UnitInput(row.unit, units[row.unit].attributes, scores=scores))
    inputs = build_inputs(level.framework, entries)
    names = tuple(units[row.unit].name for row in table.rows)
    result = evaluate(level.framework, inputs, names)
    if table.index is not None:
        ranking = result.indices[table.index]
    elif table.group is not None:
        ranking = result.groups[table.group]
    else:
        ranking = result.general
    return Reproduction(
        table=table,
        level=level,
        result=result,
        ranking=ranking,
        rows={row.unit: row for row in table.rows},
        problems=result.scores.problems + tuple(_blank_scores(table, result)),
    )


def _blank_scores(table: PublishedTable, result: LevelResult) -> Iterator[InputProblem]:
    """A score printed blank where the framework gives the unit points to score: the engine
    would count it as zero (a unit ranked first falls to seventeenth), so it is a problem.
    A blank total counts only in a per-index table, where it is the index's score."""
    scores = result.scores
    position = {unit: i for i, unit in enumerate(scores.unit_ids)}
    headers = {column.node: column.header for column in table.columns if column.node}
    total = table.column(Role.TOTAL)
    for row in table.rows:
        for key in row.blank:
            code = table.index if key == TOTAL_KEY else key
            if code is None or code not in scores.node_index:
                continue
            if not scores.applicable_max[scores.node_index[code], position[row.unit]]:
                continue  # the node does not apply to this unit: blank is right
            header = total.header if key == TOTAL_KEY and total else headers.get(key, key)
            message = f"dòng {row.row}, cột “{header}”: {BLANK_MESSAGE}"
            yield InputProblem(row.unit, code, message)
