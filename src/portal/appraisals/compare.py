"""One unit side by side: for every criterion, the self-assessed value and points, then the
value that counts in each round (portal.appraisals.values), with totals per column and the
history of each value from the audit trail. Plain dataclasses; the page only prints them.

The unit's own people see the columns of the rounds returned to them and, of the history,
their own changes plus the team's changes in those rounds only: an audit entry of the team
says its round in its `old`/`new` ("round": number); one that does not is not shown to them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from dti.framework.model import Node
from portal.answers import answer_label
from portal.appraisals.models import ResponseKind, Verdict
from portal.appraisals.permissions import UnitAccess, main_index_of
from portal.appraisals.unit_selectors import rounds_for
from portal.appraisals.values import Trail, trail_for
from portal.assessments.selectors import framework_for
from portal.audit.models import AuditEntry
from portal.audit.rows import SAVE_ENTITY, Logged, entity_label, lines
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.frameworks.scoring import LiveScore, points_text, score_answers

# What the unit itself wrote, or was measured for it: always its to see.
UNIT_ENTITIES = frozenset({"answer", "response", "evidence", "system_value", "submission"})


@dataclass(frozen=True)
class Column:
    label: str
    number: int  # 0: the self-assessment
    round: AppraisalRound | None
    total: str
    max: str
    ratio: str


@dataclass(frozen=True)
class Cell:
    text: str
    points: str
    changed: bool  # other than in the column before
    remark: str = ""  # the team's, in this very round


@dataclass(frozen=True)
class Change:
    at: datetime
    who: str
    what: str
    old: str
    new: str
    reason: str


@dataclass
class Row:
    node: Node
    applies: bool
    cells: list[Cell]
    history: list[Change] = field(default_factory=list)
    audit_url: str = ""


@dataclass
class Group:
    node: Node  # the main index
    points: list[str]  # per column
    rows: list[Row]


@dataclass
class Comparison:
    columns: list[Column]
    groups: list[Group]
    full: bool  # every round (the team, the office, leadership)


def comparison(access: UnitAccess) -> Comparison:
    """The side-by-side view as this person may see it."""
    campaign_unit = access.campaign_unit
    framework = framework_for(campaign_unit)
    rounds = rounds_for(access)
    trail = trail_for(campaign_unit)
    codes = [leaf.code for leaf in framework.leaves]
    numbers = [0, *(r.number for r in rounds)]
    scores = [
        score_answers(framework, campaign_unit.unit, trail.values_at(n, codes)) for n in numbers
    ]
    columns = [
        _column(n, r, live) for n, r, live in zip(numbers, [None, *rounds], scores, strict=True)
    ]
    history = _history(campaign_unit, access.full, {r.number for r in rounds}, framework.by_code)
    link = _audit_link(campaign_unit, access.full)
    groups = []
    for index in framework.main_indices:
        rows = [
            Row(
                leaf,
                scores[-1].applies.get(leaf.code, True),
                _cells(leaf, trail, numbers, scores),
                history.get(leaf.code, []),
                link.replace("__code__", leaf.code) if link else "",
            )
            for leaf in framework.leaves
            if main_index_of(framework, leaf.code) == index.code
        ]
        points = [points_text(live.scores.get(index.code, Decimal(0))) for live in scores]
        groups.append(Group(index, points, rows))
    return Comparison(columns, groups, access.full)


def _column(number: int, round: AppraisalRound | None, live: LiveScore) -> Column:
    if round is None:
        label = gettext("Tự đánh giá")
    elif round.final:
        label = gettext("Vòng %(number)s (cuối)") % {"number": number}
    else:
        label = gettext("Vòng %(number)s") % {"number": number}
    return Column(
        label,
        number,
        round,
        points_text(live.total),
        points_text(live.applicable_max),
        f"{points_text(live.ratio)}%",
    )


def _cells(leaf: Node, trail: Trail, numbers: list[int], scores: list[LiveScore]) -> list[Cell]:
    cells: list[Cell] = []
    for number, live in zip(numbers, scores, strict=True):
        value = trail.values_at(number, [leaf.code])[leaf.code]
        text = answer_label(leaf, value)
        points = points_text(live.scores.get(leaf.code, Decimal(0)))
        scored = trail.scored_in(leaf.code, number) if number else None
        changed = bool(cells) and (text, points) != (cells[-1].text, cells[-1].points)
        cells.append(Cell(text, points, changed, scored.remark if scored else ""))
    return cells


# ---- the history of each value -------------------------------------------------------------


def _round_of(audit_entry: Logged) -> int | None:
    for data in (audit_entry.new, audit_entry.old):
        if isinstance(data, dict) and isinstance(data.get("round"), int):
            return int(data["round"])
    return None


def _history(
    campaign_unit: CampaignUnit, full: bool, visible: set[int], nodes: Mapping[str, Node]
) -> dict[str, list[Change]]:
    """Every audit entry about this unit's criteria, in one query, grouped by criterion (a
    save of several answers, under each criterion it changed)."""
    audit_entries = AuditEntry.objects.filter(
        Q(criterion__in=list(nodes)) | Q(entity=SAVE_ENTITY),
        campaign_id=campaign_unit.campaign_id,
        unit_id=campaign_unit.unit_id,
    ).order_by("pk")
    history: dict[str, list[Change]] = {}
    for line in (line for entry in audit_entries for line in lines(entry)):
        node = nodes.get(line.criterion)
        if node is None:  # a save's criterion no longer in the framework
            continue
        number = _round_of(line)
        if not (full or line.entity in UNIT_ENTITIES or number in visible):
            continue
        what = entity_label(line.entity)  # the audit trail's own words for it
        if number is not None:
            what = gettext("%(what)s, vòng %(number)s") % {"what": what, "number": number}
        history.setdefault(line.criterion, []).append(
            Change(
                line.at,
                line.actor_name,
                what,
                _describe(node, line.old),
                _describe(node, line.new),
                line.reason,
            )
        )
    return history


def _describe(node: Node, data: Any) -> str:
    """A value as the audit trail kept it, in words."""
    if data is None:
        return "—"
    if not isinstance(data, dict):
        return answer_label(node, data)
    parts = []
    if data.get("kind") in ResponseKind.values:
        parts.append(str(ResponseKind(data["kind"]).label))
    if data.get("verdict") in Verdict.values:
        parts.append(str(Verdict(data["verdict"]).label))
    if "value" in data and data["value"] is not None:
        parts.append(answer_label(node, data["value"]))
    if data.get("name"):
        parts.append(str(data["name"]))
    return " · ".join(parts) or "—"


def _audit_link(campaign_unit: CampaignUnit, full: bool) -> str:
    """The audit trail's page of one criterion (portal.audit), as a template with __code__;
    '' when this portal has no such page. Only for the full reach: the unit's own people
    see their history here, filtered by round, while that page lists every entry of the
    unit, the team's unfinished round included."""
    if not full:
        return ""
    try:
        return reverse(
            "audit:criterion", args=[campaign_unit.campaign_id, campaign_unit.unit_id, "__code__"]
        )
    except NoReverseMatch:
        return ""
