"""Benchmark of the portal's large writes on SQLite or PostgreSQL: a unit saving 80
answers, an office adding 3,300 communes to a campaign, and the chair finalizing 3,300
communes, each against a floor measured in the same run.

What is timed is the services behind the pages, in a SQLite file (WAL) as `make run` uses,
or with --postgres in the PostgreSQL of DTI_DATABASE_URL (as scripts/with-postgres sets it):
`portal.assessments.saving.answers_save` (80 answers changed, each audited),
`portal.campaigns.services.campaign_units_add` (every commune of the level, each audited)
and `portal.appraisals.finalization.campaign_finalize` (every commune's 80 values read, the
level evaluated by the core, each result stored and audited). The floors do the least any
such write must do: raw INSERTs of the same number of rows in one transaction, and for
finalization the core's evaluation of the same level from inputs already in memory.

The office's pages at that scale (their HTML size and time) are measured in the same
scene (bench/office_pages.py).

Usage: python bench/bench_writes.py [--units N] [--runs N] [--postgres] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's code, before bench_engine imports dti

from bench_engine import Timing, machine, measure, positive, status  # noqa: E402
from bench_ledger import database_described, setup_django  # noqa: E402
from office_pages import office_pages, section  # noqa: E402

CRITERIA = 80  # a commune framework's size
TARGETS = {"save": None, "add": 1.0, "finalize": 5.0}  # seconds, as the production issue sets
OVERRIDE = "Tổ chưa chấm các tiêu chí này; giữ giá trị đơn vị tự đánh giá."


def framework_document() -> dict[str, Any]:
    """Two main indices of 40 counted criteria each, ranked and classed as mau-2025's xa."""
    from dti.framework.documents import load_yaml

    document = load_yaml(REPO / "examples" / "mau-2025.yaml")
    level = next(level for level in document["levels"] if level["code"] == "xa")
    framework = dict(level["framework"])
    framework["nodes"] = [
        {
            "code": f"chi_so_{index}",
            "name": f"Chỉ số {index}",
            "children": [
                {
                    "code": code(index, number),
                    "name": f"Tiêu chí {index}.{number}",
                    "max": 2,
                    "rule": {"type": "count", "points_each": 0.5},
                }
                for number in range(1, CRITERIA // 2 + 1)
            ],
        }
        for index in (1, 2)
    ]
    return framework


def code(index: int, number: int) -> str:
    return f"tc_{index}_{number:02d}"


CODES = [code(1 + n % 2, 1 + n // 2) for n in range(CRITERIA)]


@dataclass
class Scene:
    province: Any
    framework: Any
    office: Any
    reporter: Any
    chair: Any
    units: list[Any]


def build(units: int) -> Scene:
    """A province with `units` communes, its office, a reporter for each commune (the first
    one's is `reporter`) and an appraisal chair."""
    from portal.accounts.models import Membership, Province, User
    from portal.frameworks.models import FrameworkVersion
    from portal.roles import Role
    from portal.units.models import Unit

    province = Province.objects.create(code="tinh-thu", name="Tỉnh Thử")
    framework = FrameworkVersion.objects.create(
        province=province,
        year=2025,
        level="xa",
        code="thu-2025-xa",
        name="Bộ chỉ số cấp xã 2025",
        document=framework_document(),
    )
    communes = Unit.objects.bulk_create(
        Unit(province=province, code=f"xa-{n:04d}", name=f"UBND xã {n:04d}", level="xa")
        for n in range(units)
    )
    people = {}
    for username, role, unit in (
        ("office", Role.OFFICE_ADMIN, None),
        ("reporter", Role.REPORTER, communes[0]),
        ("chair", Role.APPRAISER, None),
    ):
        people[username] = User.objects.create_user(username=username, full_name=username)
        Membership.objects.create(user=people[username], province=province, role=role, unit=unit)
    # every other commune's reporter too: finalization tells each unit's people its result
    others = User.objects.bulk_create(
        User(username=f"reporter-{unit.code}", full_name=f"Cán bộ {unit.name}")
        for unit in communes[1:]
    )
    Membership.objects.bulk_create(
        Membership(user=user, province=province, role=Role.REPORTER, unit=unit)
        for user, unit in zip(others, communes[1:], strict=True)
    )
    return Scene(
        province, framework, people["office"], people["reporter"], people["chair"], communes
    )


def campaign(scene: Scene, state: str) -> Any:
    from portal.campaigns.models import Campaign, CampaignLevel

    found = Campaign.objects.create(
        province=scene.province,
        year=2025,
        title=f"Đánh giá chuyển đổi số năm 2025 ({Campaign.objects.count() + 1})",
        state=state,
        self_assessment_deadline=datetime.now(UTC) + timedelta(days=14),
    )
    CampaignLevel.objects.create(
        campaign=found, level="xa", name="UBND xã, phường", framework=scene.framework
    )
    return found


def in_appraisal(scene: Scene) -> Any:
    """Every commune in scope, its 80 answers approved; the chair's final round agreed."""
    from portal.appraisals.models import TeamMember
    from portal.campaigns.models import AppraisalRound
    from portal.workflow import CampaignState, RoundState

    found = campaign(scene, CampaignState.IN_APPRAISAL)
    approved(found, scene.units, scene.reporter, lambda position, n: str((position + n) % 5))
    TeamMember.objects.create(campaign=found, user=scene.chair, chair=True)
    AppraisalRound.objects.create(
        campaign=found,
        number=1,
        final=True,
        state=RoundState.AGREED,
        appraisal_due=datetime.now(UTC) + timedelta(days=30),
    )
    return found


def approved(
    campaign: Any, units: Sequence[Any], reporter: Any, value: Callable[[int, int], str]
) -> list[Any]:
    """`units` in `campaign`, each with its 80 answers approved: criterion n of the unit at
    `position` holding value(position, n). The campaign units, in the order of `units`."""
    from portal.assessments.models import Answer, Submission
    from portal.campaigns.models import CampaignUnit
    from portal.workflow import SubmissionState

    rows = CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, unit=unit, level="xa") for unit in units
    )
    submissions = Submission.objects.bulk_create(
        Submission(campaign_unit=row, state=SubmissionState.APPROVED) for row in rows
    )
    Answer.objects.bulk_create(
        (
            Answer(
                submission=submission,
                criterion=criterion,
                value=value(position, n),
                updated_by=reporter,
            )
            for position, submission in enumerate(submissions)
            for n, criterion in enumerate(CODES)
        ),
        batch_size=2000,
    )
    return rows


def saver(scene: Scene) -> tuple[Callable[[], int], Any]:
    """One unit saving its 80 answers, each changed since the last save."""
    from portal.answers import PostedAnswer, loaded_mark
    from portal.assessments.models import Answer, Submission
    from portal.assessments.saving import answers_save
    from portal.campaigns.models import CampaignUnit
    from portal.workflow import CampaignState

    found = campaign(scene, CampaignState.OPEN)
    row = CampaignUnit.objects.create(campaign=found, unit=scene.units[0], level="xa")
    Submission.objects.create(campaign_unit=row)
    turn = [0]

    def save() -> int:
        turn[0] += 1
        stored = {a.criterion: a for a in Answer.objects.filter(submission__campaign_unit=row)}
        posted = {
            criterion: PostedAnswer(
                value=str(turn[0] % 2 + 1),
                note="",
                version=stored[criterion].version if criterion in stored else 0,
                loaded=loaded_mark(stored[criterion].value, "") if criterion in stored else "",
            )
            for criterion in CODES
        }
        return answers_save(campaign_unit=row, actor=scene.reporter, answers=posted).saved

    return save, row


def adder(scene: Scene) -> Callable[[], int]:
    """The office adds every commune of the level to a new campaign in preparation."""
    from portal.campaigns.services import campaign_units_add
    from portal.workflow import CampaignState

    def add() -> int:
        fresh = campaign(scene, CampaignState.DRAFT)
        return len(campaign_units_add(campaign=fresh, level="xa", units=None, user=scene.office))

    return add


def finalizer(scene: Scene) -> Callable[[], int]:
    """The chair finalizes; between runs the campaign is put back in appraisal (a reopened
    campaign: its results are updated, not created)."""
    from portal.appraisals.finalization import campaign_finalize
    from portal.campaigns.models import Campaign
    from portal.workflow import CampaignState

    found = in_appraisal(scene)

    def finalize() -> int:
        Campaign.objects.filter(pk=found.pk).update(state=CampaignState.IN_APPRAISAL)
        return len(campaign_finalize(campaign=found, actor=scene.chair, override_reason=OVERRIDE))

    return finalize


def raw_insert(rows: int, width: int = 8) -> Callable[[], int]:
    """The floor of a write: `rows` rows of `width` text columns, one executemany, one
    transaction, into a scratch table."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        columns = ", ".join(f"c{n} TEXT" for n in range(width))
        key = "SERIAL" if connection.vendor == "postgresql" else "INTEGER"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS bench_floor_{width} (id {key} PRIMARY KEY, {columns})"
        )
    values = [[f"{row}-{n}" for n in range(width)] for row in range(rows)]
    marks = ", ".join(["%s"] * width)
    names = ", ".join(f"c{n}" for n in range(width))

    def insert() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM bench_floor_{width}")
            sql = f"INSERT INTO bench_floor_{width} ({names}) VALUES ({marks})"
            cursor.executemany(sql, values)
        return rows

    return insert


def core_floor(scene: Scene, units: int) -> Callable[[], int]:
    """The floor of finalization: the core evaluates the same level from inputs in memory,
    and as many rows as it stores are inserted raw."""
    from dti.inputs import UnitInput, build_inputs
    from dti.results import evaluate

    framework = scene.framework.build()
    inputs = [
        UnitInput(
            unit=unit.code,
            attributes={},
            values={c: Decimal((position + n) % 5) for n, c in enumerate(CODES)},
        )
        for position, unit in enumerate(scene.units[:units])
    ]
    names = [unit.name for unit in scene.units[:units]]
    insert = raw_insert(units, width=10)

    def floor() -> int:
        result = evaluate(framework, build_inputs(framework, inputs), names)
        insert()
        return len(result.scores.unit_ids)

    return floor


def synchronous(mode: str) -> None:
    """SQLite's `synchronous` on the benchmark's connection (the portal sets FULL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA synchronous={mode}")


@dataclass(frozen=True)
class Durability:
    what: str
    normal: Timing
    full: Timing


def durability(save: Callable[[], int], runs: int) -> list[Durability]:
    """A save of 80 answers and the smallest commit (one row in its own transaction), with
    `synchronous=NORMAL` (a commit waits for no disk: the last ones can be lost in a power
    cut) and `FULL` (a commit returns once the WAL is on the disk)."""
    one_row = raw_insert(1)
    lines = []
    for what, run in ((f"save {CRITERIA} answers", save), ("commit one row", one_row)):
        timed = {}
        for mode in ("NORMAL", "FULL"):
            synchronous(mode)
            timed[mode] = measure(run, max(runs, 5))
        lines.append(Durability(what, timed["NORMAL"], timed["FULL"]))
    synchronous("FULL")
    return lines


def queries(run: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@dataclass(frozen=True)
class Line:
    name: str
    what: str
    timed: Timing
    floor: Timing
    queries: int
    target: float | None

    @property
    def ratio(self) -> float:
        return self.timed.median / self.floor.median

    @property
    def met(self) -> bool:
        return self.target is None or self.timed.median <= self.target


def report(
    units: int,
    runs: int,
    lines: list[Line],
    host: dict[str, str],
    durable: list[Durability],
    pages: str = "",
    engine: str = "sqlite",
) -> str:
    machine_rows = "\n".join(f"| {name} | {value} |" for name, value in host.items())
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = "\n".join(
        f"| {line.what} | {line.timed.median:.3f} | {line.timed.min:.3f} | "
        f"{line.floor.median:.3f} | {line.ratio:.1f}× | {line.queries} |"
        for line in lines
    )
    targets = "\n".join(
        f"- {line.what}: ≤ {line.target:g} s, {line.timed.median:.2f} s measured: "
        f"{status(line.met)}."
        for line in lines
        if line.target is not None
    )
    verdict = "; ".join(f"{line.name} {line.timed.median:.2f} s" for line in lines)
    durability_rows = "\n".join(
        f"| {line.what} | {line.normal.median * 1000:.1f} | {line.full.median * 1000:.1f} | "
        f"{line.full.median / line.normal.median:.2f}× |"
        for line in durable
    )
    where = (
        "a SQLite file (WAL, `synchronous=FULL`) as the portal opens it"
        if engine == "sqlite"
        else f"{database_described()} on this machine (127.0.0.1), as the portal connects to it"
    )
    durability = DURABILITY.format(durability_rows=durability_rows) if durable else ""
    return f"""# Portal writes at commune scale ({engine})

Measured {when} by `make bench` (`bench/bench_writes.py`).

**Verdict:** {verdict}.

## What is measured

The services behind the pages, on {where}, in one process:

- **save**: a commune's reporter saves its {CRITERIA} answers, each changed since the last
  save (`answers_save`: the answers validated, written in bulk, one audit entry for the
  save);
- **add**: the office adds all {units:,} communes of the level to a campaign in preparation
  (`campaign_units_add`: one row and one audit entry each);
- **finalize**: the chair finalizes the campaign (`campaign_finalize`): every commune's
  {CRITERIA} values that count in the final round are read ({units * CRITERIA:,} answers), the
  level is evaluated by the core, each result is stored and audited, and each commune's
  reporter is told its result. Between runs the
  campaign is put back in appraisal, so the warm-up creates the results and the timed runs
  update them, as after a reopening.

The floors do the least any such write must do: raw INSERTs of as many rows in one
transaction (80 for a save, {units:,} for the others), and for finalization the core's
evaluation of the same level from inputs already in memory, plus those INSERTs. Queries
are counted on one run.

Each timing is warmed up once, then run {runs} times with `time.perf_counter`.

## Machine

| | |
|---|---|
{machine_rows}

## Results

| | median (s) | min (s) | floor (s) | ratio | queries |
|---|---:|---:|---:|---:|---:|
{rows}

## Where the time goes

The queries do not grow with the units (a few per level and per 500 rows). What grows is
Python: each row is a model instance, checked, and its values converted field by field
before the plain SQL that writes it (portal.bulk); each audit entry is made plain JSON and
hashed into the chain (on SQLite as it is inserted; on PostgreSQL it is first marked with
its HMAC and sealed after the commit; three tables when units are added: the unit read, its
campaign row, its audit entry; a save's one entry carries its {CRITERIA} changes, linked as it
is inserted on both databases). A save prepares its rows and entry before it takes the
write lock (docs/portal-self-assessment.md, "Saving prepares, then locks"). Finalization
also converts each unit's values to the core's inputs (`dti.inputs.build_inputs`, in the
floor too) and tells each commune's reporter its result. The floors do none of it, so the
ratios are large for the writes that are all rows (save, add) and small for finalization.
Finalization computes before its write transaction and holds the write lock only to store
(docs/portal-appraisal.md#finalization): what the lock costs a sign-in meanwhile is in
performance-login.md.

{durability}{pages}
## Targets

{targets}
- Saving {CRITERIA} answers costs at most 12 queries on SQLite and 11 on PostgreSQL (a first
  save 14 and 13), the request as a whole 14 and 13: asserted in
  tests/portal/assessments/test_save_queries.py.
"""


DURABILITY = """## Durability: `synchronous=FULL`

The portal opens SQLite with `synchronous=FULL` (docs/decisions.md): a commit returns only
once the write-ahead log is on the disk, so a save the portal acknowledged survives a power
cut. With `NORMAL` a commit waits for no disk, and the last commits before a power cut can
be lost (the database stays consistent). The same work under each, timed at least 5 times
on the disk of this machine, in milliseconds:

| | NORMAL (ms) | FULL (ms) | FULL / NORMAL |
|---|---:|---:|---:|
{durability_rows}

"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=positive, default=3300)
    parser.add_argument("--runs", type=positive, default=3)
    parser.add_argument("--postgres", action="store_true", help="DTI_DATABASE_URL's PostgreSQL")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    options = parser.parse_args(argv)
    host = machine()  # the load average before the work starts
    with tempfile.TemporaryDirectory(prefix="dti-bench-writes-") as folder:
        os.environ.setdefault("DTI_EVIDENCE_ROOT", str(Path(folder) / "evidence"))
        setup_django(Path(folder) / "bench.sqlite3", postgres=options.postgres)
        scene = build(options.units)
        save, _ = saver(scene)
        add, finalize = adder(scene), finalizer(scene)
        lines = []
        for name, what, run, floor, target in (
            ("save", f"save {CRITERIA} answers", save, raw_insert(CRITERIA), TARGETS["save"]),
            ("add", f"add {options.units:,} units", add, raw_insert(options.units), TARGETS["add"]),
            (
                "finalize",
                f"finalize {options.units:,} units",
                finalize,
                core_floor(scene, options.units),
                TARGETS["finalize"],
            ),
        ):
            count = queries(run)
            lines.append(
                Line(
                    name,
                    what,
                    measure(run, options.runs),
                    measure(floor, options.runs),
                    count,
                    target,
                )
            )
        durable = [] if options.postgres else durability(save, options.runs)
        assert finalize() == add() == options.units  # every unit finalized, every unit added
        found = in_appraisal(scene)  # a second campaign of every commune, being appraised
        pages = section(options.units, office_pages(scene, found.pk, options.runs, queries))
        engine = "postgresql" if options.postgres else "sqlite"
        text = report(options.units, options.runs, lines, host, durable, pages, engine)
    if options.out:
        options.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
