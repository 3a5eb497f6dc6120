"""What it would take (dti.planner): the cheapest cover against brute force on random
options, and plans on the seeds' published tables checked by evaluating the level again
with the planned scores, against every smaller set of criteria."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dti.fixedpoint import from_scaled, points_vi
from dti.framework.loader import build_framework
from dti.framework.model import Comparability
from dti.inputs import UnitInput, build_inputs
from dti.planner import Goal, Option, Target, cheapest, options_for, plan_for
from dti.results import LevelResult, evaluate
from tests.core.reports import campaign, results
from tests.core.seeds import BINHDINH, BINHPHUOC
from tests.core.test_properties import SETTINGS, scenarios

# ---- the cheapest cover against brute force -----------------------------------------------------


@st.composite
def covers(draw: st.DrawFn) -> tuple[list[Option], int]:
    size = draw(st.integers(0, 8))
    options = []
    for i in range(size):
        gain = draw(st.integers(1, 30))
        options.append(
            Option(
                code=f"c{i}",
                name=f"Tiêu chí {i}",
                score=0,
                maximum=gain,
                steps=(gain,),
                continuous=draw(st.booleans()),
                cost=draw(st.integers(1, 4)),
                achievable=draw(st.booleans()),
            )
        )
    return options, draw(st.integers(1, 120))


def brute_force(options: list[Option], needed: int) -> tuple[int, int] | None:
    """The least (cost, count) of a subset reaching `needed`, achievable ones first."""
    for pool in ([o for o in options if o.achievable], options):
        found = [
            (sum(o.cost for o in subset), len(subset))
            for size in range(len(pool) + 1)
            for subset in itertools.combinations(pool, size)
            if sum(o.gain for o in subset) >= needed
        ]
        if found:
            return min(found)
    return None


@pytest.mark.slow
@SETTINGS
@given(covers())
def test_the_cover_is_the_cheapest_then_the_smallest_and_reaches_the_need(case):
    options, needed = case
    plan = cheapest(options, needed)
    expected = brute_force(options, needed)
    if expected is None:
        assert plan is None
        return
    assert plan is not None
    assert (plan.cost, len(plan.steps)) == expected
    assert plan.gain >= needed
    assert plan.achievable_only == all(s.option.achievable for s in plan.steps)


def test_a_chosen_criterion_is_raised_only_as_far_as_needed():
    ratio = Option("ty_le", "Tỷ lệ hồ sơ số hoá", 0, 100_000, (100_000,), True)
    levels = Option("muc", "Mức độ", 0, 50_000, (20_000, 35_000, 50_000), False)
    plan = cheapest([ratio, levels], 120_000, grid=100)
    assert plan is not None
    # the levels are cut first (the lowest that suffices), then the ratio by what remains
    assert {s.option.code: s.to for s in plan.steps} == {"ty_le": 100_000, "muc": 20_000}
    plan = cheapest([ratio, levels], 112_345, grid=100)
    assert plan is not None
    assert {s.option.code: s.to for s in plan.steps} == {"ty_le": 92_400, "muc": 20_000}


def test_a_criterion_not_achievable_in_a_year_is_used_only_when_nothing_else_reaches():
    easy = Option("de", "Dễ", 0, 10, (10,), True, cost=3)
    hard = Option("kho", "Khó", 0, 10, (10,), True, cost=1, achievable=False)
    plan = cheapest([easy, hard], 10)
    assert plan is not None and [s.option.code for s in plan.steps] == ["de"]
    assert plan.achievable_only
    plan = cheapest([easy, hard], 15)
    assert plan is not None and not plan.achievable_only and plan.cost == 4


# ---- plans on the seeds, checked by evaluating again ---------------------------------------------


def evaluate_with(path, level: str, result: LevelResult, raised: dict[str, int], unit: int):
    """The level evaluated again from its index scores, with `unit`'s raised ones."""
    units = {u.id: u for u in campaign(path).level(level).units}
    framework = result.framework
    inputs = []
    for position, unit_id in enumerate(result.scores.unit_ids):
        scores = {
            index.code: result.scores.node_score(index.code, position)
            for index in framework.main_indices
        }
        if position == unit:
            scores.update({code: from_scaled(value) for code, value in raised.items()})
        inputs.append(UnitInput(unit_id, units[unit_id].attributes, scores=scores))
    return evaluate(framework, build_inputs(framework, inputs), result.names)


def standing(result: LevelResult, unit: int) -> tuple[int, str | None]:
    ranking = result.general
    position = [int(u) for u in ranking.units].index(unit)
    return int(ranking.rank[position]), ranking.classes[position]


