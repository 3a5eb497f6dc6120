"""One step of the report benchmark, measured in a process of its own (bench_reports.py).

Each measurement runs in a fresh process started with multiprocessing's `spawn` method: the
child imports the code, builds the synthetic level (and the report data, for the renderers)
untimed, then times the one step and returns its seconds and its own peak resident set
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`), so one step's memory never hides in another's.
The file it made is written to a folder the parent chose, for the sanity checks.
"""

from __future__ import annotations

import importlib
import importlib.util
import multiprocessing
import resource
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for folder in (REPO / "bench", REPO / "src"):  # this checkout's code, in a spawned child too
    sys.path.insert(0, str(folder))

from bench_engine import make_case  # noqa: E402
from dti.campaign import Campaign, Level, Unit  # noqa: E402
from dti.reports.model import Report  # noqa: E402
from dti.results import LevelResult, evaluate  # noqa: E402

LEVEL = "xa"
DIRECT_PDF = "dti.reports.direct_pdf"
# The steps, in the order they are measured; "floor" is LibreOffice converting the DOCX.
STEPS = ("data", "docx", "xlsx", "pdf", "floor")
SUFFIX = {"docx": ".docx", "xlsx": ".xlsx", "pdf": ".pdf", "floor": ".libreoffice.pdf"}


@dataclass(frozen=True)
class Job:
    step: str
    units: int
    leaves: int
    out: Path  # the file the step writes (none for "data")
    docx: Path | None = None  # the floor's input
    timeout: float = 0.0  # the floor's LibreOffice timeout


@dataclass(frozen=True)
class Sample:
    """One measurement: seconds (None: it did not finish within `timeout`), peak RSS in
    bytes (for the floor: LibreOffice's, the process's largest child), the RSS peak before
    the timed step, and what went wrong, if anything."""

    step: str
    seconds: float | None
    peak_rss: int
    rss_before: int
    timeout: float = 0.0
    error: str = ""


def direct_pdf_available() -> bool:
    try:
        return importlib.util.find_spec(DIRECT_PDF) is not None
    except ModuleNotFoundError:
        return False


def synthetic_level(units: int, leaves: int) -> tuple[Campaign, LevelResult]:
    """A commune level of `units` units from bench_engine's seeded generator, evaluated."""
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


def kib_to_bytes(kib: int) -> int:
    return kib * 1024  # Linux reports ru_maxrss in KiB


def peak_rss(who: int = resource.RUSAGE_SELF) -> int:
    return kib_to_bytes(resource.getrusage(who).ru_maxrss)


@dataclass(frozen=True)
class Timed:
    seconds: float
    rss_before: int  # the process's peak RSS when the timed step started
    made: bytes | None


def timed(step: Callable[[], bytes | None]) -> Timed:
    before = peak_rss()
    start = time.perf_counter()
    made = step()
    return Timed(time.perf_counter() - start, before, made)


def run_step(job: Job) -> Timed:
    """Build what the step needs (untimed), then time the step alone."""
    from dti.reports.data import build_report

    if job.step == "floor":
        from dti.reports.pdf import convert_to_pdf

        assert job.docx is not None
        docx = job.docx.read_bytes()
        return timed(lambda: convert_to_pdf(docx, timeout=job.timeout))
    campaign, result = synthetic_level(job.units, job.leaves)
    if job.step == "data":
        return timed(lambda: build_report(campaign, {LEVEL: result}) and None)
    render = renderer(job.step)
    report = build_report(campaign, {LEVEL: result})
    return timed(lambda: render(report))


def renderer(step: str) -> Callable[[Report], bytes]:
    if step == "docx":
        from dti.reports.docx import render_docx

        return render_docx
    if step == "xlsx":
        from dti.reports.xlsx import render_xlsx

        return render_xlsx
    render: Callable[[Report], bytes] = importlib.import_module(DIRECT_PDF).render_pdf
    return render  # imported only when it exists: direct_pdf_available()


def in_child(job: Job, connection: Connection) -> None:
    """The child's body: measure, write the file, send the Sample back."""
    start = time.perf_counter()
    try:
        step = run_step(job)
        who = resource.RUSAGE_CHILDREN if job.step == "floor" else resource.RUSAGE_SELF
        if step.made is not None:
            job.out.write_bytes(step.made)
        before = 0 if job.step == "floor" else step.rss_before  # LibreOffice's is unknown
        sample = Sample(job.step, step.seconds, peak_rss(who), before)
    except Exception as error:  # sent to the parent, which exits 1
        sample = failed(job, error, time.perf_counter() - start)
    connection.send(sample)
    connection.close()


def failed(job: Job, error: Exception, elapsed: float) -> Sample:
    from dti.reports.pdf import PdfError

    if job.step == "floor" and isinstance(error, PdfError) and elapsed >= job.timeout:
        return Sample(job.step, None, 0, 0, timeout=job.timeout)  # LibreOffice was stopped
    detail = "".join(traceback.format_exception_only(error)).strip()
    return Sample(job.step, None, 0, 0, error=detail)


def measure(job: Job, limit: float) -> Sample:
    """`job` in a fresh spawned process; after `limit` seconds the child is stopped (by its
    own PID) and the step counts as not finished: '> limit s'."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=in_child, args=(job, send), daemon=True)
    process.start()
    send.close()
    try:
        if receive.poll(limit):
            sample: Sample = receive.recv()
            return sample
        return Sample(job.step, None, 0, 0, timeout=limit)
    except EOFError:
        return Sample(job.step, None, 0, 0, error=f"the process ended ({process.exitcode})")
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
