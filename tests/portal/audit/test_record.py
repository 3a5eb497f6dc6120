"""audit_record: each entry links to the one before it and its hash is what verify will
recompute from the row as read back (exact decimals, dates, large floats included); an entry
rolls back with its transaction; the ORM never changes or deletes an entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction

from dti.ledger import GENESIS, canonical_json, canonical_text, link_hash
from portal.audit.models import AppendOnly, AuditEntry, AuditHead
from portal.audit.sealing import audit_seal
from portal.audit.services import (
    Record,
    audit_append,
    audit_entries,
    audit_record,
    audit_records,
)
from portal.audit.verify import audit_log_verify
from portal.bulk import INSERT_BATCH
from tests.portal.audit.conftest import Log
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db


def test_each_entry_links_to_the_one_before_and_the_head_follows(log: Log):
    first, second = log.entries[0], log.entries[1]
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.hash
    head = AuditHead.objects.get()
    assert (head.count, head.last_hash, head.last_id) == (7, log.entries[-1].hash, log.ids[-1])


@pytest.mark.parametrize(
    "value",
    [
        Decimal("87.50"),
        dt.datetime(2025, 6, 30, 17, 0, tzinfo=dt.UTC),
        dt.date(2025, 6, 30),
        1e20,
        0.1,
        -0.0,
        float("nan"),
        {"b": [1, (2, 3)], "a": {"online": "12"}, 5: True},
        "Sở Nội vụ — “trích dẫn”",
    ],
    ids=[
        "decimal",
        "datetime",
        "date",
        "large-float",
        "float",
        "negative-zero",
        "nan",
        "nested",
        "text",
    ],
)
def test_the_hash_is_what_the_row_read_back_hashes_to(cast: Cast, value):
    entry = audit_record(actor=cast.lan, entity="answer", action="save", old=value, new=[value])
    # as written: pending on PostgreSQL (sealed after, tests/conftest.py), linked on SQLite
    assert entry.hash.startswith("pending-") is (connection.vendor == "postgresql")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert link_hash(stored.previous_hash, stored.content()) == stored.hash
    assert audit_log_verify().intact


def test_old_and_new_are_encoded_once_when_built_and_again_only_if_replaced(cast: Cast):
    """A save's entry is encoded before its transaction: under the lock its hash's bytes are
    put together from that, and on SQLite its two columns store that very text."""
    old, new = {"1.1": None, "1.2": {"value": "3", "note": "ạ"}}, {"1.2": {"value": "4"}}
    record = Record(actor=cast.lan, entity="answers", action="save", old=old, new=new)
    (entry,) = audit_entries([record])
    assert entry._texts is not None  # encoded as it was built
    assert entry.texts() == (canonical_text(old), canonical_text(new))
    entry.new = {"1.2": {"value": "5"}}  # replaced: encoded again
    assert entry.texts() == (canonical_text(old), canonical_text(entry.new))
    entry.old = None
    assert entry.texts() == (None, canonical_text(entry.new))
    entry.at = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
    assert entry.encoded() == canonical_json(entry.content())
    (written,) = audit_records([record])
    with connection.cursor() as cursor:
        cursor.execute("SELECT old, new FROM audit_auditentry WHERE id = %s", [written.pk])
        texts = cursor.fetchone()
    stored = AuditEntry.objects.get(pk=written.pk)
    assert (stored.old, stored.new) == (old, new)
    if connection.vendor == "sqlite":  # PostgreSQL's jsonb keeps no text of its own
        assert tuple(texts) == (canonical_text(old), canonical_text(new))
    assert audit_log_verify().intact


def test_the_actor_is_named_as_they_were(cast: Cast):
    entry = audit_record(actor=cast.lan, entity="answer", action="save")
    token = audit_record(
        actor=None, actor_name="Cổng DVC (token 3)", entity="system_value", action="set"
    )
    cast.lan.full_name = "Nguyễn Thị Lan Anh"
    cast.lan.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "Nguyễn Thị Lan"
    assert (token.actor, token.actor_name) == (None, "Cổng DVC (token 3)")


@transaction.atomic
def refused_change(cast: Cast) -> None:
    audit_record(actor=cast.lan, entity="answer", action="save", new="1")
    raise RuntimeError("the change is refused")


def test_an_entry_rolls_back_with_the_change_it_describes(log: Log, cast: Cast):
    with pytest.raises(RuntimeError):
        refused_change(cast)
    assert AuditEntry.objects.count() == 7
    assert AuditHead.objects.get().count == 7
    assert audit_log_verify().intact


def test_the_orm_refuses_to_change_or_delete_an_entry(log: Log):
    audit_entry = AuditEntry.objects.get(pk=log.ids[0])
    audit_entry.reason = "sửa lại"
    with pytest.raises(AppendOnly):
        audit_entry.save()
    with pytest.raises(AppendOnly):
        audit_entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=audit_entry.pk).update(reason="sửa lại")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.bulk_create([AuditEntry(entity="x", action="y")])
    assert AuditEntry.objects.get(pk=audit_entry.pk).reason == ""
    assert audit_log_verify().intact


def test_a_missing_head_is_rebuilt_from_the_entries_so_new_ones_still_link(log: Log, cast: Cast):
    AuditHead.objects.all().delete()
    assert not audit_log_verify().intact  # reported until the next append
    audit_record(actor=cast.quang, entity="deadline", action="update")
    assert AuditHead.objects.get().count == 9
    assert audit_log_verify().intact
    marker = AuditEntry.objects.get(entity="audit_head")  # the deletion stays on record
    assert (marker.action, marker.new) == ("rebuild", {"count": 7, "last_id": log.ids[-1]})


def test_a_missing_head_is_rebuilt_when_a_save_links_its_entry(log: Log, cast: Cast):
    """A save links its entry as it writes it, on PostgreSQL taking its id in the statement
    that locks the head: with the head deleted, the head is rebuilt from the entries, the
    deletion is put on record, and the chain verifies once that record is sealed."""
    AuditHead.objects.all().delete()
    record = Record(actor=cast.lan, entity="answers", action="save", new={"c1": 2})
    [entry] = audit_append(audit_entries([record]), linked=True)
    audit_seal()  # the record of the deletion, left pending on PostgreSQL (SQLite: sealed)
    marker = AuditEntry.objects.get(entity="audit_head")
    assert (marker.action, marker.new) == ("rebuild", {"count": 7, "last_id": log.ids[-1]})
    # SQLite seals what is pending before it links; PostgreSQL links the save first
    first, second = (marker, entry) if connection.vendor == "sqlite" else (entry, marker)
    assert [AuditEntry.objects.get(pk=e.pk).seq for e in (first, second)] == [8, 9]
    assert AuditHead.objects.get().count == 9
    assert audit_log_verify().intact


@pytest.mark.django_db(transaction=True)
def test_an_emptied_database_gets_its_head_back_as_the_migration_wrote_it(log: Log):
    """`manage.py flush` (tests between transactions do it) empties every table; its
    post_migrate writes the head again, so the next append costs what it does in production."""
    call_command("flush", interactive=False, verbosity=0)
    head = AuditHead.objects.get()
    assert (head.count, head.last_hash, head.last_id) == (0, GENESIS, None)


def test_a_head_deleted_under_entries_is_not_silently_written_again_by_a_migration(log: Log):
    AuditHead.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert not AuditHead.objects.exists()
    assert not audit_log_verify().intact  # the deletion stays visible until the next append


def test_many_entries_appended_at_once_link_in_their_order(log: Log, cast: Cast):
    """More entries than one insert statement takes (INSERT_BATCH, SQLite's 999
    values): each links to the one before it, in the order given, and the head follows."""
    before = AuditHead.objects.get()
    count = 2 * INSERT_BATCH + 1
    records = [
        Record(actor=cast.lan, entity="answer", action="save", criterion=f"tc_{n}", new=n)
        for n in range(count)
    ]
    entries = audit_records(records)
    stored = list(AuditEntry.objects.filter(pk__gt=before.last_id).order_by("pk"))
    assert [entry.new for entry in stored] == list(range(count))
    assert [entry.pk for entry in stored] == [entry.pk for entry in entries]
    assert stored[0].previous_hash == before.last_hash
    assert all(b.previous_hash == a.hash for a, b in pairwise(stored))
    assert not any(entry.hash.startswith("pending-") for entry in stored)
    head = AuditHead.objects.get()
    assert (head.count, head.last_hash, head.last_id) == (
        before.count + count,
        stored[-1].hash,
        stored[-1].pk,
    )
    assert audit_log_verify().intact


def test_a_sealed_entry_cannot_be_sealed_again(log: Log):
    entry = log.entries[0]
    AuditEntry.objects.seal({entry.pk: (99, GENESIS, "0" * 64)})
    assert AuditEntry.objects.get(pk=entry.pk).hash == entry.hash
    assert audit_log_verify().intact


def test_no_records_append_nothing(log: Log):
    head = AuditHead.objects.get()
    assert audit_records([]) == []
    assert AuditHead.objects.get().count == head.count