CASES = [
    (path, level, position, target)
    for path, level in [
        (BINHDINH, "so"),
        (BINHDINH, "huyen"),
        (BINHPHUOC, "so"),
        (BINHPHUOC, "huyen"),
    ]
    for position in (2, 5, 8)
    for target in (Target(Goal.RANKS, 2), Target(Goal.NEXT_CLASS))
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "level", "position", "target"), CASES)
def test_a_plan_reaches_its_target_and_no_smaller_set_of_indices_does(
    path, level, position, target
):
    result = results(path)[level]
    if target.goal is Goal.NEXT_CLASS and result.general.policy.classification is None:
        return  # Bình Định does not classify
    unit = int(result.general.units[position])
    outcome = plan_for(result.scores, result.general, unit, target)
    assert standing(evaluate_with(path, level, result, {}, unit), unit) == (
        outcome.rank,
        outcome.class_label,
    )
    if outcome.plan is None:
        assert outcome.needed is None or outcome.needed == 0
        return

    def reaches(raised: dict[str, int]) -> bool:
        rank, label = standing(evaluate_with(path, level, result, raised, unit), unit)
        if target.goal is Goal.RANKS:
            return rank <= outcome.target_rank
        labels = [b.label for b in result.general.policy.classification.bands]
        return label in labels[: labels.index(outcome.target_class) + 1]

    assert reaches({step.option.code: step.to for step in outcome.plan.steps})
    options = options_for(result.scores, unit)
    for size in range(len(outcome.plan.steps)):
        for subset in itertools.combinations(options, size):
            assert not reaches({o.code: o.maximum for o in subset}), [o.code for o in subset]
    # one point less than needed, wherever it goes, does not reach the target
    short = outcome.needed - 1
    spread = {}
    for option in options:
        spread[option.code] = option.score + min(option.gain, short)
        short -= min(option.gain, short)
    assert not reaches(spread)


# ---- refusals and options --------------------------------------------------------------------------


def test_what_cannot_be_planned_is_refused_in_plain_words():
    result = results(BINHDINH)["so"]
    unit = int(result.general.units[3])
    with pytest.raises(ValueError, match="xếp hạng chung"):
        plan_for(result.scores, result.ranking("nhan_thuc_so"), unit, Target(Goal.RANKS))
    with pytest.raises(ValueError, match="không xếp loại"):
        plan_for(result.scores, result.general, unit, Target(Goal.NEXT_CLASS))
    with pytest.raises(ValueError, match="từ 1 trở lên"):
        plan_for(result.scores, result.general, unit, Target(Goal.RANKS, 0))
    with pytest.raises(ValueError, match="chi phí của nhan_thuc_so"):
        options_for(result.scores, unit, costs={"nhan_thuc_so": 0})


def test_the_first_unit_has_nothing_to_gain():
    result = results(BINHDINH)["so"]
    outcome = plan_for(
        result.scores, result.general, int(result.general.units[0]), Target(Goal.RANKS, 3)
    )
    assert outcome.rank == 1 and outcome.plan is None


LEAVES = {
    "code": "thu",
    "name": "Thử",
    "ranking": {"comparability": "plain_total", "decimals": 2},
    "nodes": [
        {
            "code": "a",
            "name": "Chỉ số A",
            "kind": "main_index",
            "max": 30,
            "children": [
                {"code": "co", "name": "Có kế hoạch", "max": 10, "rule": {"type": "yes_no"}},
                {
                    "code": "muc",
                    "name": "Mức độ",
                    "max": 15,
                    "rule": {
                        "type": "choice",
                        "options": [
                            {"value": "thap", "label": "Thấp", "points": 5},
                            {"value": "vua", "label": "Vừa", "points": 10},
                            {"value": "cao", "label": "Cao", "points": 15},
                        ],
                    },
                },
                {
                    "code": "ty_le",
                    "name": "Tỷ lệ",
                    "max": 5,
                    "rule": {"type": "ratio", "target": 100},
                },
            ],
        }
    ],
}


def test_options_follow_each_criterion_s_rule():
    framework = build_framework(LEAVES, file="<test>", path="framework")
    inputs = [UnitInput("u", values={"co": False, "muc": "thap", "ty_le": Decimal(40)})]
    scores = evaluate(framework, build_inputs(framework, inputs), ["Đơn vị"]).scores
    options = {o.code: o for o in options_for(scores, 0)}
    assert (options["co"].steps, options["co"].continuous) == ((100_000,), False)
    assert (options["muc"].steps, options["muc"].continuous) == ((100_000, 150_000), False)
    assert options["ty_le"].continuous and options["ty_le"].gain == 30_000
    assert points_vi(options["ty_le"].gain) == "3"
    assert points_vi(12_345) == "1,2345"


