"""Benchmark of the official report at commune scale, against the bare LibreOffice conversion.

Synthetic commune levels of 150, 1,100 and 3,300 units (today's number of communes
nationally; 40 criteria in 8 main indices, two peer groups, four classes: bench_engine's
seeded generator). At each size, each step is measured in a fresh process of its own
(bench/report_steps.py): the report data (`build_report`), the DOCX (`render_docx`, with its
charts), the XLSX (`render_xlsx`) and the PDF by the direct renderer
(`dti.reports.direct_pdf.render_pdf`, "not available" while it does not exist), and the
**floor**: LibreOffice converting the very DOCX of the same run (`convert_to_pdf`). Then the
files of the last run are checked (bench/report_checks.py).

    .venv/bin/python bench/bench_reports.py --out docs/performance-reports.md

Exits 0 whether or not the targets are met (a missed target is written as MISSED, a step
stopped at its time limit as "> N s"); 1 when a step failed or a file failed its checks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "bench"), str(REPO / "src")]  # this checkout, for the children too

from bench_engine import machine, positive, status  # noqa: E402
from dti.reports.data import build_report  # noqa: E402
from report_checks import (  # noqa: E402
    check_docx,
    check_pdf,
    check_xlsx,
    general_names,
    ranking_counts,
)
from report_steps import (  # noqa: E402
    LEVEL,
    SUFFIX,
    Job,
    Sample,
    direct_pdf_available,
    measure,
    synthetic_level,
)

SIZES = (150, 1100, 3300)
TARGET_UNITS = 3300  # the size the time and memory targets are for
RATIO_UNITS = 150  # the size the bundle is compared with the floor at
DOCX_SECONDS, DOCX_MB, XLSX_SECONDS, PDF_SECONDS, BUNDLE_RATIO = 10.0, 300.0, 5.0, 60.0, 1.57
FLOOR_TIMEOUT_S = 1200.0  # LibreOffice took 573 s on the 3,300-unit DOCX of python-docx
STEP_LIMIT_S = 1800.0  # any other step: stopped after this, so the benchmark ends
LABELS = {
    "data": "report data (`build_report`)",
    "docx": "DOCX with charts (`render_docx`)",
    "xlsx": "XLSX (`render_xlsx`)",
    "pdf": "PDF, direct (`direct_pdf.render_pdf`)",
    "floor": "floor: LibreOffice converting that DOCX",
}
BUNDLE = ("data", "docx", "xlsx", "pdf")


@dataclass
class Size:
    units: int
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)  # what was checked and held
    failures: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)  # bytes per file kind

    def done(self, step: str) -> list[float]:
        return [s.seconds for s in self.samples.get(step, []) if s.seconds is not None]

    def median(self, step: str) -> float | None:
        done = self.done(step)
        return statistics.median(done) if done and len(done) == len(self.samples[step]) else None

    def peak_mb(self, step: str) -> float | None:
        peaks = [s.peak_rss for s in self.samples.get(step, []) if s.seconds is not None]
        return max(peaks) / 1e6 if peaks else None


@dataclass(frozen=True)
class Options:
    sizes: tuple[int, ...]
    leaves: int
    runs: int
    floor: bool
    floor_timeout: float
    step_limit: float


# ---- measuring ------------------------------------------------------------------------------


def floor_runs(options: Options, units: int) -> int:
    """LibreOffice several times at the smallest size (the bundle's ratio), once above."""
    if not options.floor:
        return 0
    return options.runs if units == min(options.sizes) else 1


def measure_size(options: Options, units: int, folder: Path, pdf: bool) -> Size:
    size = Size(units)
    steps = [step for step in BUNDLE if pdf or step != "pdf"]
    for run in range(options.runs):
        for step in [*steps, *(["floor"] if run < floor_runs(options, units) else [])]:
            docx = folder / f"run{run}{SUFFIX['docx']}"
            out = folder / f"run{run}{SUFFIX.get(step, '')}"
            if step == "floor" and not docx.exists():
                size.failures.append(f"run {run + 1}: no DOCX for LibreOffice to convert")
                continue
            job = Job(step, units, options.leaves, out, docx, options.floor_timeout)
            limit = options.floor_timeout + 60 if step == "floor" else options.step_limit
            sample = measure(job, limit)
            size.samples.setdefault(step, []).append(sample)
            if sample.error:
                size.failures.append(f"{LABELS[step]}, run {run + 1}: {sample.error}")
            print(f"{units} units, {step}, run {run + 1}: {shown(sample)}", flush=True)
    check_size(size, folder, options)
    return size


def check_size(size: Size, folder: Path, options: Options) -> None:
    """The last run's files, each checked against the report of the same level."""
    campaign, result = synthetic_level(size.units, options.leaves)
    report = build_report(campaign, {LEVEL: result})
    names, counts = general_names(report), ranking_counts(report)
    last = options.runs - 1
    files = {
        "docx": lambda path: check_docx(path, names),
        "xlsx": lambda path: check_xlsx(path, names),
        "pdf": lambda path: check_pdf("the direct PDF", path, counts),
        "floor": lambda path: check_pdf("LibreOffice's PDF", path, counts),
    }
    held = {
        "docx": "the DOCX's general ranking names every unit once",
        "xlsx": "the XLSX's general sheet names every unit once",
        "pdf": "the direct PDF's appendices name every unit once per ranking table",
        "floor": "LibreOffice's PDF's appendices name every unit once per ranking table",
    }
    for step, check in files.items():
        path = folder / f"run{min(last, len(size.samples.get(step, [])) - 1)}{SUFFIX[step]}"
        if step in size.samples and path.exists():
            size.files[step] = path.stat().st_size
            failures = check(path)
            size.failures += failures
            if not failures:
                size.checked.append(held[step])


# ---- the report -----------------------------------------------------------------------------


def shown(sample: Sample) -> str:
    if sample.seconds is not None:
        return f"{sample.seconds:.2f} s"
    return f"> {sample.timeout:g} s" if sample.timeout else "failed"


def seconds_text(size: Size, step: str) -> str:
    samples = size.samples.get(step)
    if not samples:
        return "not available" if step == "pdf" else "not measured"
    median = size.median(step)
    return f"{median:.2f}" if median is not None else shown(max(samples, key=_worst))


def _worst(sample: Sample) -> float:
    return float("inf") if sample.seconds is None else sample.seconds


def ratio_text(size: Size, step: str) -> str:
    median, floor = size.median(step), size.median("floor")
    if median is None or step == "floor":
        return "—"
    if floor is not None:
        return f"{median / floor:.2f}×"
    stopped = [s.timeout for s in size.samples.get("floor", []) if s.timeout]
    return f"< {median / max(stopped):.2f}×" if stopped else "—"


def size_table(size: Size) -> list[str]:
    lines = [
        f"### {size.units:,} units",
        "",
        "| step | median (s) | min (s) | runs | ÷ floor | peak RSS (MB) | RSS before it (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for step, label in LABELS.items():
        done, peak = size.done(step), size.peak_mb(step)
        before = [s.rss_before for s in size.samples.get(step, []) if s.rss_before]
        lines.append(
            f"| {label} | {seconds_text(size, step)} | {f'{min(done):.2f}' if done else '—'}"
            f" | {len(size.samples.get(step, []))} | {ratio_text(size, step)}"
            f" | {f'{peak:.0f}' if peak else '—'}"
            f" | {f'{max(before) / 1e6:.0f}' if before else '—'} |"
        )
    files = ", ".join(f"{step} {kind / 2**20:.1f} MiB" for step, kind in size.files.items())
    return [*lines, "", f"Files: {files or 'none'}.", ""]


def target_rows(sizes: dict[int, Size]) -> list[tuple[str, str, str]]:
    """(target, measured, status) for each target."""
    big, small = sizes.get(TARGET_UNITS), sizes.get(RATIO_UNITS)
    rows = []
    for step, limit in (("docx", DOCX_SECONDS), ("xlsx", XLSX_SECONDS), ("pdf", PDF_SECONDS)):
        target = f"{step.upper()} of {TARGET_UNITS:,} units ≤ {limit:g} s"
        rows.append(_time_row(target, big, step, limit))
    peak = big.peak_mb("docx") if big else None
    rows.append(
        (f"DOCX of {TARGET_UNITS:,} units ≤ {DOCX_MB:g} MB peak RSS",
         f"{peak:.0f} MB" if peak else "not measured",
         status(peak <= DOCX_MB) if peak else "—")
    )  # fmt: skip
    rows.append(_bundle_row(small))
    return rows


def _time_row(target: str, size: Size | None, step: str, limit: float) -> tuple[str, str, str]:
    if size is None:
        return target, f"not measured ({TARGET_UNITS:,} not run)", "—"
    if not size.samples.get(step):
        return target, "not available" if step == "pdf" else "not measured", "—"
    median = size.median(step)
    measured = seconds_text(size, step) + ("" if median is None else " s")
    return target, measured, status(median is not None and median <= limit)


def _bundle_row(size: Size | None) -> tuple[str, str, str]:
    target = f"bundle at {RATIO_UNITS} units ≤ {BUNDLE_RATIO:g}× the floor"
    floor = size.median("floor") if size else None
    if size is None or floor is None:
        why = f"{RATIO_UNITS} not run" if size is None else "no floor"
        return target, f"not measured ({why})", "—"
    parts = [size.median(step) for step in ("data", "docx", "xlsx")]
    if any(part is None for part in parts):
        return target, "not measured (a step failed)", "—"
    known = sum(part for part in parts if part is not None)
    pdf = size.median("pdf")
    if pdf is None:
        with_lo = (known + floor) / floor
        return target, f"not available (with LibreOffice's PDF: {with_lo:.2f}×)", "—"
    ratio = (known + pdf) / floor
    return target, f"{ratio:.2f}×", status(ratio <= BUNDLE_RATIO)


MEASURED = """\
A synthetic commune level of each size (40 criteria in 8 main indices, two peer groups, four
classes; bench_engine's seeded generator) with its appendices: the general ranking, one per
peer group, one per main index. Every measurement runs in a **fresh process** started with
multiprocessing's `spawn` method: the child imports the code, builds the level and (for the
renderers) the report data untimed, then times its one step with `time.perf_counter`, and
reports its own peak resident set (`getrusage(RUSAGE_SELF).ru_maxrss`: the level, the report
data and the step together, as in a web worker) and the peak before the step. The **floor**
is LibreOffice converting the DOCX made in the same run (`convert_to_pdf`, own profile; its
peak RSS is LibreOffice's, `RUSAGE_CHILDREN`): {floor_runs}, stopped after {timeout:g} s
(written "> {timeout:g} s"). Steps run in turn (data, DOCX, XLSX, PDF, floor),
{runs} each; medians. "÷ floor" is a step's median over the floor's median at the same size. MB
are 10^6 bytes. The bundle is what an office downloads: data + DOCX + XLSX + PDF."""


def _times(runs: int) -> str:
    return "once" if runs == 1 else f"{runs} times"


def markdown(sizes: dict[int, Size], options: Options, host: dict[str, str], date: str) -> str:
    targets = target_rows(sizes)
    verdict = "; ".join(f"{t}: {m} ({s})" for t, m, s in targets if s != "—")
    floor = (
        f"{_times(options.runs)} at {min(options.sizes):,} units and once at each larger size"
        if options.floor
        else "not run (`--no-floor`)"
    )
    failures = [f"- {units:,} units: {f}" for units, s in sizes.items() for f in s.failures]
    checked = [f"- {units:,} units: {c}" for units, s in sizes.items() for c in s.checked]
    return "\n".join(
        [
            "# Report performance at commune scale",
            "",
            f"Measured {date} by `make bench` (`bench/bench_reports.py`).",
            "",
            f"**Verdict:** {verdict or 'no target measured at these sizes'}.",
            "",
            "## Targets",
            "",
            "| target | measured | status |",
            "|---|---|---|",
            *(f"| {t} | {m} | {s} |" for t, m, s in targets),
            "",
            "## What is measured",
            "",
            MEASURED.format(
                floor_runs=floor, timeout=options.floor_timeout, runs=_times(options.runs)
            ),
            "",
            "## Machine",
            "",
            "| | |",
            "|---|---|",
            *(f"| {key} | {value} |" for key, value in host.items()),
            "",
            "## Results",
            "",
            *(line for size in sizes.values() for line in size_table(size)),
            "## Sanity checks",
            "",
            "The DOCX's general ranking table (word/document.xml stream-parsed), the XLSX's"
            " general sheet (read-only) and each PDF's text from the first appendix on"
            " (`pdftotext`) name every unit once per ranking table that holds it:",
            "",
            *(["**FAILED:**", "", *failures, ""] if failures else []),
            *(checked or ["- nothing was checked"]),
            "",
            "Reproduce: `make bench`, or `.venv/bin/python bench/bench_reports.py --out"
            " docs/performance-reports.md` (options: `--sizes`, `--runs`, `--no-floor`,"
            " `--floor-timeout`).",
            "",
        ]
    )


# ---- command line ---------------------------------------------------------------------------


def sizes_list(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({positive(part) for part in text.split(",")}))
    except ValueError as error:
        message = f"sizes are whole numbers, e.g. 150,1100: {error}"
        raise argparse.ArgumentTypeError(message) from None
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=sizes_list, default=SIZES, help="e.g. 150,1100,3300")
    parser.add_argument("--leaves", type=positive, default=40, help="at least 24")
    parser.add_argument("--runs", type=positive, default=3)
    parser.add_argument("--no-floor", dest="floor", action="store_false")
    parser.add_argument("--floor-timeout", type=float, default=FLOOR_TIMEOUT_S)
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)
    options = Options(
        args.sizes, args.leaves, args.runs, args.floor, args.floor_timeout, STEP_LIMIT_S
    )
    host = machine()  # the load average before the work starts
    pdf = direct_pdf_available()
    with tempfile.TemporaryDirectory(prefix="dti-bench-reports-") as folder:
        sizes = {}
        for units in options.sizes:
            (Path(folder) / str(units)).mkdir()
            sizes[units] = measure_size(options, units, Path(folder) / str(units), pdf)
    date = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    text = markdown(sizes, options, host, date)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"written to {args.out}")
    return 1 if any(size.failures for size in sizes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
