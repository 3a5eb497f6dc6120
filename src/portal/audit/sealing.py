"""Sealing the audit trail: linking entries into the hash chain after the change they
describe has committed, in a short step of its own (docs/decisions.md, "The audit trail
without a global lock").

A writer inserts its entries *pending*: no place in the chain yet (`seq` empty), and in
place of a hash a mark, `pending-` + a random nonce + an HMAC (keyed by the portal's
SECRET_KEY) of the nonce and the entry's content. No lock is taken, so saves of different
units never wait for one another. Once the writer's transaction commits, `audit_seal` locks
the chain's head for a few milliseconds, reads every pending entry in id order, checks its
mark, hashes it onto the chain, gives it the next position (`seq`) and moves the head. The
chain's order is the order of sealing, which may differ from the ids' order when two
transactions commit in the other order than they started.

Nothing is lost if the process stops between the commit and the seal: the task worker
seals whatever is pending at each heartbeat, and `verify` reports entries still pending and
how old the oldest is. A pending row whose mark does not match its content, or whose mark
is missing, was written or changed behind the portal's back: it is never sealed, and
`verify` reports it as a break.

On SQLite none of this is needed: a transaction that writes holds the database's one write
lock from its first statement, so the writer links its entries into the chain as it
inserts them (`append_sealed`), and they are never pending. On PostgreSQL a writer whose
transaction ends right after its entries (a unit's save of its answers) links them so too,
locking the head for the end of its transaction only: the seal after the commit would cost
it a second transaction, a second wait for the disk, and the head's lock all the same.
Other writers keep their entries pending: their transactions go on after them (a
finalization, an import), and the head must not stay locked that long."""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from dti.ledger import GENESIS, canonical_json, encoded_link_hash, link_hash
from portal.audit.anchor import checkpoint_after_commit, checkpoint_if_due
from portal.audit.models import HASHED_FIELDS, AuditEntry, AuditHead, hashed_content
from portal.compiled import Compiled

HEAD = 1  # the primary key of the one AuditHead row
PENDING = "pending-"
NONCE = 16  # hex digits of the nonce; with the prefix and 40 of HMAC: the hash column's 64
MAC = 40
SALT = "portal.audit.sealing.pending"
SEAL_BATCH = 5000  # entries sealed per transaction at most (a backlog is sealed in steps)
logger = logging.getLogger("portal.audit.sealing")


