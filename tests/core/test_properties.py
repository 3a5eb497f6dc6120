"""Property tests of the engine and the rankings against an independent reference.

The reference below reads the YAML-shaped framework dict directly and works unit by unit
with Fraction and Decimal; it shares no code with dti's columnar fixed-point engine, its
expression evaluator or its rankings. Hypothesis draws random frameworks (2–6 main indices,
1–3 levels of nesting, mixed leaf rules, `applies_when` on attributes a and b), random
ranking policies and classifications, and 1–25 units with random (sometimes missing) inputs.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dti.framework.loader import build_framework
from dti.inputs import UnitInput, build_inputs
from dti.rankings import Ranking, RankingRow
from dti.results import LevelResult, evaluate

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A hundred generated campaigns per property, each checked against the reference: seconds
# per test, which is the point. Left out of the quick loop by `-m "not slow"`.
pytestmark = pytest.mark.slow

# The conditions drawn for `applies_when`, with their meaning written out independently.
CONDITIONS: dict[str, Callable[[bool, bool], bool]] = {
    "a": lambda a, b: a,
    "b": lambda a, b: b,
    "not a": lambda a, b: not a,
    "not b": lambda a, b: not b,
    "a and b": lambda a, b: a and b,
    "a or b": lambda a, b: a or b,
    "a and not b": lambda a, b: a and not b,
}

Json = dict[str, Any]


# ---- reference arithmetic ------------------------------------------------------------------


def round_half_up(value: Fraction | Decimal | int, decimals: int) -> Decimal:
    """Exact value rounded half away from zero (Decimal's ROUND_HALF_UP) to `decimals`."""
    scaled = Fraction(value) * 10**decimals
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(-magnitude if scaled < 0 else magnitude).scaleb(-decimals)


def percent(part: Fraction, whole: Fraction) -> Fraction:
    return part / whole * 100 if whole else Fraction(0)


@functools.cache
def cents(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    """Decimals in [low, high] with up to two decimals, the bounds drawn often."""
    inner = st.integers(int(low * 100), int(high * 100)).map(lambda k: Decimal(k).scaleb(-2))
    return st.one_of(st.just(low), st.just(high), inner, inner)


# ---- reference scoring ---------------------------------------------------------------------


@dataclass(frozen=True)
class RefNode:
    score: Fraction
    applicable_max: Fraction
    max: Fraction


def walk(nodes: Sequence[Json]) -> Iterator[Json]:
    for node in nodes:
        yield node
        yield from walk(node.get("children", []))


def leaf_points(node: Json, raw: object, score_decimals: int) -> Fraction:
    """A leaf's points for its raw input, from the rule docstrings; missing input is 0."""
    if raw is None:
        return Fraction(0)
    rule = node.get("rule", {"type": "entered"})
    full = Fraction(node["max"])
    kind = rule["type"]
    if kind == "entered":
        return Fraction(raw)  # type: ignore[arg-type]
    if kind == "yes_no":
        return full if raw else Fraction(0)
    if kind == "choice":
        return next(Fraction(o["points"]) for o in rule["options"] if o["value"] == raw)
    if kind == "ratio":
        value = max(Fraction(raw), Fraction(0))  # type: ignore[arg-type]
        if value < Fraction(rule.get("minimum", 0)):
            return Fraction(0)
        share = min(value / Fraction(rule["target"]), Fraction(1))
        return Fraction(round_half_up(full * share, score_decimals))
    if kind == "bands":
        for band in rule["bands"]:
            if Fraction(raw) >= Fraction(band["min"]):  # type: ignore[arg-type]
                return Fraction(band["points"])
        return Fraction(0)
    assert kind == "count"
    events = Fraction(raw)  # type: ignore[arg-type]
    return min(
        Fraction(round_half_up(events * Fraction(rule["points_each"]), score_decimals)), full
    )


def reference_nodes(data: Json, unit: UnitInput) -> dict[str, RefNode]:
    """Every node's score, applicable max and max for one unit, walking the dict tree."""
    a, b = bool(unit.attributes["a"]), bool(unit.attributes["b"])
    score_decimals = int(data.get("score_decimals", 2))
    out: dict[str, RefNode] = {}

    def visit(node: Json, parent_applies: bool) -> RefNode:
        condition = node.get("applies_when")
        applies = parent_applies and (condition is None or CONDITIONS[condition](a, b))
        children = [visit(child, applies) for child in node.get("children", [])]
        if children:
            score = sum((c.score for c in children), Fraction(0))
            applicable_max = sum((c.applicable_max for c in children), Fraction(0))
            full = sum((c.max for c in children), Fraction(0))
        else:
            full = Fraction(node["max"])
            applicable_max = full if applies else Fraction(0)
            score = leaf_points(node, unit.values.get(node["code"]), score_decimals)
        if node["code"] in unit.scores:
            score = Fraction(unit.scores[node["code"]])
        result = RefNode(score if applies else Fraction(0), applicable_max, full)
        out[node["code"]] = result
        return result

    for root in data["nodes"]:
        visit(root, True)
    return out


def framework_max(data: Json) -> Fraction:
    return sum((node_max(root) for root in data["nodes"]), Fraction(0))


def node_max(node: Json) -> Fraction:
    children = node.get("children", [])
    return sum(map(node_max, children), Fraction(0)) if children else Fraction(node["max"])


# ---- reference ranking values --------------------------------------------------------------


@dataclass(frozen=True)
class RefValue:
    """What one unit's row of the general ranking must show, computed independently."""

    total: Fraction  # compared total (after any block removal)
    shown_max: Fraction
    displayed: Decimal
    exact: Fraction
    key: Fraction  # what ranks compare: the displayed or the exact value
    measure: Decimal | None  # the rounded class measure
    label: str | None


def reference_value(data: Json, nodes: Mapping[str, RefNode]) -> RefValue:
    policy = data["ranking"]
    decimals = policy["decimals"]
    roots = [nodes[root["code"]] for root in data["nodes"]]
    total = sum((r.score for r in roots), Fraction(0))
    applicable = sum((r.applicable_max for r in roots), Fraction(0))
    full = framework_max(data)
    kind = policy["comparability"]
    if kind == "ratio_to_applicable_max":
        compared, comparable_max, shown_max = total, applicable, applicable
        exact = total / applicable if applicable else Fraction(0)
        displayed = round_half_up(percent(total, applicable), decimals)
    else:
        compared, comparable_max, shown_max = total, full, applicable
        if kind == "remove_block":
            block = nodes[policy["block"]]
            removed = block.score if policy["subtract"] == "score" else block.applicable_max
            compared = total - removed
            comparable_max = shown_max = full - block.max
        exact = compared
        displayed = round_half_up(compared, decimals)
    key = Fraction(displayed) if policy["compare"] == "displayed" else exact
    measure, label = None, None
    classes = policy.get("classification")
    if classes is not None:
        basis, class_decimals = classes["basis"], classes["decimals"]
        measure = round_half_up(
            {
                "value": Fraction(displayed),
                "percent_of_framework_max": percent(compared, full),
                "percent_of_applicable_max": percent(total, applicable),
                "percent_of_comparable_max": percent(compared, comparable_max),
            }[basis],
            class_decimals,
        )
        label = band_for(classes["bands"], measure)
    return RefValue(compared, shown_max, displayed, exact, key, measure, label)


def band_for(bands: Sequence[Json], measure: Decimal) -> str | None:
    """The first band, high to low, whose min the rounded measure reaches."""
    return next((band["label"] for band in bands if band["min"] <= measure), None)


def reference_index_percent(nodes: Mapping[str, RefNode], code: str, decimals: int) -> Decimal:
    node = nodes[code]
    return round_half_up(percent(node.score, node.applicable_max), decimals)


# ---- strategies ----------------------------------------------------------------------------


# Plain functions taking `draw` build the framework dict: building a fresh composite strategy
# per node costs more than the test itself. Primitive strategies are cached.

integers = functools.cache(st.integers)


@functools.cache
def one_of(*options: object) -> st.SearchStrategy[Any]:
    return st.sampled_from(options)


@functools.cache
def distinct_cents(low: Decimal, high: Decimal) -> st.SearchStrategy[list[Decimal]]:
    return st.lists(cents(low, high), min_size=1, max_size=3, unique=True)


RULE_KINDS = one_of(*["entered"] * 5, "yes_no", "ratio", "bands", "count", "choice")
BASES = one_of(
    "value", "percent_of_framework_max", "percent_of_applicable_max", "percent_of_comparable_max"
)
POLICIES = one_of("ratio_to_applicable_max", "plain_total", "remove_block")
TIES = one_of("dense", "competition")


def draw_rule(draw: st.DrawFn, maximum: Decimal) -> Json | None:
    """A leaf rule (None: no rule, which means entered); points never exceed the leaf's max."""
    kind = draw(RULE_KINDS)
    if kind == "entered":
        return None if draw(st.booleans()) else {"type": "entered"}
    if kind == "yes_no":
        return {"type": "yes_no"}
    if kind == "ratio":
        target = draw(cents(Decimal("0.01"), Decimal(200)))
        rule: Json = {"type": "ratio", "target": target}
        if draw(st.booleans()):
            rule["minimum"] = draw(cents(Decimal(0), target))
        return rule
    if kind == "bands":
        mins = sorted(draw(distinct_cents(Decimal(-10), Decimal(100))), reverse=True)
        bands = [{"min": low, "points": draw(cents(Decimal(0), maximum))} for low in mins]
        return {"type": "bands", "bands": bands}
    if kind == "count":
        return {"type": "count", "points_each": draw(cents(Decimal("0.01"), maximum))}
    size = draw(integers(2, 4))
    options = [{"value": f"o{i}", "points": draw(cents(Decimal(0), maximum))} for i in range(size)]
    return {"type": "choice", "options": options}


def draw_node(draw: st.DrawFn, code: str, depth: int, nesting: int) -> Json:
    """A node; above `nesting` levels it has 1–3 children with good odds, else it is a leaf."""
    node: Json = {"code": code, "name": f"Tiêu chí {code}"}
    if draw(integers(0, 4)) == 0:
        node["applies_when"] = draw(one_of(*CONDITIONS))
    parent_odds = 4 if depth == 0 else 2
    if depth < nesting and draw(integers(0, 4)) < parent_odds:
        count = draw(integers(1, 3))
        node["children"] = [
            draw_node(draw, f"{code}.{i}", depth + 1, nesting) for i in range(count)
        ]
        return node
    node["max"] = draw(cents(Decimal("0.5"), Decimal(100)))
    rule = draw_rule(draw, node["max"])
    if rule is not None:
        node["rule"] = rule
    return node


def draw_classification(draw: st.DrawFn) -> Json:
    """2–4 bands, high to low, the last one from 0; mins may have more decimals than the
    measure is rounded to."""
    mins = sorted(draw(distinct_cents(Decimal("0.01"), Decimal(100))), reverse=True)
    return {
        "basis": draw(BASES),
        "decimals": draw(integers(0, 1)),
        "bands": [{"label": f"Loại {i}", "min": low} for i, low in enumerate([*mins, Decimal(0)])],
    }


def draw_ranking(draw: st.DrawFn, codes: Sequence[str], classified: bool) -> Json:
    kind = draw(POLICIES)
    policy: Json = {
        "comparability": kind,
        "decimals": draw(integers(0, 2)),
        "ties": draw(TIES),
        "compare": draw(one_of("displayed", "exact")),
    }
    if kind == "remove_block":
        policy["block"] = draw(st.sampled_from(codes))
        policy["subtract"] = draw(one_of("max", "score"))
    if classified or draw(st.booleans()):
        policy["classification"] = draw_classification(draw)
    return policy


@st.composite
def frameworks(draw: st.DrawFn, classified: bool = False) -> Json:
    """A framework document (as build_framework takes it): 2–6 main indices, 1–3 levels."""
    nesting = draw(integers(1, 3))
    count = draw(integers(2, 6))
    nodes = [draw_node(draw, f"m{i}", 0, nesting) for i in range(count)]
    codes = [node["code"] for node in walk(nodes)]
    return {
        "code": "random",
        "name": "Bộ chỉ số ngẫu nhiên",
        "nodes": nodes,
        "ranking": draw_ranking(draw, codes, classified),
        **draw_index_rankings(draw),
    }


def draw_index_rankings(draw: st.DrawFn) -> Json:
    """Nothing (inherited from the general ranking), the older form (ratio decimals) or
    the three keys."""
    form = draw(one_of("inherited", "older", "stated"))
    if form == "inherited":
        return {}
    stated = {"decimals": draw(integers(0, 2)), "ties": draw(TIES)}
    if form == "stated":
        stated["compare"] = draw(one_of("points", "ratio"))
    return {"index_rankings": stated}


def reference_index_policy(data: Json) -> tuple[str, int, str]:
    """(compare, decimals, ties) of the per-index rankings, as docs/frameworks.md states."""
    general = data["ranking"]
    stated = data.get("index_rankings", {})
    ratio = general["comparability"] == "ratio_to_applicable_max"
    points = int(data.get("score_decimals", 2))
    inherited = ("ratio", general["decimals"]) if ratio else ("points", points)
    if "decimals" in stated:
        compare = stated.get("compare", "ratio")
        return compare, stated["decimals"], stated["ties"]
    return (*inherited, general["ties"])


def reference_index_key(nodes: Mapping[str, RefNode], code: str, data: Json) -> Decimal:
    """The value a main index's ranking compares for one unit."""
    compare, decimals, _ = reference_index_policy(data)
    if compare == "points":
        return round_half_up(nodes[code].score, decimals)
    return reference_index_percent(nodes, code, decimals)


def raw_inputs(node: Json) -> st.SearchStrategy[object]:
    """A valid raw input for a leaf under its rule (entered scores within [0, max])."""
    rule = node.get("rule", {"type": "entered"})
    kind = rule["type"]
    if kind == "entered":
        return cents(Decimal(0), node["max"])
    if kind == "yes_no":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from([o["value"] for o in rule["options"]])
    if kind == "ratio":
        return cents(Decimal(0), rule["target"] * 2)
    if kind == "bands":
        return cents(Decimal(-20), Decimal(120))
    return EVENTS


EVENTS = st.integers(0, 30).map(Decimal)
ATTRIBUTES = st.fixed_dictionaries({"a": st.booleans(), "b": st.booleans()})


def unit_inputs(data: Json, given_scores: bool) -> st.SearchStrategy[UnitInput]:
    """One unit: attributes a and b, some leaf inputs missing, optionally given scores at
    internal nodes (a published table that prints only main-index or component scores)."""
    nodes = list(walk(data["nodes"]))
    values = st.fixed_dictionaries(
        {}, optional={n["code"]: raw_inputs(n) for n in nodes if "children" not in n}
    )
    scores: st.SearchStrategy[dict[str, Decimal]] = st.just({})
    if given_scores:
        scores = st.fixed_dictionaries(
            {},
            optional={
                n["code"]: cents(Decimal(0), to_decimal(node_max(n)))
                for n in nodes
                if "children" in n
            },
        )
    return st.builds(
        UnitInput, unit=st.just(""), attributes=ATTRIBUTES, values=values, scores=scores
    )


def to_decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class Scenario:
    data: Json
    units: tuple[UnitInput, ...]
    names: tuple[str, ...]

    def evaluate(self) -> LevelResult:
        framework = build_framework(self.data, file="<hypothesis>", path="framework")
        return evaluate(framework, build_inputs(framework, self.units), self.names)

    @functools.cached_property
    def reference(self) -> dict[str, dict[str, RefNode]]:
        """Per unit id: every node's reference score, applicable max and max."""
        return {unit.unit: reference_nodes(self.data, unit) for unit in self.units}

    @functools.cached_property
    def general(self) -> dict[str, RefValue]:
        """Per unit id: the reference row of the general ranking."""
        return {unit: reference_value(self.data, n) for unit, n in self.reference.items()}

    @property
    def unit_ids(self) -> tuple[str, ...]:
        return tuple(unit.unit for unit in self.units)


NAMES = st.integers(0, 30).map(lambda k: f"Đơn vị {k}")


@st.composite
def scenarios(draw: st.DrawFn, given_scores: bool = False, classified: bool = False) -> Scenario:
    data = draw(frameworks(classified))
    size = draw(st.integers(1, 25))
    drawn = draw(st.lists(unit_inputs(data, given_scores), min_size=size, max_size=size))
    units = tuple(replace(unit, unit=f"u{i}") for i, unit in enumerate(drawn))
    # Names are drawn from a few so that some repeat: name order must not change ranks.
    names = tuple(draw(st.lists(NAMES, min_size=len(units), max_size=len(units))))
    return Scenario(data, units, names)


# ---- helpers on results --------------------------------------------------------------------


def rows_by_unit(ranking: Ranking, unit_ids: Sequence[str]) -> dict[str, RankingRow]:
    return {row.unit: row for row in ranking.rows(unit_ids)}


def assert_nodes_match(scenario: Scenario, result: LevelResult) -> None:
    scores = result.scores
    for column, unit in enumerate(scenario.unit_ids):
        for code, node in scenario.reference[unit].items():
            row = scores.node_index[code]
            where = f"unit {unit}, node {code}"
            assert Fraction(int(scores.score[row, column]), 10_000) == node.score, where
            assert (
                Fraction(int(scores.applicable_max[row, column]), 10_000) == node.applicable_max
            ), where


def rank_of_key(keys: Sequence[Fraction], key: Fraction) -> int:
    return 1 + sum(1 for other in keys if other > key)


# ---- 1. node scores ------------------------------------------------------------------------


@SETTINGS
@given(scenarios())
def test_node_scores_and_applicable_max_match_reference(scenario: Scenario) -> None:
    """Leaves follow their rule, parents sum their children, not-applicable nodes are 0/0."""
    assert_nodes_match(scenario, scenario.evaluate())


# ---- 2. bounds -----------------------------------------------------------------------------


@SETTINGS
@given(scenarios())
def test_scores_lie_between_zero_and_applicable_max(scenario: Scenario) -> None:
    scores = scenario.evaluate().scores
    framework_full = {
        node["code"]: int(node_max(node) * 10_000) for node in walk(scenario.data["nodes"])
    }
    for code, row in scores.node_index.items():
        for column in range(len(scenario.units)):
            score, applicable = (
                int(scores.score[row, column]),
                int(scores.applicable_max[row, column]),
            )
            assert 0 <= score <= applicable <= framework_full[code], (code, column)
    assert (scores.total <= scores.total_applicable_max).all()


# ---- 3. displayed values -------------------------------------------------------------------


@SETTINGS
@given(scenarios())
def test_displayed_value_is_exact_value_rounded_half_up(scenario: Scenario) -> None:
    """Percent = total / applicable max x 100 (0 when nothing applies), points = total,
    each rounded half up once, exactly, to the policy's decimals; main-index rankings
    show the index's percent at the index decimals and leave out units it skips."""
    result = scenario.evaluate()
    rows = rows_by_unit(result.general, scenario.unit_ids)
    assert sorted(rows) == sorted(scenario.unit_ids)
    for unit, row in rows.items():
        expected = scenario.general[unit]
        assert row.value == expected.displayed, unit
        assert row.total == expected.total, unit
        assert row.applicable_max == expected.shown_max, unit
    for code, ranking in result.indices.items():
        index_rows = rows_by_unit(ranking, scenario.unit_ids)
        for unit, nodes in scenario.reference.items():
            if nodes[code].applicable_max == 0:
                assert unit not in index_rows, (code, unit)
            else:
                row = index_rows[unit]
                assert row.value == reference_index_key(nodes, code, scenario.data), (code, unit)
                assert row.percent is (reference_index_policy(scenario.data)[0] == "ratio")


# ---- 4. ranks ------------------------------------------------------------------------------


def assert_ranks_follow_keys(ranks: Sequence[int], keys: Sequence[Fraction], ties: str) -> None:
    """Rows in non-increasing key order; dense ranks 1..k without gaps, equal exactly when
    keys are equal; competition rank = 1 + the number of strictly better keys."""
    assert all(a >= b for a, b in itertools.pairwise(keys)), "rows out of key order"
    if ties == "dense":
        assert not ranks or ranks[0] == 1
        for (rank, key), (next_rank, next_key) in itertools.pairwise(zip(ranks, keys, strict=True)):
            assert next_rank == rank + (0 if next_key == key else 1), (rank, next_rank)
    else:
        assert list(ranks) == [1 + sum(other > key for other in keys) for key in keys]


@SETTINGS
@given(scenarios())
def test_ranks_follow_the_compared_key(scenario: Scenario) -> None:
    result = scenario.evaluate()
    rows = result.general.rows(scenario.unit_ids)
    assert_ranks_follow_keys(
        [row.rank for row in rows],
        [scenario.general[row.unit].key for row in rows],
        scenario.data["ranking"]["ties"],
    )
    ties = reference_index_policy(scenario.data)[2]
    for code, ranking in result.indices.items():
        index_rows = ranking.rows(scenario.unit_ids)
        keys = [
            Fraction(reference_index_key(scenario.reference[row.unit], code, scenario.data))
            for row in index_rows
        ]
        assert_ranks_follow_keys([row.rank for row in index_rows], keys, ties)


# ---- 5. permutation invariance -------------------------------------------------------------


def outcome(result: LevelResult, unit_ids: Sequence[str]) -> dict[str, tuple[object, ...]]:
    """Per unit: its general rank, total, value and class, and its rank in every index."""
    general = {
        r.unit: (r.rank, r.total, r.value, r.class_label) for r in result.general.rows(unit_ids)
    }
    indices = {
        code: {r.unit: r.rank for r in ranking.rows(unit_ids)}
        for code, ranking in result.indices.items()
    }
    return {
        unit: (*general[unit], tuple(indices[code].get(unit) for code in sorted(indices)))
        for unit in unit_ids
    }


@SETTINGS
@given(scenarios(), st.data())
def test_shuffling_units_changes_no_rank_total_or_class(
    scenario: Scenario, data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(scenario.units))), label="order")
    shuffled = replace(
        scenario,
        units=tuple(scenario.units[i] for i in order),
        names=tuple(scenario.names[i] for i in order),
    )
    original = outcome(scenario.evaluate(), scenario.unit_ids)
    assert outcome(shuffled.evaluate(), shuffled.unit_ids) == original


