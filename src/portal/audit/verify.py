"""Checking the audit trail's hash chain in the configured database: `manage.py
audit_log_verify` (portal/audit/management/commands/) and the office admin's "Kiểm tra tính
toàn vẹn" button both call `audit_log_verify`.

The sealed entries are streamed in their chain order (`seq`) through dti.ledger.verify. The
head is read before them (its hash must sit at its count) and again after them, so entries
sealed while the log is being read are accepted and entries inserted behind the log's back
are not. Entries still pending (written, not yet sealed: portal.audit.sealing) are counted
with the age of the oldest; a pending row that does not carry the mark the portal gave it
was written behind the portal's back, and breaks the verdict.

Every checkpoint of the anchor outside the database (portal.audit.anchor) is checked too, and
an intact chain is checkpointed at the end."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from dti.anchor import AnchorDamaged
from dti.ledger import (
    UNHASHABLE,
    Break,
    Checkpoint,
    Entry,
    Head,
    Verdict,
    link_hash,
    verify,
)
from portal.audit.anchor import anchor, checkpoint_write
from portal.audit.models import HASHED_FIELDS, AuditEntry, AuditHead, CarriedEntry, hashed_content
from portal.audit.rows import what_changed
from portal.audit.sealing import HEAD, mark_holds
from portal.moments import moment_text

CHUNK = 2000  # entries per round trip while streaming
UNREADABLE = "unreadable_at"  # an entry's content, read back, when its time is no time


class LogUnreadable(Exception):
    """The log cannot be checked: the database is unreachable or not migrated."""


@dataclass(frozen=True)
class Kept:
    """A head hash kept elsewhere earlier, and where the chain has it now (position 0: the
    empty log's; None: nowhere, the log was rewritten since)."""

    hash: str
    entry_id: int | None
    position: int | None


@dataclass(frozen=True)
class AnchorCheck:
    """The checkpoints read from the anchor and checked against the chain, the newest's
    time; `unreadable`: why the anchor could not be read (then nothing was checked);
    `not_written`: why the checkpoint at the end of the check could not be written."""

    checked: int = 0
    newest: str | None = None
    unreadable: str | None = None
    not_written: str | None = None


@dataclass(frozen=True)
class Pending:
    """Entries written but not yet sealed into the chain: how many, when the oldest was
    written, and the ids of those whose mark does not hold (written behind the portal's
    back)."""

    count: int = 0
    oldest: datetime | None = None
    forged: tuple[int, ...] = ()


@dataclass(frozen=True)
class CarriedCheck:
    """Entries carried in with campaign archives (CarriedEntry): how many were checked, and
    the campaigns whose carried entries no longer hold: an entry whose hash its content
    does not give, or entries added, removed or replaced since the import, whose entry in
    this chain pins a digest of all their hashes."""

    count: int = 0
    changed: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChainReport:
    verdict: Verdict
    count: int | None  # entries the head records, read after them (None: the head is gone)
    head_hash: str
    entry: AuditEntry | None  # the broken entry as it is stored now (None if intact or gone)
    kept: Kept | None = None
    anchor: AnchorCheck = AnchorCheck()
    pending: Pending = Pending()
    carried: CarriedCheck = CarriedCheck()

    @property
    def intact(self) -> bool:
        return (
            self.verdict.intact
            and not self.pending.forged
            and not self.carried.changed
            and (self.kept is None or self.kept.position is not None)
            and self.anchor.unreadable is None
        )


def audit_log_verify(
    *, using: str = DEFAULT_DB_ALIAS, chunk_size: int = CHUNK, kept: str | None = None
) -> ChainReport:
    """Walk the whole chain; raise LogUnreadable when the database cannot be read. `kept`,
    a head hash kept elsewhere earlier, must be the hash of one of the entries. An intact
    chain is checkpointed in the anchor at the end."""
    _require_migrated(using)
    checkpoints, checked = _checkpoints()
    try:
        verdict, head = _walk(using, chunk_size, checkpoints)
        broken = verdict.broken
        entry = None
        if broken is not None and broken.id is not None:
            entry = _entry(using, broken.id)
        found = _find_kept(using, kept) if kept else None
        pending = _pending(using)
        carried = _carried(using)
    except DatabaseError as error:
        raise LogUnreadable(_unreadable(error)) from error
    if head is None:
        return ChainReport(
            verdict, None, verdict.last_hash, entry, found, checked, pending, carried
        )
    report = ChainReport(verdict, head.count, head.hash, entry, found, checked, pending, carried)
    kept_ok = found is None or found.position is not None
    if verdict.intact and kept_ok and head.count:  # even if the anchor could not be read
        failure = checkpoint_write(head.count, head.hash)
        report = replace(report, anchor=replace(checked, not_written=failure))
    return report


def _checkpoints() -> tuple[list[Checkpoint], AnchorCheck]:
    try:
        checkpoints = anchor().checkpoints()
    except (OSError, UnicodeDecodeError, AnchorDamaged) as error:
        reason = gettext("Không đọc được tệp mốc neo %(path)s: %(error)s") % {
            "path": anchor().path,
            "error": error,
        }
        return [], AnchorCheck(unreadable=reason)
    newest = max((c.at for c in checkpoints), default=None)
    return checkpoints, AnchorCheck(len(checkpoints), newest)


def _walk(
    using: str, chunk_size: int, checkpoints: list[Checkpoint]
) -> tuple[Verdict, Head | None]:
    """The verdict, and the head as read after the entries."""
    rows = _stored(using, chunk_size, sealed=True)
    before = _head(using)
    if before is None:  # deleted: the chain alone can still be checked
        verdict = verify(rows, checkpoints=checkpoints)
        if verdict.intact and verdict.checked:
            verdict = Verdict(verdict.checked, verdict.last_hash, _head_missing(verdict))
        return verdict, None
    after: list[Head] = []

    def count_after() -> int:
        after.append(_head(using) or before)
        return after[0].count

    verdict = verify(rows, head=before, count_after=count_after, checkpoints=checkpoints)
    return verdict, after[0] if after else before


def _stored(using: str, chunk_size: int, *, sealed: bool) -> Iterator[Entry]:
    """The sealed entries in chain order, or the pending ones in id order (their `hash`
    the writer's mark), each with the content its hash covers, read with one plain SELECT:
    the ORM's converters took a third of the check's time. Each value is converted as the
    entry's field converts it: a time made aware in the connection's zone (UTC) where it
    names none, JSON decoded as JSONField decodes it. A row whose time is no time was
    changed behind the portal's back: its content is that text, which no hash matches."""
    connection = connections[using]
    quote = connection.ops.quote_name
    by_attname = {field.attname: field for field in AuditEntry._meta.concrete_fields}
    columns = [quote(str(by_attname[name].column)) for name in HASHED_FIELDS]
    at, old, new = (HASHED_FIELDS.index(name) for name in ("at", "old", "new"))
    if connection.vendor == "sqlite":  # as text: the driver's own reading fails on 30 February
        columns[at] = f"CAST({columns[at]} AS TEXT)"
    elif connection.vendor == "postgresql":  # none beyond Python's years: the driver fails
        columns[at] = (
            f"CASE WHEN {columns[at]} >= '0001-01-01 00:00:00+00' "
            f"AND {columns[at]} < '10000-01-01 00:00:00+00' THEN {columns[at]} END"
        )
    seq = quote("seq")
    where, order = (f"{seq} IS NOT NULL", seq) if sealed else (f"{seq} IS NULL", quote("id"))
    # names from the model's metadata, quoted; no value in the statement
    sql = (
        f"SELECT {', '.join(columns)}, {quote('previous_hash')}, {quote('hash')} "  # noqa: S608
        f"FROM {quote(AuditEntry._meta.db_table)} WHERE {where} ORDER BY {order}"
    )
    zone = connection.timezone or UTC  # the connection's zone: UTC with USE_TZ
    # chunked: a server-side cursor on PostgreSQL, so a long log is never held whole
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_size):
            for row in rows:
                *hashed, previous, digest = row
                stored_at, hashed[at] = hashed[at], _moment(hashed[at], zone)
                hashed[old], hashed[new] = _json(hashed[old]), _json(hashed[new])
                content = None
                if hashed[at] is not None:
                    with suppress(OverflowError):  # a time with none in UTC (past 9999)
                        content = hashed_content(*hashed)
                if content is None:
                    content = {"id": hashed[0], UNREADABLE: str(stored_at)}
                yield Entry(hashed[0], content, previous, digest)