def pending_mark(content: dict[str, Any]) -> str:
    """The mark of a pending entry with this content (its id, unknown before the insert,
    left out)."""
    nonce = secrets.token_hex(NONCE // 2)
    return PENDING + nonce + _mac(nonce, content)


def sealed_with_writer(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether a writer links its entries into the chain itself, as it inserts them
    (`append_sealed`): on SQLite, where a transaction that writes holds the database's one
    write lock from its first statement, so writers take turns anyway."""
    return connections[using].vendor == "sqlite"


def append_sealed(entries: list[AuditEntry], using: str = DEFAULT_DB_ALIAS) -> None:
    """Insert entries already linked into the chain, under the head's lock, which the
    writer's transaction then holds until it commits: each entry gets its id (on SQLite
    `_head_and_next_ids`, on PostgreSQL `_locked_head_and_ids`), its place and its hash
    before the insert, and is never pending (no mark, and no update of the rows just
    written).

    On SQLite every writer does so: a transaction that writes holds the database's one
    write lock anyway. Entries left pending before are sealed first, so the chain keeps the
    ids' order. On PostgreSQL a writer does so when nothing is left of its transaction but
    the commit (a save: `audit_append(linked=True)`): the ids come from the table's
    sequence, taken by the statement that locks the head, and the entries' old and new
    values were encoded for their hashes when they were built, so the head is locked only
    while the hashes are chained, the rows put together and inserted with the head's move
    (one statement) and the transaction committed. What others left pending is sealed
    after their commits, as always."""
    with transaction.atomic(using=using, savepoint=False):
        if sealed_with_writer(using):  # SQLite: ids chosen under the lock, after what was
            head, ids = _head_and_next_ids(using, len(entries))  # left pending
        else:  # PostgreSQL: ids from the table's sequence, taken as the head is locked
            head, ids = _locked_head_and_ids(using, len(entries))
        for entry, pk in zip(entries, ids, strict=True):
            entry.pk = pk
        last_hash, position = head.last_hash, head.count
        for entry in entries:
            position += 1
            entry.seq, entry.previous_hash = position, last_hash
            entry.hash = last_hash = encoded_link_hash(last_hash, entry.encoded())
        head.last_hash, head.count, head.last_id = last_hash, position, entries[-1].pk
        _moved(AuditEntry.objects.using(using).append_sealed(entries, then=_move(using, head)))
    checkpoint_after_commit(using, position)


# Whether any entry is pending: looked at at every heartbeat of the task worker and, on
# SQLite, by a writer whose read of the head found one (a writer looks in that statement:
# `_head_and_next_ids`); composed once (portal.compiled).
_PENDING = Compiled(lambda: AuditEntry.objects.filter(seq__isnull=True).values_list("pk")[:1])


def _next_ids(using: str, count: int) -> list[int]:
    """Ids for `count` new entries, in order. On PostgreSQL taken from the table's own
    sequence, so no other writer gets them. On SQLite, whose writer holds the database's
    write lock, the ids AUTOINCREMENT would give: above every id it ever gave
    (sqlite_sequence) and every id in the table."""
    table, key = AuditEntry._meta.db_table, AuditEntry._meta.pk.column
    with connections[using].cursor() as cursor:
        if connections[using].vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, key, count],
            )
            return sorted(int(pk) for (pk,) in cursor.fetchall())
        cursor.execute(f"SELECT {_LAST_ID}", [table])
        (last,) = cursor.fetchone()
    return _ids_after(last, count)


# SQLite: the last id AUTOINCREMENT gave or the table holds, whichever is greater; the
# entries' table named by a parameter (the model's own), in `_next_ids` and
# `_head_and_next_ids`.
_LAST_ID = (
    "MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
    f'COALESCE((SELECT MAX("{AuditEntry._meta.pk.column}") '
    f'FROM "{AuditEntry._meta.db_table}"), 0))'
)


def _ids_after(last: Any, count: int) -> list[int]:
    return list(range(int(last) + 1, int(last) + 1 + count))


def _head_and_next_ids(using: str, count: int) -> tuple[AuditHead, list[int]]:
    """SQLite, whose writer holds the database's write lock: the head, whether any entry is
    pending, and the ids `_next_ids` would give, in one statement, where they took three
    (a save holds the lock that every other writer waits for while it runs them). Entries
    left pending are sealed first, and a head deleted behind the portal's back rebuilt, as
    `_locked_head` and `audit_seal` do: then the ids are read again, after them."""
    with connections[using].cursor() as cursor:
        cursor.execute(_head_sql(using).numbering, [AuditEntry._meta.db_table, HEAD])
        row = cursor.fetchone()
    if row is not None and not row[len(_HEAD_FIELDS)]:
        *fields, _, last = row
        return AuditHead(pk=HEAD, **dict(zip(_HEAD_FIELDS, fields, strict=True))), _ids_after(
            last, count
        )
    head = _locked_head(using)
    if _PENDING.rows(using):
        audit_seal(using)  # that entry, or what was left pending, first
        head = _locked_head(using)
    return head, _next_ids(using, count)


def mark_holds(mark: str, content: dict[str, Any]) -> bool:
    """Whether `mark` was made by this portal for this content (the current SECRET_KEY or
    one of its fallbacks, as Django's signing accepts them)."""
    if not mark.startswith(PENDING) or len(mark) != len(PENDING) + NONCE + MAC:
        return False
    nonce, given = mark[len(PENDING) : len(PENDING) + NONCE], mark[len(PENDING) + NONCE :]
    from django.conf import settings

    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(given, _mac(nonce, content, key)) for key in keys)


def _mac(nonce: str, content: dict[str, Any], key: str | None = None) -> str:
    body = {name: value for name, value in content.items() if name != "id"}
    message = nonce.encode("ascii") + b"\n" + canonical_json(body)
    return salted_hmac(SALT, message, secret=key, algorithm="sha256").hexdigest()[:MAC]


@dataclass(frozen=True)
class Sealed:
    """What one `audit_seal` did: entries linked, and pending rows it refused (their ids)."""

    count: int
    refused: tuple[int, ...] = ()


Known = dict[int, dict[str, Any]]  # entry id → its content, as its writer built it


class _SealOnCommit:
    """The seal a transaction runs after its commit, with the content of the entries it
    wrote (they need not be read back); registered once per transaction."""

    def __init__(self, using: str, known: Known) -> None:
        self.using, self.known = using, dict(known)

    def __call__(self) -> None:
        seal_committed(self.using, self.known)


def seal_after_commit(known: Known, using: str = DEFAULT_DB_ALIAS) -> None:
    """Called by audit_append inside the writer's transaction, with the entries it wrote
    pending: once per transaction, the seal runs after the commit (then a checkpoint, if
    one is due). Whatever goes wrong there is logged, never the writer's error: the entries
    are committed and wait."""
    connection = connections[using]
    # Each entry is (savepoint ids, callback, robust); django-stubs types it as a pair.
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _SealOnCommit):
            entry[1].known.update(known)
            return
    transaction.on_commit(_SealOnCommit(using, known), using=using, robust=True)


