"""Benchmark of a full recompute at national scale, against a numpy floor.

A synthetic level (by default 11 000 units x 100 leaf criteria, mixed scoring rules, about
10 % of criteria not applicable per unit, about 3 % of inputs missing) is scored with
`dti.results.evaluate`: every leaf rule from raw inputs, the tree, the total, the classes
and every ranking (general, each peer group, each main index). The floor does the same
sums and sorts with numpy alone, from already computed float leaf scores, in the same run.

    .venv/bin/python bench/bench_engine.py --out docs/performance.md

Exits 0 whether or not the targets are met (it is a measurement, not a test); a missed
target is written as MISSED. Exits 1 only when the engine's results fail the sanity checks.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import io
import os
import platform
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dti.columns import Column, LevelInputs
from dti.engine import LevelScores, compute
from dti.fixedpoint import SCALE
from dti.framework.loader import build_framework
from dti.framework.model import Framework, Node
from dti.results import LevelResult, evaluate

SEED = 20_231_968
TIME_TARGET_S = 1.0
FLOOR_RATIO_TARGET = 5.0
INDICES = 8
MISSING_RATE = 0.03
YES_RATE = 0.7
FORMULA_LEAVES = 2
RULE_CYCLE = ("yes_no", "choice", "ratio", "bands", "count", "entered")
LEAF_MAXIMA = (Decimal(10), Decimal(5), Decimal(20), Decimal("7.5"), Decimal(15))
FORMULA_INPUTS = ("done", "total")
FORMULA_EXPRESSION = "min(done / total, 1) * {max}"
# Unit attributes and the share of units for which they hold. Each main index has one
# component per attribute (about 20 % of its leaves each) that applies only when it holds,
# so on average 0.4 x 0.25 = 10 % of a unit's leaves do not apply.
ATTRIBUTES = {"has_online_public_services": 0.75, "uses_shared_platform": 0.75}
COMPONENTS = (("chung", None), *((f"dk{i}", name) for i, name in enumerate(ATTRIBUTES, 1)))
CONDITIONAL_SHARE = 0.2
GROUPS = (
    ("co_dvc", "Có dịch vụ công trực tuyến", "has_online_public_services"),
    ("khong_dvc", "Không có dịch vụ công trực tuyến", "not has_online_public_services"),
)
CLASS_BANDS = (("Tốt", 80), ("Khá", 65), ("Trung bình", 50), ("Yếu", 0))
UNIT_KINDS = ("Xã", "Phường", "Thị trấn")
PLACES = ("Phước Sơn", "Đập Đá", "Nhơn Hưng", "Bình Định", "Tây Sơn", "Ân Tường Đông", "Hoài Hảo")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
LeafRule = tuple[Decimal, dict[str, Any]]  # a leaf's max and rule


# ---- the synthetic framework ----------------------------------------------------------------


def component_sizes(leaves_in_index: int) -> list[int]:
    """Leaves per component of one main index: the always-applicable one first."""
    conditional = [max(1, round(CONDITIONAL_SHARE * leaves_in_index))] * len(ATTRIBUTES)
    return [leaves_in_index - sum(conditional), *conditional]


def leaf_kinds(leaves: int) -> list[str]:
    """The rule type of each leaf slot: two formulas, the rest cycling through RULE_CYCLE."""
    formula_slots = {leaves * (2 * k + 1) // (2 * FORMULA_LEAVES) for k in range(FORMULA_LEAVES)}
    kinds: list[str] = []
    for slot in range(leaves):
        kind = "formula" if slot in formula_slots else RULE_CYCLE[len(kinds) % len(RULE_CYCLE)]
        kinds.append(kind)
    return kinds


def rule_dict(kind: str, maximum: Decimal, formulas: bool) -> dict[str, Any]:
    """A leaf rule in the YAML format; without `formulas`, formula leaves become entered."""
    if kind == "choice":
        points = (Decimal(0), maximum / 2, maximum)
        options = [{"value": f"muc_{i}", "points": p} for i, p in enumerate(points)]
        return {"type": "choice", "options": options}
    if kind == "ratio":
        return {"type": "ratio", "target": Decimal(100)}
    if kind == "bands":
        steps = ((90, Decimal(1)), (70, Decimal("0.7")), (50, Decimal("0.4")))
        return {
            "type": "bands",
            "bands": [{"min": Decimal(m), "points": maximum * f} for m, f in steps],
        }
    if kind == "count":
        return {"type": "count", "points_each": maximum / 4}
    if kind == "formula" and formulas:
        expression = FORMULA_EXPRESSION.format(max=maximum)
        return {"type": "formula", "inputs": list(FORMULA_INPUTS), "expression": expression}
    if kind == "formula":
        return {"type": "entered"}
    return {"type": kind}


def framework_dict(leaves: int, formulas: bool = True) -> dict[str, Any]:
    """The framework as the YAML format's `framework` mapping."""
    if leaves < 3 * INDICES:
        raise ValueError(f"at least {3 * INDICES} leaves are needed, not {leaves}")
    maxima = [LEAF_MAXIMA[slot % len(LEAF_MAXIMA)] for slot in range(leaves)]
    kinds = leaf_kinds(leaves)
    rules = iter([(m, rule_dict(k, m, formulas)) for k, m in zip(kinds, maxima, strict=True)])
    sizes = [leaves // INDICES + (i < leaves % INDICES) for i in range(INDICES)]
    nodes = [index_dict(f"idx{i}", size, rules) for i, size in enumerate(sizes, 1)]
    return {
        "code": "bench-national",
        "name": "Bộ chỉ số tổng hợp (benchmark)",
        "score_decimals": 2,
        "nodes": nodes,
        "ranking": ranking_dict(),
        "groups": [{"code": code, "name": name, "when": when} for code, name, when in GROUPS],
        "index_rankings": {"decimals": 1},
    }


def index_dict(code: str, leaves: int, rules: Iterator[LeafRule]) -> dict[str, Any]:
    """A main index: one always-applicable component, then one per attribute."""
    components = [
        component_dict(f"{code}_{suffix}", attribute, count, rules)
        for (suffix, attribute), count in zip(COMPONENTS, component_sizes(leaves), strict=True)
    ]
    return {"code": code, "name": f"Chỉ số chính {code}", "children": components}


def component_dict(
    code: str, attribute: str | None, leaves: int, rules: Iterator[LeafRule]
) -> dict[str, Any]:
    children = [leaf_dict(f"{code}_{k:02d}", *next(rules)) for k in range(1, leaves + 1)]
    component = {"code": code, "name": f"Thành phần {code}", "children": children}
    if attribute is not None:
        component["applies_when"] = attribute
    return component


def leaf_dict(code: str, maximum: Decimal, rule: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "name": f"Tiêu chí {code}", "max": maximum, "rule": rule}


def ranking_dict() -> dict[str, Any]:
    bands = [{"label": label, "min": Decimal(low)} for label, low in CLASS_BANDS]
    return {
        "comparability": "ratio_to_applicable_max",
        "decimals": 1,
        "ties": "dense",
        "classification": {"basis": "value", "decimals": 1, "bands": bands},
    }


# ---- the synthetic inputs -------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A framework, its columnar inputs and unit names; `plain_*` is the same level with the
    formula leaves turned into entered ones (to measure what the formulas cost)."""

    framework: Framework
    inputs: LevelInputs
    names: tuple[str, ...]
    attributes: dict[str, BoolArray]
    plain_framework: Framework
    plain_inputs: LevelInputs


def unit_attributes(units: int, rng: np.random.Generator) -> dict[str, BoolArray]:
    return {name: rng.random(units) < rate for name, rate in ATTRIBUTES.items()}


def unit_names(units: int) -> tuple[str, ...]:
    return tuple(
        f"{UNIT_KINDS[i % len(UNIT_KINDS)]} {PLACES[i % len(PLACES)]} {i + 1}" for i in range(units)
    )


def applies(framework: Framework, leaf: Node, attributes: dict[str, BoolArray]) -> BoolArray:
    """Where a leaf applies: every ancestor's condition (a single attribute here) holds."""
    units = len(next(iter(attributes.values())))
    mask = np.ones(units, dtype=bool)
    node: Node | None = leaf
    while node is not None:
        if node.applies_when is not None:
            mask &= attributes[node.applies_when.source]
        node = framework.parent_of.get(node.code)
    return mask


def value_range(leaf: Node) -> tuple[int, int]:
    """How many distinct raw values a leaf takes, and the step between them (scaled)."""
    kind, hundredth = leaf.rule.type, SCALE // 100
    if kind == "choice":  # option numbers
        return 3, 1
    if kind == "ratio":  # 0-120 %, two decimals
        return 12_001, hundredth
    if kind == "bands":  # 0-100 %, two decimals
        return 10_001, hundredth
    if kind == "count":  # whole events
        return 9, SCALE
    return int(leaf.max * 100) + 1, hundredth  # entered: the score, two decimals, <= max


def raw_values(leaf: Node, units: int, rng: np.random.Generator) -> IntArray:
    """Column values as the engine reads them (scaled numbers, 0/1 or option numbers)."""
    if leaf.rule.type == "yes_no":
        return (rng.random(units) < YES_RATE).astype(np.int64)
    count, step = value_range(leaf)
    values: IntArray = rng.integers(0, count, units, dtype=np.int64) * step
    return values


def formula_columns(leaf: Node, present: BoolArray, rng: np.random.Generator) -> dict[str, Column]:
    """Formula inputs as scaled columns: `done` out of `total`."""
    total = rng.integers(1, 500, len(present))
    done = rng.integers(0, total + 1)
    return {
        f"{leaf.code}.total": Column(total.astype(np.int64) * SCALE, present),
        f"{leaf.code}.done": Column(done.astype(np.int64) * SCALE, present),
    }


def level_inputs(
    framework: Framework, attributes: dict[str, BoolArray], rng: np.random.Generator
) -> LevelInputs:
    """Columnar inputs: not-applicable leaves and ~3 % of the others are left unanswered."""
    units = len(next(iter(attributes.values())))
    values: dict[str, Column] = {}
    for leaf in framework.leaves:
        present = applies(framework, leaf, attributes) & (rng.random(units) >= MISSING_RATE)
        if leaf.rule.type == "formula":
            values.update(formula_columns(leaf, present, rng))
        else:
            values[leaf.code] = Column(raw_values(leaf, units, rng), present)
    per_unit = tuple(
        {name: bool(flags[u]) for name, flags in attributes.items()} for u in range(units)
    )
    ids = tuple(f"u{u:05d}" for u in range(units))
    return LevelInputs(ids, per_unit, values=values)


def make_case(units: int, leaves: int, seed: int = SEED) -> Case:
    rng = np.random.default_rng(seed)
    framework = build_framework(framework_dict(leaves), file="<bench>", path="framework")
    plain = build_framework(framework_dict(leaves, False), file="<bench>", path="framework")
    attributes = unit_attributes(units, rng)
    inputs = level_inputs(framework, attributes, rng)
    entered = {
        leaf.code: Column(raw_values(leaf, units, rng), applies(plain, leaf, attributes))
        for leaf in plain.leaves
        if framework.by_code[leaf.code].rule.type == "formula"
    }
    plain_values = {code: c for code, c in inputs.values.items() if "." not in code}
    plain_inputs = dataclasses.replace(inputs, values={**plain_values, **entered})
    return Case(framework, inputs, unit_names(units), attributes, plain, plain_inputs)


# ---- the numpy floor ------------------------------------------------------------------------


@dataclass(frozen=True)
class FloorInputs:
    scores: FloatArray  # units x leaves, already computed, not applicable zeroed
    maxima: FloatArray  # units x leaves, applicable maxima
    index_starts: IntArray  # first leaf column of each main index (leaves are in tree order)
    groups: tuple[IntArray, ...]  # member positions of each peer group


@dataclass(frozen=True)
class FloorResult:
    total: FloatArray
    general: IntArray
    groups: tuple[IntArray, ...]
    indices: tuple[IntArray, ...]


def floor_inputs(case: Case, scores: LevelScores) -> FloorInputs:
    leaves = case.framework.leaves
    rows = [scores.node_index[leaf.code] for leaf in leaves]

    def to_float(matrix: IntArray) -> FloatArray:
        columns: FloatArray = np.ascontiguousarray(matrix[rows].T, dtype=np.float64) / SCALE
        return columns

    online = case.attributes["has_online_public_services"]
    groups = (np.flatnonzero(online), np.flatnonzero(~online))
    starts = index_starts(case.framework)
    return FloorInputs(to_float(scores.score), to_float(scores.applicable_max), starts, groups)


def index_starts(framework: Framework) -> IntArray:
    """Where each main index's leaves start among framework.leaves (tree order, contiguous)."""
    position = {leaf.code: column for column, leaf in enumerate(framework.leaves)}
    spans = [
        [position[node.code] for node in index.walk() if node.is_leaf]
        for index in framework.main_indices
    ]
    assert all(span == list(range(span[0], span[0] + len(span))) for span in spans)
    return np.array([span[0] for span in spans], dtype=np.int64)


def run_floor(floor: FloorInputs) -> FloorResult:
    """The same sums and sorts as the engine, without rules, exactness or tie logic.

    Sums use np.add.reduceat rather than a matrix product: no BLAS threads, whose spinning
    on a small machine makes the floor slow and noisy."""
    index_scores = np.add.reduceat(floor.scores, floor.index_starts, axis=1)
    index_maxima = np.add.reduceat(floor.maxima, floor.index_starts, axis=1)
    total = index_scores.sum(axis=1)
    ratio = total / np.maximum(index_maxima.sum(axis=1), 1e-9)
    groups = tuple(members[np.argsort(-ratio[members])] for members in floor.groups)
    index_ratio = index_scores / np.where(index_maxima > 0, index_maxima, 1.0)
    indices = tuple(np.argsort(-index_ratio[:, k]) for k in range(index_ratio.shape[1]))
    return FloorResult(total, np.argsort(-ratio), groups, indices)


# ---- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)


def measure(run: Callable[[], object], runs: int) -> Timing:
    """Warm up once, then time `runs` calls with perf_counter."""
    run()
    samples = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return Timing(tuple(samples))


def traced_peak(run: Callable[[], object]) -> int:
    """Peak bytes allocated (numpy included) during one call, inputs excluded."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def max_rss() -> int:
    """The process's peak resident set in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def profile_text(run: Callable[[], object], limit: int = 20) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(limit)
    return out.getvalue()


# ---- sanity ---------------------------------------------------------------------------------


def check_result(case: Case, result: LevelResult, floor: FloorResult | None = None) -> list[str]:
    """What is wrong with the engine's result, if anything (empty when sane)."""
    units = case.inputs.size
    failures = []
    general = result.general
    if len(general.units) != units or set(general.units.tolist()) != set(range(units)):
        failures.append(f"general ranking has {len(general.units)} rows for {units} units")
    online = case.attributes["has_online_public_services"]
    expected = {"co_dvc": set(np.flatnonzero(online)), "khong_dvc": set(np.flatnonzero(~online))}
    for code, members in expected.items():
        if set(result.groups[code].units.tolist()) != members:
            failures.append(f"group ranking {code} does not cover exactly its members")
    for key, ranking in [("general", general), *result.groups.items(), *result.indices.items()]:
        ranks = ranking.rank
        if len(ranks) and (ranks[0] != 1 or np.any(np.diff(ranks) < 0)):
            failures.append(f"ranking {key}: ranks do not start at 1 and rise")
    if any(label is None for label in general.classes):
        failures.append("some units have no class")
    if floor is not None and not np.allclose(floor.total, result.scores.total / SCALE):
        failures.append("engine totals differ from the floor's sums")
    return failures


def not_applicable_share(case: Case, scores: LevelScores) -> float:
    rows = [scores.node_index[leaf.code] for leaf in case.framework.leaves]
    return float(np.mean(scores.applicable_max[rows] == 0))


# ---- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    units: int
    leaves: int
    runs: int
    engine: Timing
    floor: Timing
    scores_only: Timing  # dti.engine.compute: rules and tree, no rankings
    without_formulas: Timing  # compute with the formula leaves entered instead
    traced_peak: int
    max_rss: int
    not_applicable: float
    problems: int
    problem_example: str
    failures: tuple[str, ...]
    machine: dict[str, str]
    date: str

    @property
    def ratio(self) -> float:
        return self.engine.median / self.floor.median

    @property
    def time_met(self) -> bool:
        return self.engine.median <= TIME_TARGET_S

    @property
    def ratio_met(self) -> bool:
        return self.ratio <= FLOOR_RATIO_TARGET


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or "unknown"
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return models[0] if models else platform.processor() or "unknown"


def machine() -> dict[str, str]:
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "CPU": cpu_model(),
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "numpy": np.__version__,
        "load average (1 min) at start": f"{os.getloadavg()[0]:.2f}",
    }