def _moment(value: object, zone: tzinfo) -> datetime | None:
    """A stored `at` as DateTimeField reads it: aware as PostgreSQL's driver gives it; on
    SQLite, text read by Django's parser, in the connection's zone (UTC) where it names
    none, as Django makes it aware. None where it is no time (a row changed behind the
    portal's back: its hash cannot match)."""
    try:
        parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    except ValueError:  # the shape of a time, but none (30 February)
        return None
    if parsed is None or parsed.tzinfo is not None:
        return parsed
    return parsed.replace(tzinfo=zone)


def _json(value: object) -> object:
    """A stored JSON value as JSONField reads it (json.loads): decoded, or as it is where
    it is not JSON (SQLite holds any text, or a blob: then its hash cannot match). The
    decoder is called directly where the text is one value and nothing around it, as the
    portal stores it; json.loads's own look for surrounding spaces was a tenth of the
    check."""
    if isinstance(value, str):
        try:
            decoded, end = _DECODER.raw_decode(value)
            if end == len(value):
                return decoded
        except (ValueError, RecursionError):
            pass  # spaces before it, or not JSON: as json.loads says
    if not isinstance(value, str | bytes | bytearray):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value


_DECODER = json.JSONDecoder()


def _mark_holds(entry: Entry) -> bool:
    """Whether a pending row carries the mark the portal gave its content; a mark or a
    content no writer can make (a blob, infinity) does not."""
    try:
        return isinstance(entry.hash, str) and mark_holds(entry.hash, dict(entry.content))
    except UNHASHABLE:
        return False