def test_the_framework_s_costs_and_achievability_steer_the_plan():
    data = {
        "code": "thu",
        "name": "Thử",
        "ranking": {"comparability": "plain_total", "decimals": 2},
        "nodes": [
            {"code": "re", "name": "Rẻ nhưng khó", "max": 10, "cost": 1, "achievable": False,
             "rule": {"type": "entered"}},
            {"code": "dat", "name": "Đắt", "max": 10, "cost": 5, "rule": {"type": "entered"}},
            {"code": "vua", "name": "Vừa", "max": 10, "cost": 2, "rule": {"type": "entered"}},
        ],
    }  # fmt: skip
    framework = build_framework(data, file="<test>", path="framework")
    inputs = [
        UnitInput("a", values={"re": Decimal(0), "dat": Decimal(0), "vua": Decimal(0)}),
        UnitInput("b", values={"re": Decimal(3), "dat": Decimal(3), "vua": Decimal(3)}),
    ]
    result = evaluate(framework, build_inputs(framework, inputs), ["A", "B"])
    outcome = plan_for(result.scores, result.general, 0, Target(Goal.RANKS, 1))
    assert outcome.plan is not None
    assert [s.option.code for s in outcome.plan.steps] == ["vua"]  # 9 points needed: cost 2
    assert outcome.plan.achievable_only
    options = {o.code: o for o in options_for(result.scores, 0)}
    assert (options["re"].cost, options["re"].achievable) == (1, False)
    assert options_for(result.scores, 0, costs={"vua": 7})[2].cost == 7


# ---- generated frameworks, against brute force --------------------------------------------------


def standing_in(result: LevelResult, unit: int) -> tuple[int, str | None]:
    ranking = result.general
    place = [int(u) for u in ranking.units].index(unit)
    return int(ranking.rank[place]), ranking.classes[place]


def reached(result: LevelResult, unit: int, outcome, target: Target) -> bool:  # type: ignore[no-untyped-def]
    rank, label = standing_in(result, unit)
    if target.goal is Goal.RANKS:
        return rank <= outcome.target_rank
    labels = [band.label for band in result.general.policy.classification.bands]
    return label in labels[: labels.index(outcome.target_class) + 1]


@pytest.mark.slow
@SETTINGS
@given(
    scenarios(classified=True), st.sampled_from([Target(Goal.RANKS, 1), Target(Goal.NEXT_CLASS)])
)
def test_on_generated_frameworks_the_plan_reaches_its_target_and_nothing_smaller_does(
    scenario, target
):
    """Every criterion costs 1 here: the cheapest plan is the one with fewest criteria. Each
    set of criteria is tried by evaluating the level again with them at their max."""
    result = scenario.evaluate()
    policy = result.general.policy
    assume(policy.comparability is not Comparability.NATIONAL_WEIGHTED)
    assume(not result.scores.problems)
    assume(target.goal is Goal.RANKS or policy.classification is not None)
    unit = int(result.general.units[-1])  # the last: room to move up
    outcome = plan_for(result.scores, result.general, unit, target)
    excluded = frozenset()
    if policy.block is not None and policy.subtract_block_score:
        excluded = frozenset(n.code for n in result.framework.by_code[policy.block].walk())
    options = options_for(result.scores, unit, excluded=excluded)
    assume(len(options) <= 6)

    def evaluate_with(raised: dict[str, int]) -> LevelResult:
        units = list(scenario.units)
        mine = units[unit]
        given = {**mine.scores, **{code: from_scaled(v) for code, v in raised.items()}}
        units[unit] = UnitInput(mine.unit, mine.attributes, mine.values, given, mine.adjustments)
        framework = result.framework
        return evaluate(framework, build_inputs(framework, units), scenario.names)

    def works(subset) -> bool:  # type: ignore[no-untyped-def]
        return reached(evaluate_with({o.code: o.maximum for o in subset}), unit, outcome, target)

    if outcome.plan is None:
        if outcome.needed is not None or outcome.target_rank == outcome.rank:
            return
        if target.goal is Goal.NEXT_CLASS and outcome.target_class is None:
            return
        assert not works(options)  # not even every criterion at its max reaches it
        return
    raised = {step.option.code: step.to for step in outcome.plan.steps}
    assert reached(evaluate_with(raised), unit, outcome, target)
    for size in range(len(outcome.plan.steps)):
        for subset in itertools.combinations(options, size):
            assert not works(subset), [o.code for o in subset]
