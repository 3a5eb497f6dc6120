"""Benchmark of the audit trail's check: `manage.py audit_log_verify` on a log of 100,000 entries
in a SQLite file, against a floor measured in the same run.

What is timed is `portal.audit.verify.audit_log_verify()`, the function behind the command:
it reads every entry in the chain's order with one plain SELECT, rebuilds each entry's
content and checks each link of the chain (dti.ledger.verify). The floor reads the same rows
with one raw SELECT and hashes the same number of bytes with hashlib: the least any check of
the chain must do. The log is written before timing, with raw INSERTs of entries hashed exactly
as portal.audit.services.audit_record hashes them (appending 100,000 entries one by one
through the service would only measure the writes).

Usage: python bench/bench_ledger.py [--entries N] [--runs N] [--out FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's code, before bench_engine imports dti

from bench_engine import Timing, machine, measure, positive, status  # noqa: E402

TARGET_RATIO = 3.9  # at most this many times the floor: the check's ratio before sealing came


def setup_django(database: Path, *, postgres: bool = False) -> None:
    """Django on a fresh SQLite file `database`, or (`postgres`) on the PostgreSQL of
    DTI_DATABASE_URL, as scripts/with-postgres sets it; migrated."""
    if not postgres:
        os.environ["DTI_DATABASE_URL"] = f"sqlite:///{database}"
    elif not os.environ.get("DTI_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--postgres needs DTI_DATABASE_URL (run under scripts/with-postgres)")
    # A throwaway portal on a laptop: development mode, as `make run` (the default is production's).
    os.environ.setdefault("DTI_DEBUG", "1")
    # The check checkpoints the chain: beside this throwaway database, not in var/.
    os.environ["DTI_AUDIT_ANCHOR_DIR"] = str(database.parent / "audit-anchor")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def database_described() -> str:
    """The database the benchmark ran on, as its report names it: SQLite, or PostgreSQL's
    version and whether its commits wait for the disk (scripts/with-postgres --durable, as
    a production server runs, or the tests' server, which does not)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "SQLite (WAL, `synchronous=FULL`)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
        cursor.execute("SHOW fsync")
        (fsync,) = cursor.fetchone()
        cursor.execute("SHOW synchronous_commit")
        (synchronous,) = cursor.fetchone()
    return f"PostgreSQL {version} (`fsync={fsync}`, `synchronous_commit={synchronous}`)"


def write_log(entries: int) -> str:
    """`entries` chained entries, sealed, as the portal writes them; returns the last hash."""
    from django.db import connection, transaction

    from dti.ledger import GENESIS, link_hash
    from portal.audit.models import AuditEntry, AuditHead

    table = AuditEntry._meta.db_table
    start = datetime(2025, 4, 1, tzinfo=UTC)
    previous, rows = GENESIS, []
    for pk in range(1, entries + 1):
        entry = AuditEntry(
            pk=pk,
            at=start + timedelta(seconds=pk),
            actor_name="Nguyễn Thị Lan",
            criterion=f"tc_{pk % 100}",
            entity="answer",
            entity_id=str(pk % 5000),
            action="save",
            old={"value": str(pk % 97), "note": ""},
            new={"value": str(pk % 89), "note": "Theo báo cáo quý"},
            reason="",
            seq=pk,  # its place in the chain
            previous_hash=previous,
        )
        entry.hash = link_hash(previous, entry.content())
        rows.append(entry)
        previous = entry.hash
    columns = ["id", "at", "actor_name", "criterion", "entity", "entity_id", "action", "old",
               "new", "reason", "seq", "previous_hash", "hash"]  # fmt: skip
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    field = AuditEntry._meta.get_field
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [
                    field(c).get_db_prep_value(getattr(r, field(c).attname), connection)
                    for c in columns
                ]
                for r in rows
            ],
        )
        AuditHead.objects.update_or_create(
            pk=1, defaults={"last_hash": previous, "count": entries, "last_id": entries}
        )
    return previous