def _entry(using: str, pk: int) -> AuditEntry | None:
    """The broken entry as stored, to describe it; None where it cannot be read (a time
    that is no time, or past year 9999: the break names it by its id alone)."""
    try:
        with transaction.atomic(using=using):  # a refused read leaves no transaction broken
            return AuditEntry.objects.using(using).filter(pk=pk).first()
    except (DatabaseError, *UNHASHABLE):
        return None


def _find_kept(using: str, kept: str) -> Kept:
    """Where the kept hash is. Every row was walked, so when the chain holds, a row with
    that hash is a link of it, and every entry up to it is as it was when it was kept."""
    entries = AuditEntry.objects.using(using).filter(seq__isnull=False)
    found = entries.filter(hash=kept).values_list("pk", "seq").first()
    if found is None:
        return Kept(kept, None, None)
    return Kept(kept, found[0], entries.filter(seq__lte=found[1]).count())


def _pending(using: str) -> Pending:
    count, oldest, forged = 0, None, []
    for entry in _stored(using, CHUNK, sealed=False):
        count += 1
        unreadable = UNREADABLE in entry.content
        at = None if unreadable else datetime.fromisoformat(entry.content["at"])
        if at is not None:
            oldest = at if oldest is None else min(oldest, at)
        if at is None or not _mark_holds(entry):
            forged.append(entry.id)
    return Pending(count, oldest, tuple(forged))


def _carried(using: str) -> CarriedCheck:
    """Each campaign's carried entries, in the order they were kept, against the digest its
    import entry pins (portal.backups.campaign_import), each entry's hash recomputed. The
    import entry counts from when it is written, sealed or still pending (whose mark is
    checked with the others'). A campaign found wrong is read again once: an import that
    committed between the two reads is no change behind the portal's back."""
    count, changed = _carried_read(using, None)
    if changed:
        _, changed = _carried_read(using, changed)
    return CarriedCheck(count, tuple(sorted(changed)))


def _carried_read(using: str, only: set[int] | None) -> tuple[int, set[int]]:
    imports = AuditEntry.objects.using(using).filter(entity="campaign", action="import")
    rows = CarriedEntry.objects.using(using)
    if only is not None:
        imports, rows = imports.filter(campaign_id__in=only), rows.filter(campaign_id__in=only)
    pinned = {
        campaign: new.get("carried_digest") if isinstance(new, dict) else None
        for campaign, new in imports.values_list("campaign_id", "new")
    }
    count, changed = 0, set()
    hashes: dict[int, list[str]] = {}
    listed = rows.order_by("campaign_id", "pk").values_list(
        "campaign_id", "previous_hash", "hash", "content"
    )
    for campaign, previous, digest, content in listed.iterator(chunk_size=CHUNK):
        count += 1
        hashes.setdefault(campaign, []).append(digest)
        try:
            holds = link_hash(previous, content) == digest
        except (TypeError, ValueError):
            holds = False
        if not holds:
            changed.add(campaign)
    for campaign in set(hashes) | {c for c, d in pinned.items() if d and d != EMPTY_CARRIED}:
        if pinned.get(campaign) != carried_digest(hashes.get(campaign, [])):
            changed.add(campaign)
    return count, changed