def seal_committed(using: str = DEFAULT_DB_ALIAS, known: Known | None = None) -> None:
    """Seal what is pending after a commit, or at the task worker's heartbeat: a look
    first, so that a beat with nothing to seal takes no lock (SQLite's is the database's)."""
    try:
        if known is None and not _PENDING.rows(using):
            return
        audit_seal(using, known)
    except DatabaseError as error:
        logger.error("Audit trail: pending entries not sealed yet: %s", error)
        return
    checkpoint_if_due()


def audit_seal(using: str = DEFAULT_DB_ALIAS, known: Known | None = None) -> Sealed:
    """Link every pending entry into the chain, in id order, under the head's lock.
    `known`: the content of entries the caller wrote itself (others are read back, and
    their marks checked)."""
    total, refused = 0, tuple[int, ...]()
    while True:
        with transaction.atomic(using=using):
            head = _locked_head(using)
            sealed, refused = _seal_batch(using, head, refused, known or {})
        total += sealed
        if sealed < SEAL_BATCH:
            return Sealed(total, refused)


def _seal_batch(
    using: str, head: AuditHead, refused: tuple[int, ...], known: Known
) -> tuple[int, tuple[int, ...]]:
    entries = AuditEntry.objects.using(using).filter(seq__isnull=True).exclude(pk__in=refused)
    ids = list(entries.order_by("pk").values_list("pk", flat=True)[:SEAL_BATCH])
    contents = {pk: known[pk] for pk in ids if pk in known}
    bad = list(refused)
    others = [pk for pk in ids if pk not in contents]
    if others:
        for *hashed, mark in entries.filter(pk__in=others).values_list(*HASHED_FIELDS, "hash"):
            content = hashed_content(*hashed)
            if mark_holds(mark, content):
                contents[hashed[0]] = content
            else:
                logger.error(
                    "Audit trail: entry #%s is pending with a mark it was not given", hashed[0]
                )
                bad.append(hashed[0])
    links: dict[int, tuple[int, str, str]] = {}
    last_hash, position, last_id = head.last_hash, head.count, head.last_id
    for pk in ids:
        if pk not in contents:
            continue
        position += 1
        digest = link_hash(last_hash, contents[pk])
        links[pk] = (position, last_hash, digest)
        last_hash, last_id = digest, pk
    if links:
        AuditEntry.objects.using(using).seal(links)
        head.last_hash, head.count, head.last_id = last_hash, position, last_id
        _move_head(using, head)
    return len(links), tuple(bad)


# The head is read and moved by every save: in SQL of its own, as the ORM spent more time
# composing these two one-row statements than the database took to run them.
_HEAD_FIELDS = ("last_hash", "count", "last_id")


class _HeadSql(NamedTuple):
    read: str  # its fields, locked until the transaction ends
    move: str  # its fields set, by its key
    # PostgreSQL: `read`, with new ids from the entries' sequence; SQLite: `read`, whether
    # any entry is pending, and the last id given (`_head_and_next_ids`)
    numbering: str


