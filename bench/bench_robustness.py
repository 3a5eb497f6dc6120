"""Benchmark of rank robustness at national scale, against a numpy floor.

The engine benchmark's synthetic level (bench_engine.make_case: 3,300 units, 8 main indices,
47 criteria) is evaluated once; then `dti.robustness.rank_spread` draws 1,000 sets of
main-index weights (±10 %), without and with an appraisal spread of 1 point on every
criterion, ranks every draw under the level's policy (one-decimal percents, dense ties)
and takes each unit's median and 5th-95th percentile rank. The floor does the same draws,
sums, rounding, sorts and percentiles with bare numpy in the same run, without the policy's
exact rounding at boundaries or any check.

    .venv/bin/python bench/bench_robustness.py --out docs/performance-robustness.md

Exits 0 whether or not the targets are met (a measurement, not a test); exits 1 only when
the draws without spread do not give the published ranks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))  # this checkout's code, before bench_engine imports dti

from bench_engine import Timing, machine_table, make_case, measure, status  # noqa: E402
from dti.results import LevelResult, evaluate  # noqa: E402
from dti.robustness import Uncertainty, rank_spread  # noqa: E402
from dti.weighting import parts_of  # noqa: E402

TIME_TARGET_S = 2.0
FLOOR_RATIO_TARGET = 5.0
UNITS = 3_300
LEAVES = 47
DRAWS = 1_000
WEIGHT_SPREAD = Decimal("0.1")
CRITERION_SPREAD = Decimal(1)

FloatArray = npt.NDArray[np.float64]


def floor(result: LevelResult, spread: bool, draws: int) -> object:
    """The same draws, sums, rounding, sorts and percentiles, in bare numpy."""
    parts = parts_of(result.scores, result.general.policy, result.general.units)
    rng = np.random.default_rng(0)
    score = parts.score.astype(np.float64)
    maximum = parts.maximum.astype(np.float64)
    sigma = np.full(score.shape, 10_000.0 * np.sqrt(LEAVES / len(parts.codes)))
    ranks = np.empty((draws, parts.size), dtype=np.int32)
    for start in range(0, draws, 50):
        count = min(50, draws - start)
        weights = rng.uniform(0.9, 1.1, (count, len(parts.codes)))
        drawn = score[None]
        if spread:
            drawn = np.clip(
                score[None] + rng.standard_normal((count, *score.shape)) * sigma, 0, maximum
            )
        num = np.matmul(weights[:, None, :], drawn)[:, 0, :]
        shown = np.floor(num / (weights @ maximum) * 1000 + 0.5)
        order = np.argsort(-shown, axis=1)
        ordered = np.take_along_axis(shown, order, axis=1)
        starts = np.ones(ordered.shape, dtype=bool)
        starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        block = np.empty(ordered.shape, dtype=np.int32)
        np.put_along_axis(block, order, np.cumsum(starts, axis=1), axis=1)
        ranks[start : start + count] = block
    ordered_ranks = np.sort(ranks, axis=0)
    rows = [max(int(share * draws) - 1, 0) for share in (0.05, 0.5, 0.95)]
    return ordered_ranks[rows]


@dataclass(frozen=True)
class Line:
    label: str
    product: Timing
    floor: Timing

    @property
    def ratio(self) -> float:
        return self.product.median / self.floor.median


def run(runs: int, draws: int) -> tuple[list[Line], list[str], float]:
    case = make_case(UNITS, LEAVES)
    result = evaluate(case.framework, case.inputs, case.names)
    failures = []
    still = rank_spread(result.scores, result.general, Uncertainty(Decimal(0), draws=5))
    if not (still.median == result.general.rank).all():
        failures.append("draws without spread do not give the published ranks")
    every = {leaf.code: CRITERION_SPREAD for leaf in result.framework.leaves}
    weights_only = Uncertainty(WEIGHT_SPREAD, draws=draws)
    both = Uncertainty(WEIGHT_SPREAD, criterion_spread=every, draws=draws)
    wide = rank_spread(result.scores, result.general, both)
    width = float(np.mean(wide.high - wide.low))
    lines = [
        Line(
            "weights ±10 %",
            measure(lambda: rank_spread(result.scores, result.general, weights_only), runs),
            measure(lambda: floor(result, False, draws), runs),
        ),
        Line(
            "weights ±10 % and 1 point on every criterion",
            measure(lambda: rank_spread(result.scores, result.general, both), runs),
            measure(lambda: floor(result, True, draws), runs),
        ),
    ]
    return lines, failures, width


def markdown(lines: list[Line], failures: list[str], width: float, draws: int) -> str:
    rows = [
        f"| {line.label} | {line.product.median:.3f} | {line.floor.median:.3f} | "
        f"{line.ratio:.1f}× | {status(line.product.median <= TIME_TARGET_S)} | "
        f"{status(line.ratio <= FLOOR_RATIO_TARGET)} |"
        for line in lines
    ]
    return "\n".join(
        [
            "# Performance: how sure a rank is",
            "",
            f"Measured by `make bench` (`bench/bench_robustness.py`) on "
            f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}.",
            "",
            f"{draws:,} draws × {UNITS:,} units × 8 main indices ({LEAVES} criteria), the "
            "general ranking of one-decimal percents with dense ties; each draw is ranked "
            'exactly as the published ranking is (docs/scoring.md, "How sure a rank is"). '
            "The floor does the same draws, sums, rounding, sorts and percentiles in bare "
            "numpy, in the same run. Medians of 5 runs after one warm-up.",
            "",
            "| draws over | `rank_spread` (s) | numpy floor (s) | ratio | "
            f"≤ {TIME_TARGET_S:g} s | ≤ {FLOOR_RATIO_TARGET:g}× floor |",
            "|---|---:|---:|---:|---|---|",
            *rows,
            "",
            f"With both spreads, a unit's 5th-95th percentile interval spans {width:.1f} "
            "ranks on average. Draws without spread give the published ranks: "
            + ("no (" + "; ".join(failures) + ")." if failures else "yes."),
            "",
            *machine_table(),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--draws", type=int, default=DRAWS)
    args = parser.parse_args(argv)
    lines, failures, width = run(args.runs, args.draws)
    text = markdown(lines, failures, width, args.draws)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