def carried_digest(hashes: list[str]) -> str:
    """What the import entry pins of the entries it carried in: one SHA-256 over their
    hashes, in the order they were kept."""
    return hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()


EMPTY_CARRIED = hashlib.sha256(b"").hexdigest()


def _head(using: str) -> Head | None:
    row = AuditHead.objects.using(using).filter(pk=HEAD).first()
    return None if row is None else Head(row.count, row.last_hash, row.last_id)


def _head_missing(verdict: Verdict) -> Break:
    reason = gettext(
        "dòng đầu chuỗi (AuditHead) đã bị xoá khỏi cơ sở dữ liệu: không còn kiểm tra được "
        "các mục cuối có bị xoá hay không"
    )
    return Break(None, verdict.checked + 1, reason)


def _require_migrated(using: str) -> None:
    try:
        executor = MigrationExecutor(connections[using])
        targets = [key for key in executor.loader.graph.leaf_nodes() if key[0] == "audit"]
        missing = executor.migration_plan(targets)
    except DatabaseError as error:
        raise LogUnreadable(_unreadable(error)) from error
    if missing:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in missing[:3])
        raise LogUnreadable(
            gettext(
                "Cơ sở dữ liệu chưa được cập nhật cấu trúc (còn %(count)s bước, ví dụ %(names)s): "
                "hãy chạy `python manage.py migrate` trước khi kiểm tra nhật ký."
            )
            % {"count": len(missing), "names": names}
        )


def _unreadable(error: DatabaseError) -> str:
    return gettext("Không đọc được cơ sở dữ liệu: %(error)s") % {"error": str(error).strip()}


def report_lines(report: ChainReport, *, province_id: int | None = None) -> list[str]:
    """The verdict in words, for the CLI and the page. With `province_id` (the page), the
    broken entry is described only if it is of that province: the chain is shared by every
    province, their entries are not."""
    verdict, broken = report.verdict, report.verdict.broken
    if broken is None and report.pending.forged:
        lines = [
            *_forged_lines(report.pending),
            gettext("%(count)s mục đã nối vào chuỗi vẫn khớp mã băm từ mục đầu đến mục cuối.")
            % {"count": verdict.checked},
        ]
        return (
            lines
            + _waiting_lines(report.pending)
            + _anchor_lines(report.anchor)
            + _carried_lines(report.carried)
        )
    if broken is None:
        lines = [
            gettext("Nhật ký toàn vẹn: %(count)s mục, chuỗi mã băm khớp từ mục đầu đến mục cuối.")
            % {"count": verdict.checked},
            gettext("Mã cuối của chuỗi: %(hash)s (nên lưu ở nơi khác để đối chiếu về sau).")
            % {"hash": report.head_hash},
        ]
        return (
            lines
            + _waiting_lines(report.pending)
            + _kept_lines(report.kept, None)
            + _anchor_lines(report.anchor)
            + _carried_lines(report.carried)
        )
    entry = f"#{broken.id}" if broken.id is not None else gettext("đã mất")
    where = {"entry": entry, "position": broken.position, "count": report.count}
    lines = [
        gettext(
            "Nhật ký đã bị thay đổi ngoài cổng: chuỗi gãy tại mục %(entry)s "
            "(vị trí %(position)s trong chuỗi; sổ ghi có %(count)s mục)."
        )
        % where
        if report.count is not None
        else gettext(
            "Nhật ký đã bị thay đổi ngoài cổng: chuỗi gãy tại mục %(entry)s "
            "(vị trí %(position)s trong chuỗi)."
        )
        % where,
        gettext("Lý do: %(reason)s.") % {"reason": broken.reason},
    ]
    stored = report.entry
    if stored is not None and (province_id is None or stored.province_id == province_id):
        lines.append(_described(stored))
    if broken.anywhere_before:
        lines.append(
            gettext(
                "Không mục nào đến vị trí %(position)s còn được bảo đảm: hãy đối chiếu với bản "
                "sao lưu."
            )
            % {"position": broken.position}
        )
    else:
        lines.append(gettext("%(count)s mục trước đó còn nguyên vẹn.") % {"count": verdict.checked})
    return (
        lines
        + _forged_lines(report.pending)
        + _waiting_lines(report.pending)
        + _kept_lines(report.kept, broken)
        + _anchor_lines(report.anchor)
        + _carried_lines(report.carried)
    )


