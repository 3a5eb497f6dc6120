"""Which criteria of this year's framework continue which of last year's, and the trends
read through that correspondence (docs/frameworks.md, "Last year's criteria").

A node of this year's framework names the codes of last year's it continues (`previous`);
one that names none continues last year's node of the same code, if there is one. From
those links each node's change is derived: the same (one to one, same name), renamed (one to
one, another name), split (one of last year's nodes continued by several), merged (several
continued by one), new (none); last year's nodes that nothing continues were dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from dti.framework.model import Framework, Node
from dti.results import LevelResult


class Change(str, Enum):
    SAME = "same"
    RENAMED = "renamed"
    SPLIT = "split"
    MERGED = "merged"
    NEW = "new"


CHANGE_LABELS = {
    Change.SAME: "giữ nguyên",
    Change.RENAMED: "đổi tên",
    Change.SPLIT: "tách ra",
    Change.MERGED: "gộp lại",
    Change.NEW: "mới",
}


@dataclass(frozen=True)
class Link:
    code: str
    name: str
    previous: tuple[str, ...]  # last year's codes it continues
    previous_names: tuple[str, ...]
    change: Change
    declared: bool  # named in the framework file, not implied by an equal code


@dataclass(frozen=True)
class Correspondence:
    links: Mapping[str, Link]  # by this year's code, every node
    dropped: tuple[str, ...]  # last year's codes nothing continues
    unknown: tuple[tuple[str, str], ...]  # (this year's code, a previous code last year lacks)


def correspondence(current: Framework, previous: Framework) -> Correspondence:
    before = previous.by_code
    named: dict[str, tuple[str, ...]] = {}
    unknown = []
    for node in current.all_nodes:
        if node.previous is None:
            named[node.code] = (node.code,) if node.code in before else ()
        else:
            unknown += [(node.code, code) for code in node.previous if code not in before]
            named[node.code] = tuple(code for code in node.previous if code in before)
    continued = Counter(code for codes in named.values() for code in codes)
    links = {
        node.code: _link(node, named[node.code], before, continued) for node in current.all_nodes
    }
    dropped = tuple(node.code for node in previous.all_nodes if node.code not in continued)
    return Correspondence(links, dropped, tuple(unknown))


def _link(
    node: Node, codes: tuple[str, ...], before: Mapping[str, Node], continued: Counter[str]
) -> Link:
    if not codes:
        change = Change.NEW
    elif len(codes) > 1:
        change = Change.MERGED
    elif continued[codes[0]] > 1:
        change = Change.SPLIT
    elif before[codes[0]].name == node.name:
        change = Change.SAME
    else:
        change = Change.RENAMED
    names = tuple(before[code].name for code in codes)
    return Link(node.code, node.name, codes, names, change, node.previous is not None)


@dataclass(frozen=True)
class IndexTrend:
    """A main index's share of its max over the level's units, this year and last."""

    code: str
    name: str
    now: Fraction | None  # None: applies to no unit
    before: Fraction | None  # None: nothing of last year to compare with
    link: Link


def index_trends(
    current: LevelResult, previous: LevelResult, links: Correspondence
) -> list[IndexTrend]:
    """Each main index: Σ score / Σ applicable max over this year's units, beside the same
    over last year's units of the nodes it continues (together)."""
    trends = []
    for index in current.framework.main_indices:
        link = links.links[index.code]
        trends.append(
            IndexTrend(
                index.code,
                index.name,
                _share(current, (index.code,)),
                _share(previous, link.previous) if link.previous else None,
                link,
            )
        )
    return trends


def _share(result: LevelResult, codes: tuple[str, ...]) -> Fraction | None:
    scores = result.scores
    total = maximum = 0
    for code in codes:
        row = scores.node_index[code]
        total += int(scores.score[row].sum())
        maximum += int(scores.max_of(row).sum())
    return Fraction(total, maximum) if maximum else None