def floor() -> int:
    """One raw SELECT of every entry, and SHA-256 over the same text, chained."""
    from django.db import connection

    from portal.audit.models import AuditEntry

    digest = "0" * 64
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, at, actor_name, criterion, entity, entity_id, action, old, new, reason, "
            f"previous_hash, hash FROM {AuditEntry._meta.db_table} ORDER BY id"
        )
        for row in cursor:
            text = "|".join(str(value) for value in row[:10]).encode()
            digest = hashlib.sha256(digest.encode() + text).hexdigest()
            count += 1
    return count


def check() -> int:
    from portal.audit.verify import audit_log_verify

    report = audit_log_verify()
    assert report.intact, report.verdict.broken
    return report.verdict.checked


EXPORT_TARGETS = {"first": 1.0, "csv": 3.0, "xlsx": 10.0}  # seconds, as the production issue sets


@dataclass(frozen=True)
class Exported:
    first: Timing  # the CSV's first piece (the download starts)
    csv: Timing  # the whole CSV
    xlsx: Timing  # the whole XLSX
    library: Timing  # XlsxWriter alone writing the XLSX's cells, made beforehand


def exports_of(entries: int, runs: int) -> Exported:
    """The office's download of the whole log of one campaign holding every entry, as the
    export view makes it (the view streams the CSV's pieces as they are made)."""
    from django.db import connection

    from portal.accounts.models import Province
    from portal.audit.models import AuditEntry
    from portal.auditlog import exports, selectors
    from portal.auditlog.permissions import LogScope
    from portal.campaigns.models import Campaign

    province = Province.objects.create(code="tinh-thu", name="Tỉnh Thử")
    campaign = Campaign.objects.create(province=province, year=2025, title="Đánh giá 2025")
    with connection.cursor() as cursor:  # the ORM refuses to change an entry: the fixture may
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET campaign_id = %s, province_id = %s",
            [campaign.pk, province.pk],
        )
    scope = LogScope(campaign=campaign, unit_ids=None, office_admin=True)

    def rows() -> Iterator[object]:
        return selectors.export_rows(scope, selectors.LogFilter(), {})

    def first() -> int:
        pieces = exports.log_csv(rows())
        size = len(next(pieces))
        pieces.close()
        return size

    def csv() -> int:
        return sum(len(piece) for piece in exports.log_csv(rows()))

    def xlsx() -> int:
        return len(exports.log_xlsx(rows(), "Nhật ký thay đổi"))

    lines = sum(piece.count(b"\r\n") for piece in exports.log_csv(rows()))
    assert lines == entries + 1, lines  # every entry, and the header
    cells = list(exports.xlsx_cells(rows()))

    def library() -> int:
        """The floor of the XLSX: XlsxWriter's constant-memory workbook given the same
        cells, each written by its type as the export writes it, without formats."""
        from io import BytesIO

        import xlsxwriter

        out = BytesIO()
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        sheet = book.add_worksheet(exports.SHEET)
        for line, (number, moment, *texts) in enumerate(cells):
            sheet.write_number(line, 0, number)
            sheet.write_datetime(line, 1, moment)
            for column, text in enumerate(texts, start=2):
                if text is not None:
                    sheet.write_string(line, column, text)
        book.close()
        return len(out.getvalue())

    # the whole files once each (after a warm-up): at 100,000 entries they take seconds
    return Exported(measure(first, runs), measure(csv, 1), measure(xlsx, 1), measure(library, 1))


