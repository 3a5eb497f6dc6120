"""Benchmark of the provincial report bundle against the bare LibreOffice conversion.

A synthetic commune level (by default 150 units, 40 criteria in 8 main indices, two peer
groups, classes; bench_engine's generator) is evaluated once. The bundle is what an office
downloads: the report data (`build_report`), the DOCX with its charts, the XLSX of the
appendices and the PDF (LibreOffice). The floor is LibreOffice converting the very same DOCX,
nothing else: the bundle cannot be faster than it, and the target is at most 3x.

    .venv/bin/python bench/bench_reports.py --out docs/performance-reports.md

Exits 0 whether or not the target is met (a missed target is written as MISSED); 1 when a
bundle is not what it should be (no PDF, wrong number of sheets).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import openpyxl

from bench_engine import Timing, machine, make_case, positive
from dti.campaign import Campaign, Level, Unit
from dti.reports.data import build_report
from dti.reports.docx import render_docx
from dti.reports.model import Report
from dti.reports.pdf import convert_to_pdf
from dti.reports.xlsx import render_xlsx
from dti.results import LevelResult, evaluate

RATIO_TARGET = 3.0
LEVEL = "xa"


@dataclass(frozen=True)
class Bundle:
    docx: bytes
    xlsx: bytes
    pdf: bytes
    parts: dict[str, float]  # seconds per step


@dataclass(frozen=True)
class Measurement:
    units: int
    leaves: int
    bundle: Timing
    floor: Timing
    parts: dict[str, float]  # median seconds per step of the bundle
    sizes: dict[str, int]
    failures: tuple[str, ...]
    date: str

    @property
    def ratio(self) -> float:
        return self.bundle.median / self.floor.median


def synthetic_level(units: int, leaves: int) -> tuple[Campaign, LevelResult]:
    case = make_case(units, leaves)
    result = evaluate(case.framework, case.inputs, case.names)
    members = tuple(
        Unit(id=unit, name=name, level=LEVEL, attributes=attributes)
        for unit, name, attributes in zip(
            case.inputs.unit_ids, case.names, case.inputs.attributes, strict=True
        )
    )
    level = Level(LEVEL, "UBND xã, phường, thị trấn", case.framework, members)
    campaign = Campaign(
        province="Tỉnh Mẫu",
        year=2025,
        title="Đánh giá, xếp hạng mức độ chuyển đổi số cấp xã năm 2025 (số liệu mô phỏng)",
        levels={LEVEL: level},
        source="số liệu mô phỏng của benchmark",
    )
    return campaign, result


def timed(parts: dict[str, float], name: str, step: Callable[[], bytes | Report]) -> object:
    start = time.perf_counter()
    value = step()
    parts[name] = time.perf_counter() - start
    return value


def make_bundle(campaign: Campaign, result: LevelResult) -> Bundle:
    parts: dict[str, float] = {}
    report = timed(parts, "report data", lambda: build_report(campaign, {LEVEL: result}))
    assert isinstance(report, Report)
    docx = timed(parts, "DOCX with charts", lambda: render_docx(report))
    xlsx = timed(parts, "XLSX", lambda: render_xlsx(report))
    assert isinstance(docx, bytes) and isinstance(xlsx, bytes)
    pdf = timed(parts, "PDF (LibreOffice)", lambda: convert_to_pdf(docx))
    assert isinstance(pdf, bytes)
    return Bundle(docx, xlsx, pdf, parts)


def check(bundle: Bundle, units: int) -> list[str]:
    failures = []
    if not bundle.pdf.startswith(b"%PDF-"):
        failures.append("the PDF is not a PDF")
    sheets = openpyxl.load_workbook(io.BytesIO(bundle.xlsx)).sheetnames
    if len(sheets) != 3 + 8:  # general, two groups, eight main indices
        failures.append(f"{len(sheets)} sheets instead of 11")
    sheet = openpyxl.load_workbook(io.BytesIO(bundle.xlsx))[sheets[0]]
    if sheet.cell(row=3 + units, column=2).value is None:
        failures.append("the general sheet does not hold every unit")
    return failures


def run_benchmark(units: int, leaves: int, runs: int) -> Measurement:
    campaign, result = synthetic_level(units, leaves)
    first = make_bundle(campaign, result)  # warm-up: fonts, matplotlib, LibreOffice's start
    convert_to_pdf(first.docx)
    bundles, floors = [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        start = time.perf_counter()
        bundles.append(make_bundle(campaign, result))
        bundle_time = time.perf_counter() - start
        start = time.perf_counter()
        convert_to_pdf(bundles[-1].docx)
        floors.append((bundle_time, time.perf_counter() - start))
    parts = {name: statistics.median(b.parts[name] for b in bundles) for name in first.parts}
    last = bundles[-1]
    return Measurement(
        units=units,
        leaves=leaves,
        bundle=Timing(tuple(b for b, _ in floors)),
        floor=Timing(tuple(f for _, f in floors)),
        parts=parts,
        sizes={"DOCX": len(last.docx), "XLSX": len(last.xlsx), "PDF": len(last.pdf)},
        failures=tuple(check(last, units)),
        date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )


MEASURED = (
    "A synthetic commune level of {units} units ({leaves} criteria in 8 main indices, two peer"
    " groups, four classes; the generator of `bench/bench_engine.py`) is evaluated once. The"
    " **bundle** is what the office downloads, from the level's result: the report data"
    " (`build_report`), the DOCX with its two charts, the XLSX of the appendices and the PDF"
    " converted by LibreOffice. The **floor** is LibreOffice converting the same DOCX alone"
    " (`convert_to_pdf`, own profile, same process): no report can be made faster. Both are"
    " warmed up once, then run interleaved; medians of `time.perf_counter`."
)
REPRODUCE = (
    "Reproduce: `.venv/bin/python bench/bench_reports.py --out docs/performance-reports.md`."
)


def markdown(m: Measurement) -> str:
    verdict = "met" if m.ratio <= RATIO_TARGET else "**MISSED**"
    return "\n".join(
        [
            "# Report bundle performance",
            "",
            f"Measured {m.date} by `bench/bench_reports.py`.",
            "",
            f"**Verdict:** the bundle takes {m.ratio:.2f}× the bare LibreOffice conversion of"
            f" the same DOCX (≤ {RATIO_TARGET:g}× {verdict}).",
            "",
            "## What is measured",
            "",
            MEASURED.format(units=m.units, leaves=m.leaves),
            "",
            "## Machine",
            "",
            "| | |",
            "|---|---|",
            *(f"| {key} | {value} |" for key, value in machine().items()),
            "",
            *results(m),
            REPRODUCE,
            "",
        ]
    )


def results(m: Measurement) -> list[str]:
    sizes = ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in m.sizes.items())
    return [
        "## Results",
        "",
        "| | median (s) | min (s) | runs |",
        "|---|---:|---:|---:|",
        f"| bundle: data + DOCX + XLSX + PDF | {m.bundle.median:.2f} | {m.bundle.min:.2f}"
        f" | {len(m.bundle.samples)} |",
        f"| floor: LibreOffice conversion of the DOCX | {m.floor.median:.2f}"
        f" | {m.floor.min:.2f} | {len(m.floor.samples)} |",
        "",
        f"Files: {sizes}. Checks: {'ok' if not m.failures else '; '.join(m.failures)}.",
        "",
        "## Where the bundle's time goes (medians)",
        "",
        "| step | seconds |",
        "|---|---:|",
        *(f"| {name} | {seconds:.2f} |" for name, seconds in m.parts.items()),
        "",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=positive, default=150)
    parser.add_argument("--leaves", type=positive, default=40, help="at least 24")
    parser.add_argument("--runs", type=positive, default=3)
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)
    measurement = run_benchmark(args.units, args.leaves, args.runs)
    print(
        f"bundle {measurement.bundle.median:.2f} s, floor {measurement.floor.median:.2f} s,"
        f" ratio {measurement.ratio:.2f}x (target <= {RATIO_TARGET:g}x)"
    )
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(measurement), encoding="utf-8")
        print(f"written to {args.out}")
    return 1 if measurement.failures else 0


if __name__ == "__main__":
    sys.exit(main())