# ---- 6. classification ---------------------------------------------------------------------


@SETTINGS
@given(scenarios(classified=True))
def test_class_is_first_band_reached_by_rounded_measure(scenario: Scenario) -> None:
    for row in scenario.evaluate().general.rows(scenario.unit_ids):
        expected = scenario.general[row.unit]
        assert row.class_label == expected.label, (row.unit, expected.measure)


@SETTINGS
@given(scenarios(classified=True))
def test_class_never_falls_as_measure_rises(scenario: Scenario) -> None:
    bands = scenario.data["ranking"]["classification"]["bands"]
    position = {band["label"]: i for i, band in enumerate(bands)}  # 0 is the highest band
    seen: list[tuple[Decimal, int]] = []
    for row in scenario.evaluate().general.rows(scenario.unit_ids):
        measure = scenario.general[row.unit].measure
        assert measure is not None
        band = len(bands) if row.class_label is None else position[row.class_label]
        seen.append((measure, band))
    for measure, band in seen:
        for other_measure, other_band in seen:
            if measure > other_measure:
                assert band <= other_band, (measure, other_measure)


# ---- 7. adding a unit that scores nothing --------------------------------------------------


@SETTINGS
@given(scenarios(), ATTRIBUTES)
def test_adding_a_zero_unit_changes_no_class_and_lifts_no_rank(
    scenario: Scenario, attributes: dict[str, bool]
) -> None:
    before = rows_by_unit(scenario.evaluate().general, scenario.unit_ids)
    empty = UnitInput(unit="zero", attributes=attributes)
    larger = replace(scenario, units=(*scenario.units, empty), names=(*scenario.names, "Số không"))
    after = rows_by_unit(larger.evaluate().general, larger.unit_ids)
    for unit, row in before.items():
        assert after[unit].class_label == row.class_label, unit
        assert after[unit].rank >= row.rank, unit


# ---- 8. scores given at internal nodes -----------------------------------------------------


@SETTINGS
@given(scenarios(given_scores=True))
def test_given_scores_override_computed_sums_and_propagate(scenario: Scenario) -> None:
    """A published table's main-index (or component) scores replace the sum of the
    children's and add up into the ancestors and the total, as if the node were a leaf."""
    result = scenario.evaluate()
    assert_nodes_match(scenario, result)
    totals = [
        sum(scenario.reference[unit][root["code"]].score for root in scenario.data["nodes"])
        for unit in scenario.unit_ids
    ]
    assert [Fraction(int(t), 10_000) for t in result.scores.total] == totals