@functools.cache
def _head_sql(using: str) -> _HeadSql:
    """The head's locked read, its update, and its read with the next ids (`numbering`),
    names quoted from the models' metadata."""
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = AuditHead._meta
    table, key = quote(meta.db_table), quote(meta.pk.column)
    named = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = [quote(named[name]) for name in _HEAD_FIELDS]
    # SQLite: the writer holds the database's one write lock already
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    read = f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = %s{lock}"  # noqa: S608
    assignments = ", ".join(f"{column} = %s" for column in columns)
    move = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    if connection.vendor == "postgresql":
        # the ids' sub-select does not depend on the row: run once, before any wait for the
        # lock; a statement that waited reads the row as the writer before it left it, and
        # keeps the ids it took
        numbering = (
            f"SELECT {', '.join(columns)}, ARRAY(SELECT nextval(pg_get_serial_sequence(%s, "  # noqa: S608
            f"%s)) FROM generate_series(1, %s)) FROM {table} WHERE {key} = %s{lock}"
        )
    else:  # SQLite: whether any entry is pending (found by the index on its place), and
        # the last id given
        entries = AuditEntry._meta
        pending = (
            f"EXISTS (SELECT 1 FROM {quote(entries.db_table)} "  # noqa: S608
            f"WHERE {quote(entries.get_field('seq').column)} IS NULL)"
        )
        numbering = (
            f"SELECT {', '.join(columns)}, {pending}, {_LAST_ID} FROM {table} "  # noqa: S608
            f"WHERE {key} = %s"
        )
    return _HeadSql(read, move, numbering)


def _move(using: str, head: AuditHead) -> tuple[str, list[Any]]:
    """The head's update to where `head` now stands: its statement and parameters."""
    return _head_sql(using).move, [head.last_hash, head.count, head.last_id, HEAD]


def _move_head(using: str, head: AuditHead) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(*_move(using, head))
        _moved(cursor.rowcount)


def _moved(count: int) -> None:
    """The head's move updated its one row: deleted under the lock cannot be, but never
    silently."""
    if count != 1:
        raise DatabaseError("The audit trail's head row was not updated.")


def _locked_head_and_ids(using: str, count: int) -> tuple[AuditHead, list[int]]:
    """PostgreSQL: `_locked_head`, and `count` new ids from the entries' sequence, in
    order, in one statement (one round trip fewer for every save)."""
    meta = AuditEntry._meta
    with connections[using].cursor() as cursor:
        cursor.execute(_head_sql(using).numbering, [meta.db_table, meta.pk.column, count, HEAD])
        row = cursor.fetchone()
    if row is None:  # deleted behind the portal's back: rebuilt, then ids on their own
        return _locked_head(using), _next_ids(using, count)
    *fields, ids = row
    head = AuditHead(pk=HEAD, **dict(zip(_HEAD_FIELDS, fields, strict=True)))
    return head, sorted(int(pk) for pk in ids)


def _locked_head(using: str) -> AuditHead:
    with connections[using].cursor() as cursor:
        cursor.execute(_head_sql(using).read, [HEAD])
        row = cursor.fetchone()
    if row is not None:
        return AuditHead(pk=HEAD, **dict(zip(_HEAD_FIELDS, row, strict=True)))
    rebuilt = _create_head(using)
    head = AuditHead.objects.using(using).select_for_update().get(pk=HEAD)
    if rebuilt:  # deleted behind the portal's back: the log says so, sealed next
        _rebuilt_marker(using, head)
    return head


def _create_head(using: str) -> bool:
    """The migration creates the head, and a flush's post_migrate again (apps.py). If the
    row was deleted while sealed entries remain (verify reports that), sealing continues
    from the last of them, so new entries still link, after an entry saying so."""
    sealed = AuditEntry.objects.using(using).filter(seq__isnull=False).order_by("-seq")
    last = sealed.values_list("pk", "seq", "hash").first()
    defaults: dict[str, Any] = {"last_hash": GENESIS, "count": 0, "last_id": None}
    if last is not None:
        defaults = {"last_hash": last[2], "count": last[1], "last_id": last[0]}
    _, created = AuditHead.objects.using(using).get_or_create(pk=HEAD, defaults=defaults)
    return created and last is not None


def _rebuilt_marker(using: str, head: AuditHead) -> None:
    marker = AuditEntry(
        at=timezone.now(),
        actor_name="DTI",
        entity="audit_head",
        action="rebuild",
        new={"count": head.count, "last_id": head.last_id},
        reason="Dòng đầu chuỗi (AuditHead) đã bị xoá ngoài cổng; dựng lại từ các mục đã nối.",
    )
    marker.hash = pending_mark(marker.content())
    AuditEntry.objects.using(using).append_pending([marker])
