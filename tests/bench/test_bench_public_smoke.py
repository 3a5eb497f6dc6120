"""The public portal's benchmark at a tiny size: its generator publishes what the public
selectors read (in this process, on the test database), its checks of the answers refuse a
wrong body, and the whole benchmark runs in a process of its own (its database, gunicorn,
clients) with every answer 200 and its report written. No timing assertions: timing belongs
in the benchmark. The last test stays slow (a separate process that migrates a database and
starts a server; marked `slow`)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from portal.publication import selectors
from tests.conftest import REPO

BENCH = REPO / "bench"
UNITS = 60


def _load(name: str) -> ModuleType:
    # Loaded by path: tests/bench is itself a package named "bench" under pytest. Each module
    # goes into sys.modules, as the next one imports it by name (bench_engine first).
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    for name in ("bench_engine", "public_load", "public_data"):
        _load(name)
    return _load("bench_public")


@pytest.mark.django_db
def test_the_generator_publishes_a_ranked_level_with_last_years_ranks(bench):
    published = sys.modules["public_data"].national_scale(UNITS, small_units=3)

    version = selectors.version_at(published.province, published.year)
    rows = selectors.rows_of(version, published.level)
    general = selectors.table(selectors.level_of(version, published.level), rows, "tong-the")
    assert published.units == len(general.rows) == UNITS
    assert general.has_classes and {row.class_label for row in rows} - {""}
    assert rows[-1].unit_name == published.last_unit
    # Last year's version is published too: every unit has a rank to compare, and some moved.
    assert all(row.previous["year"] == published.year - 1 for row in rows)
    assert any(row.previous["rank"] != row.rank for row in rows)
    assert {len(row.groups) for row in rows} == {1}  # each unit in one of the two peer groups
    assert len(published.provinces) == 5  # the big province's two years, four small ones
    assert len(selectors.current_versions()) == 2 + 4
    assert len(published.unit_pages) == 16
    assert all(row.unit_code.startswith("xa-") for row in rows)


def _published() -> object:
    return sys.modules["public_data"].Published(
        province="mo-phong",
        province_name="Tỉnh Mô Phỏng",
        year=2025,
        years=(2024, 2025),
        level="xa",
        units=2,
        ranking_pages=1,
        first_unit="Xã Đập Đá 1",
        last_unit="Xã Đập Đá 12",
        unit_pages=(("xa-0001", "Phường Nhơn Hưng 1"),),
        provinces=("Tỉnh Mô Phỏng", "Tỉnh Sông Lam"),
        small_units=3,
    )


def test_the_checks_refuse_a_body_without_what_it_must_show(bench):
    checks = {target.key: target for target in bench.targets(_published())}
    ranking, csv, unit = checks["ranking"], checks["csv"], checks["unit"]
    unit_path = unit.paths[0]

    first_page, last_page = ranking.paths
    assert ranking.check(first_page, "<td>Xã Đập Đá 1</td>".encode()) is None
    assert ranking.check(first_page, "<td>Xã Đập Đá 12</td>".encode()) is not None
    assert ranking.check(last_page, "<td>Xã Đập Đá 12</td>".encode()) is None
    assert ranking.check(last_page, "<td>Xã Đập Đá 123</td>".encode()) is not None
    good_csv = "\ufeffrank,unit\r\n1,Xã Đập Đá 1\r\n2,Xã Đập Đá 12\r\n".encode()
    assert csv.check(csv.paths[0], good_csv) is None
    assert "2 lines instead of 3" in csv.check(csv.paths[0], "rank\r\n1,Xã Đập Đá 12".encode())
    assert unit.check(unit_path, "<h1>Phường Nhơn Hưng 1</h1>".encode()) is None
    assert unit.check(unit_path, "<h1>Phường Nhơn Hưng 10</h1>".encode()) is not None
    assert checks["landing"].check("/ket-qua/", "Tỉnh Mô Phỏng".encode()) is not None
    assert checks["floor"].check("/healthz", b'{"status": "ok"}') is None


def bench_run(script: str, tmp_path: Path, *arguments: str) -> str:
    """Run a benchmark in a process of its own, with nothing of this one's environment (its
    files under `tmp_path`); its report, once it exited 0 (anything else fails the test)."""
    out = tmp_path / "report.md"
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *arguments, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_public_benchmark_runs_and_writes_its_report(tmp_path):
    # Exit 0: every answer was 200 and every body held what it must (the pages and the CSV).
    report = bench_run(
        "bench_public.py",
        tmp_path,
        *("--units", str(UNITS), "--clients", "4", "--seconds", "2", "--workers", "2"),
    )
    assert "**Verdict:** p95 against the floor's: landing" in report
    assert "Every answer was 200 and every body was as expected" in report
    assert f"| ranking page, {UNITS} units |" in report
    assert f"| ranking CSV, {UNITS} units |" in report
    assert "| minimal view (floor) |" in report and "| unit page |" in report
    assert not list(tmp_path.glob("dti-bench-public-*"))  # its database and logs removed