def machine_table() -> list[str]:
    """The report's section on the machine, as Markdown lines."""
    rows = [f"| {key} | {value} |" for key, value in machine().items()]
    return ["## Machine", "", "| | |", "|---|---|", *rows, ""]


def status(met: bool) -> str:
    return "met" if met else "**MISSED**"


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def results_table(report: Report) -> list[str]:
    def row(label: str, timing: Timing) -> str:
        return f"| {label} | {timing.median:.4f} | {timing.min:.4f} | {len(timing.samples)} |"

    return [
        "| | median (s) | min (s) | runs |",
        "|---|---:|---:|---:|",
        row("engine: full recompute (`dti.results.evaluate`)", report.engine),
        row("numpy floor (same sums and sorts)", report.floor),
    ]


def breakdown_table(report: Report) -> list[str]:
    engine, scores = report.engine.median, report.scores_only.median
    formulas = max(scores - report.without_formulas.median, 0.0)
    parts = [
        ("scores: leaf rules and tree (`dti.engine.compute`)", scores),
        (f"… of which the {FORMULA_LEAVES} formula leaves (exact fractions, by column)", formulas),
        ("rankings, classes (evaluate − compute)", engine - scores),
    ]
    lines = ["| part | median (s) | share of engine |", "|---|---:|---:|"]
    return lines + [f"| {label} | {t:.3f} | {t / engine:.0%} |" for label, t in parts]