def report(
    entries: int,
    runs: int,
    checked: Timing,
    bottom: Timing,
    host: dict[str, str],
    exported: Exported,
) -> str:
    from portal.auditlog.exports import COLUMNS as EXPORT_COLUMNS
    from portal.auditlog.exports import CSV_BATCH as csv_batch

    export_rows = "\n".join(
        f"| {what} | {timed.median:.3f} | {timed.min:.3f} | ≤ {EXPORT_TARGETS[key]:g} s | "
        f"{status(timed.median <= EXPORT_TARGETS[key])} |"
        for key, what, timed in (
            ("first", "CSV, first piece", exported.first),
            ("csv", "CSV, whole file", exported.csv),
            ("xlsx", "XLSX, whole file", exported.xlsx),
        )
    )
    export_rows += (
        f"\n| floor: XlsxWriter alone, the XLSX's cells | {exported.library.median:.3f} | "
        f"{exported.library.min:.3f} | | |"
    )
    xlsx_ratio = exported.xlsx.median / exported.library.median

    ratio = checked.median / bottom.median
    met = status(ratio <= TARGET_RATIO)
    verdict = f"{entries:,} entries checked in {checked.median:.2f} s, {ratio:.1f}× the floor"
    machine_rows = "\n".join(f"| {name} | {value} |" for name, value in host.items())
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""# Audit trail: checking the chain

Measured {when} by `make bench` (`bench/bench_ledger.py`).

**Verdict:** {verdict} (≤ {TARGET_RATIO:g}× {met}).

## What is measured

`portal.audit.verify.audit_log_verify()`, the function behind `manage.py audit_log_verify`, on a
SQLite file (WAL) holding {entries:,} audit entries and the head row: it reads every entry in
the chain's order with one plain SELECT, rebuilds what each hash covers (canonical JSON) and
checks every link of the chain with `dti.ledger.verify`. The entries are written before
timing with raw INSERTs, hashed as `audit_record` hashes them.

The floor reads the same rows with one raw `SELECT … ORDER BY id` and chains SHA-256 over the
same columns' text: no model instances, no canonical JSON. It is the least any check of the
chain must do.

Each timing is warmed up once, then run {runs} times with `time.perf_counter`.

## Machine

| | |
|---|---|
{machine_rows}

## Results

| | median (s) | min (s) | runs |
|---|---:|---:|---:|
| `audit_log_verify()` | {checked.median:.3f} | {checked.min:.3f} | {runs} |
| floor (raw SELECT + SHA-256) | {bottom.median:.3f} | {bottom.min:.3f} | {runs} |

- Ratio check / floor (medians): **{ratio:.1f}×**
- Per entry: {checked.median / entries * 1e6:.1f} µs

## Targets

- The check costs at most {TARGET_RATIO:g}× the floor: {met}.

## Exports of the trail

The office downloads the whole log of one campaign holding all {entries:,} entries
(`portal.auditlog.exports` over `selectors.export_rows`, as the export view calls them). The
CSV is streamed: the view sends the byte order mark and the header before it reads any
entry, then every {csv_batch} entries. The XLSX is written by XlsxWriter in its
constant-memory mode, by the task worker (a job). The first piece is timed {runs} times; each
whole file once, after a warm-up. The floor of the XLSX is XlsxWriter's workbook alone, given
the very cells the export writes, made beforehand: what any export of these entries through
the library costs.

| | median (s) | min (s) | target | |
|---|---:|---:|---:|---|
{export_rows}

- XLSX / its floor: **{xlsx_ratio:.2f}×**. Of the whole file's time, the export's own work
  (reading the entries, putting their values in words, making text inert) is the part
  above the floor; the rest is XlsxWriter writing {entries * len(EXPORT_COLUMNS):,} cells.
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=positive, default=100_000)
    parser.add_argument("--runs", type=positive, default=3)
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    options = parser.parse_args(argv)
    host = machine()  # the load average before the work starts
    with tempfile.TemporaryDirectory(prefix="dti-bench-ledger-") as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        write_log(options.entries)
        assert check() == floor() == options.entries  # every entry is read, and intact
        checked = measure(check, options.runs)
        bottom = measure(floor, options.runs)
        exported = exports_of(options.entries, options.runs)
        text = report(options.entries, options.runs, checked, bottom, host, exported)
    if options.out:
        options.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