def _carried_lines(carried: CarriedCheck) -> list[str]:
    if carried.changed:
        return [
            gettext(
                "Nhật ký mang sang (nhập cùng tệp lưu trữ) của đợt số %(campaigns)s đã bị thay "
                "đổi ngoài cổng: có mục không khớp mã băm, hoặc bị thêm, xoá, thay sau khi nhập."
            )
            % {"campaigns": ", ".join(str(c) for c in carried.changed)}
        ]
    if carried.count:
        return [
            gettext(
                "%(count)s mục nhật ký mang sang từ hệ thống khác cùng các đợt đã nhập: khớp "
                "mã băm và khớp bản ghi lúc nhập."
            )
            % {"count": carried.count}
        ]
    return []


def _waiting_lines(pending: Pending) -> list[str]:
    if pending.count == len(pending.forged):
        return []
    return [
        gettext(
            "%(count)s mục mới ghi đang chờ nối vào chuỗi (mục sớm nhất ghi lúc %(at)s): mỗi "
            "mục được nối ngay sau khi lưu, bộ xử lý việc nền nối những mục còn sót vài giây "
            "một lần."
        )
        % {
            "count": pending.count - len(pending.forged),
            "at": moment_text(pending.oldest) if pending.oldest else "—",
        }
    ]


def _forged_lines(pending: Pending) -> list[str]:
    if not pending.forged:
        return []
    ids = ", ".join(f"#{pk}" for pk in pending.forged[:10])
    return [
        gettext(
            "Nhật ký đã bị thay đổi ngoài cổng: %(count)s mục chờ nối (%(ids)s) không mang "
            "dấu mà cổng đã ghi cho chúng: chúng bị chèn hoặc sửa thẳng trong cơ sở dữ liệu "
            "và sẽ không được nối vào chuỗi."
        )
        % {"count": len(pending.forged), "ids": ids}
    ]


def _anchor_lines(anchor: AnchorCheck) -> list[str]:
    if anchor.unreadable is not None:
        return [anchor.unreadable]
    if not anchor.checked:
        return [gettext("Chưa có mốc neo nào ngoài cơ sở dữ liệu để đối chiếu.")]
    return [
        gettext("Đã đối chiếu %(count)s mốc neo ngoài cơ sở dữ liệu; mốc mới nhất lúc %(at)s.")
        % {"count": anchor.checked, "at": _local(anchor.newest)}
    ]


def _local(at: str | None) -> str:
    if at is None:
        return "—"
    return moment_text(datetime.fromisoformat(at))


def _kept_lines(kept: Kept | None, broken: Break | None) -> list[str]:
    if kept is None:
        return []
    if kept.position is None:
        return [
            gettext(
                "Mã đã lưu %(hash)s không có trong chuỗi: nhật ký đã bị viết lại từ sau lần "
                "lưu mã đó (hoặc mã không phải của cơ sở dữ liệu này)."
            )
            % {"hash": kept.hash}
        ]
    if broken is not None and broken.anywhere_before and kept.position >= broken.position:
        # The chain was recomputed past the kept hash's position: finding it there proves
        # nothing (it may be a hash read from the rewritten chain itself).
        return [
            gettext("Mã đã lưu có trong chuỗi ở vị trí %(position)s.") % {"position": kept.position}
        ]
    return [
        gettext("Mã đã lưu có trong chuỗi ở vị trí %(position)s: các mục đến đó không bị viết lại.")
        % {"position": kept.position}
    ]


def _moment_words(at: datetime) -> str:
    """The entry's time as the pages write it; as stored where it has no local time (a
    time changed behind the portal's back to the edge of the calendar)."""
    try:
        return moment_text(at)
    except (OverflowError, ValueError):
        return str(at)


def _described(entry: AuditEntry) -> str:
    where = []
    if entry.unit_id is not None:
        # Through the entry's own reference: the trail reads no other app's module.
        name = AuditEntry.objects.filter(pk=entry.pk).values_list("unit__name", flat=True)[0]
        where.append(gettext("đơn vị %(unit)s") % {"unit": name or f"#{entry.unit_id}"})
    if entry.criterion:
        where.append(gettext("tiêu chí %(code)s") % {"code": entry.criterion})
    return gettext("Mục này, như đang lưu: lúc %(at)s, %(actor)s, %(what)s%(where)s.") % {
        "at": _moment_words(entry.at),
        "actor": entry.actor_name or "—",
        "what": what_changed(entry.entity, entry.action),
        "where": "".join(f", {part}" for part in where),
    }