def targets_table(report: Report) -> list[str]:
    return [
        "| target | measured | status |",
        "|---|---:|---|",
        f"| engine median ≤ {TIME_TARGET_S:g} s | {report.engine.median:.3f} s"
        f" | {status(report.time_met)} |",
        f"| engine ≤ {FLOOR_RATIO_TARGET:g}× floor (median / median) | {report.ratio:.1f}×"
        f" | {status(report.ratio_met)} |",
    ]


def verdict(report: Report) -> str:
    time_part = f"{report.engine.median:.3f} s (≤ {TIME_TARGET_S:g} s {status(report.time_met)})"
    ratio_part = (
        f"{report.ratio:.1f}× the floor (≤ {FLOOR_RATIO_TARGET:g}× {status(report.ratio_met)})"
    )
    return f"full recompute in {time_part}, {ratio_part}."


def problems_note(report: Report) -> str:
    if not report.problems:
        return ""
    return (
        " (the inputs are valid by construction, so these are false positives;"
        f" e.g. `{report.problem_example}`)"
    )


def markdown(report: Report) -> str:
    machine_rows = [f"| {key} | {value} |" for key, value in report.machine.items()]
    sanity = "all passed" if not report.failures else "FAILED: " + "; ".join(report.failures)
    lines = [
        "# Engine performance",
        "",
        f"Measured {report.date} by `make bench` (`bench/bench_engine.py`).",
        "",
        f"**Verdict:** {verdict(report)}",
        "",
        "## What is measured",
        "",
        f"A full recompute of a synthetic level of {report.units:,} units × {report.leaves} leaf"
        f" criteria in {INDICES} main indices: `dti.results.evaluate` evaluates every leaf rule"
        " from raw columnar inputs (`LevelInputs`; yes/no, choice, ratio, bands, count and"
        f" entered leaves in turn, plus {FORMULA_LEAVES} formula leaves), sums the tree, the"
        " total and its applicable max, classifies every unit and builds every ranking: the"
        " general one, each of the 2 peer groups (with / without online public services) and"
        f" each of the {INDICES} main indices. {report.not_applicable:.1%} of the unit × leaf"
        f" cells are not applicable; {MISSING_RATE:.0%} of the applicable inputs are missing."
        f" Inputs come from a fixed numpy seed ({SEED}) and are built before timing.",
        "",
        "The floor does the same sums and sorts with numpy alone, in the same process: from"
        " float64 matrices of leaf scores and applicable maxima (units × leaves, already"
        " computed, not applicable zeroed) it sums leaves into main indices (`np.add.reduceat`)"
        " and the total, divides by the applicable max and argsorts the general ranking,"
        " each peer group and each main index. No rule evaluation, exact arithmetic or tie"
        " handling: it is the lower bound of the work.",
        "",
        "Each timing is warmed up once, then run N times with `time.perf_counter`. Peak memory"
        " is the `tracemalloc` peak of one engine run (numpy allocations included, inputs"
        " excluded) and the process's peak RSS (`ru_maxrss`) at the end of the benchmark.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *machine_rows,
        "",
        "## Results",
        "",
        *results_table(report),
        "",
        f"- Ratio engine / floor (medians): **{report.ratio:.1f}×**",
        f"- Peak memory of one engine run (tracemalloc): {mib(report.traced_peak)}",
        f"- Peak RSS of the benchmark process: {mib(report.max_rss)}",
        f"- Input problems reported by the engine: {report.problems:,}{problems_note(report)}",
        f"- Sanity checks of the results: {sanity}",
        "",
        "## Targets",
        "",
        *targets_table(report),
        "",
        "## Where the engine's time goes",
        "",
        *breakdown_table(report),
        "",
        "Reproduce: `make bench`, or `.venv/bin/python bench/bench_engine.py --profile` for a"
        " cProfile listing of one engine run.",
        "",
        "The public portal under 32 concurrent clients (ranking, unit and landing pages, the"
        " ranking CSV, at 3,300 units): [performance-public.md](performance-public.md), by"
        " `bench/bench_public.py`. Saving 80 answers, adding and finalizing 3,300 communes:"
        " [performance-writes.md](performance-writes.md), by `bench/bench_writes.py`."
        " Deadline day, 500 saves at once per province through the server:"
        " [performance-saves.md](performance-saves.md) (SQLite) and"
        " [performance-saves-postgresql.md](performance-saves-postgresql.md), by"
        " `bench/bench_saves.py`. A sign-in while 3,300 communes are finalized:"
        " [performance-login.md](performance-login.md) (SQLite) and"
        " [performance-login-postgresql.md](performance-login-postgresql.md), by"
        " `bench/bench_login.py`. How sure a rank is, 1,000 draws at 3,300 units:"
        " [performance-robustness.md](performance-robustness.md), by"
        " `bench/bench_robustness.py`.",
        "",
    ]
    return "\n".join(lines)


