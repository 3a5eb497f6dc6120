"""Smoke test of the engine benchmark at a small size: it runs, writes its report and the
engine's results are sane. No timing assertions: timing belongs in the benchmark."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np
import pytest

from dti.framework.documents import schema_problems
from dti.results import evaluate

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_engine.py"
UNITS, LEAVES = 300, 40


def _load_bench() -> ModuleType:
    # Loaded by path: tests/bench is itself a package named "bench" under pytest.
    spec = importlib.util.spec_from_file_location("bench_engine", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


@pytest.fixture(scope="module")
def case() -> Any:
    return bench.make_case(UNITS, LEAVES)


def test_main_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing is timed here: skip the full garbage collections the benchmark runs before each
    # timing. In a test process they walk every object of the tests run before (seconds
    # late in a run), where in the benchmark's own process they take milliseconds.
    monkeypatch.setattr(bench, "gc", SimpleNamespace(collect=lambda: 0))
    out = tmp_path / "perf.md"
    args = ["--units", str(UNITS), "--leaves", str(LEAVES), "--runs", "1", "--out", str(out)]

    assert bench.main(args) == 0

    doc = out.read_text(encoding="utf-8")
    assert "| | median (s) | min (s) | runs |" in doc
    assert "| engine: full recompute" in doc
    assert "| numpy floor" in doc
    assert "Ratio engine / floor" in doc
    assert "Peak memory" in doc
    assert "Sanity checks of the results: all passed" in doc
    assert "ratio" in capsys.readouterr().out


def test_framework_document_is_schema_valid() -> None:
    document = {"dti": 1, "kind": "framework", "framework": bench.framework_dict(LEAVES)}
    assert schema_problems(document, "<bench>") == []


def test_framework_shape(case: Any) -> None:
    framework = case.framework
    kinds = {leaf.rule.type for leaf in framework.leaves}
    assert len(framework.leaves) == LEAVES
    assert len(framework.main_indices) == bench.INDICES
    assert kinds == {"yes_no", "choice", "ratio", "bands", "count", "entered", "formula"}
    assert sum(leaf.rule.type == "formula" for leaf in framework.leaves) == bench.FORMULA_LEAVES


def test_engine_results_are_sane(case: Any) -> None:
    result = evaluate(case.framework, case.inputs, case.names)
    online = case.attributes["has_online_public_services"]

    assert len(result.general.units) == UNITS
    assert sorted(result.general.units.tolist()) == list(range(UNITS))
    assert result.general.rank[0] == 1
    assert set(result.groups["co_dvc"].units.tolist()) == set(np.flatnonzero(online).tolist())
    assert set(result.groups["khong_dvc"].units.tolist()) == set(np.flatnonzero(~online).tolist())
    assert set(result.indices) == {index.code for index in case.framework.main_indices}
    assert bench.check_result(case, result) == []


def test_not_applicable_share_is_about_ten_percent(case: Any) -> None:
    result = evaluate(case.framework, case.inputs, case.names)
    assert 0.05 < bench.not_applicable_share(case, result.scores) < 0.15


def test_floor_sums_match_the_engine(case: Any) -> None:
    result = evaluate(case.framework, case.inputs, case.names)
    floor = bench.run_floor(bench.floor_inputs(case, result.scores))

    np.testing.assert_allclose(floor.total, result.scores.total / 10**4)
    assert sorted(floor.general.tolist()) == list(range(UNITS))
    assert bench.check_result(case, result, floor) == []