def summary(report: Report) -> str:
    lines = [
        f"{report.units} units x {report.leaves} leaves, {report.runs} runs",
        f"engine  median {report.engine.median:.3f} s  min {report.engine.min:.3f} s",
        f"floor   median {report.floor.median:.4f} s  min {report.floor.min:.4f} s",
        f"ratio   {report.ratio:.1f}x floor",
        f"memory  tracemalloc peak {mib(report.traced_peak)}, max RSS {mib(report.max_rss)}",
        f"target  <= {TIME_TARGET_S:g} s: {'met' if report.time_met else 'MISSED'}",
        f"target  <= {FLOOR_RATIO_TARGET:g}x floor: {'met' if report.ratio_met else 'MISSED'}",
        f"input problems {report.problems} (expected 0: the inputs are valid); sanity "
        + ("ok" if not report.failures else "FAILED: " + "; ".join(report.failures)),
    ]
    return "\n".join(lines)


# ---- command line ---------------------------------------------------------------------------


def run_benchmark(units: int, leaves: int, runs: int) -> Report:
    case = make_case(units, leaves)

    def engine_run() -> LevelResult:
        return evaluate(case.framework, case.inputs, case.names)

    result = engine_run()
    floor = floor_inputs(case, result.scores)
    engine = measure(engine_run, runs)
    floor_timing = measure(lambda: run_floor(floor), runs)
    scores_only = measure(lambda: compute(case.framework, case.inputs), runs)
    without_formulas = measure(lambda: compute(case.plain_framework, case.plain_inputs), runs)
    peak = traced_peak(engine_run)
    return Report(
        units=units,
        leaves=leaves,
        runs=runs,
        engine=engine,
        floor=floor_timing,
        scores_only=scores_only,
        without_formulas=without_formulas,
        traced_peak=peak,
        max_rss=max_rss(),
        not_applicable=not_applicable_share(case, result.scores),
        problems=len(result.scores.problems),
        problem_example=str(result.scores.problems[0]) if result.scores.problems else "",
        failures=tuple(check_result(case, result, run_floor(floor))),
        machine=machine(),
        date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=positive, default=11_000)
    parser.add_argument("--leaves", type=positive, default=100, help=f">= {3 * INDICES}")
    parser.add_argument("--runs", type=positive, default=7)
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run")
    args = parser.parse_args(argv)
    if args.leaves < 3 * INDICES:
        parser.error(f"--leaves must be at least {3 * INDICES}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = run_benchmark(args.units, args.leaves, args.runs)
    print(summary(report))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(report), encoding="utf-8")
        print(f"written to {args.out}")
    if args.profile:
        case = make_case(args.units, args.leaves)
        print(profile_text(lambda: evaluate(case.framework, case.inputs, case.names)))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
