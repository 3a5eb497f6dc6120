"""Sealing (portal.audit.sealing): entries are written pending, without a lock, and linked
into the chain after their transaction commits. Until then `verify` counts them; a pending
row the portal did not write (its mark does not hold) is never sealed and breaks the
verdict; sealing follows commits, then the worker's beat catches up what was left."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.audit import services
from portal.audit.models import AuditEntry, AuditHead
from portal.audit.sealing import (
    audit_seal,
    mark_holds,
    pending_mark,
    seal_committed,
)
from portal.audit.services import Record, audit_record, audit_records
from portal.audit.verify import audit_log_verify, report_lines
from tests.portal.audit.conftest import Log, record_log, tamper, verify
from tests.portal.conftest import Cast


def pending() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__isnull=True).order_by("pk"))


@pytest.mark.django_db
@pytest.mark.audit_pending
def test_entries_wait_unlinked_until_sealed_and_verify_counts_them(cast: Cast):
    entries = audit_records(
        [Record(actor=cast.lan, entity="answer", action="save", new=n) for n in range(3)]
    )
    assert [entry.pk for entry in pending()] == [entry.pk for entry in entries]
    assert AuditHead.objects.get().count == 0  # nothing moved the head: no lock was taken
    report = audit_log_verify()
    assert report.intact and report.pending.count == 3
    assert "3 mục mới ghi đang chờ nối vào chuỗi" in "\n".join(report_lines(report))

    assert audit_seal().count == 3
    stored = list(AuditEntry.objects.order_by("pk"))
    assert [entry.seq for entry in stored] == [1, 2, 3]
    assert not pending()
    assert AuditHead.objects.get().count == 3
    report = audit_log_verify()
    assert report.intact and report.verdict.checked == 3 and report.pending.count == 0
    assert audit_seal().count == 0  # nothing left: a second seal changes nothing


@pytest.mark.django_db
@pytest.mark.audit_pending
def test_a_pending_entry_changed_before_its_seal_is_refused_and_stays_named(cast: Cast):
    first = audit_record(actor=cast.lan, entity="answer", action="save", new="60")
    changed = audit_record(actor=cast.lan, entity="answer", action="save", new="70")
    tamper("UPDATE {table} SET new = %s WHERE id = %s", ['"100"', changed.pk])
    sealed = audit_seal()
    assert (sealed.count, sealed.refused) == (1, (changed.pk,))
    assert AuditEntry.objects.get(pk=first.pk).seq == 1
    assert AuditEntry.objects.get(pk=changed.pk).seq is None  # never linked
    result = verify()
    assert result.exit_code == 1
    assert f"(#{changed.pk}) không mang dấu mà cổng đã ghi" in result.output
    # later entries still link after the refused one
    later = audit_record(actor=cast.lan, entity="answer", action="save", new="80")
    assert audit_seal().count == 1
    assert AuditEntry.objects.get(pk=later.pk).seq == 2


@pytest.mark.django_db
def test_a_mark_holds_only_for_its_content_and_a_retired_key(cast: Cast, settings):
    entry = AuditEntry(at=timezone.now(), entity="answer", action="save", actor_name="Lan", new="1")
    content = entry.content()
    mark = pending_mark(content)
    assert len(mark) == 64 and mark_holds(mark, content)
    assert not mark_holds(mark, {**content, "new": "2"})
    assert mark_holds(mark, {**content, "id": 99})  # the id is given after the mark
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a new key " * 5, [old_key]
    assert mark_holds(mark, content)  # written before the key was rotated
    settings.SECRET_KEY_FALLBACKS = []
    assert not mark_holds(mark, content)


@pytest.mark.django_db(transaction=True)
def test_a_writers_entries_are_linked_after_what_was_left_pending(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
):
    with monkeypatch.context() as stopped:  # pending, as a writer of a previous version left it
        stopped.setattr(services, "sealed_with_writer", lambda using="default": False)
        stopped.setattr(services, "seal_after_commit", lambda known, using="default": None)
        left = audit_record(actor=cast.lan, entity="answer", action="save", new="1")
    with transaction.atomic():
        entries = audit_records(
            [Record(actor=cast.lan, entity="answer", action="save", new=n) for n in (2, 3)]
        )
        # SQLite's writer inserts them linked; PostgreSQL's are sealed after the commit
        linked = [2, 3] if connection.vendor == "sqlite" else [None, None]
        assert [AuditEntry.objects.get(pk=e.pk).seq for e in entries] == linked
    assert [AuditEntry.objects.get(pk=e.pk).seq for e in entries] == [2, 3]
    assert AuditEntry.objects.get(pk=left.pk).seq == 1  # the one left pending, first
    assert [e.pk for e in entries] == [left.pk + 1, left.pk + 2]
    assert AuditHead.objects.get().count == 3
    assert audit_log_verify().intact


@pytest.mark.django_db(transaction=True)
def test_a_linked_append_reads_the_head_and_its_ids_in_one_statement(cast: Cast):
    """Under the lock every writer waits for (on SQLite the database's, held from the first
    statement): the head, whether any entry is left pending, and the ids to give are one
    read, then the insert and the head's move; on SQLite an entry left pending is sealed
    first."""
    audit_record(actor=cast.lan, entity="answer", action="save", new="1")
    record = Record(actor=cast.lan, entity="answers", action="save", new={"c1": 2})
    with CaptureQueriesContext(connection) as captured:
        [entry] = services.audit_append(services.audit_entries([record]), linked=True)
    audit = [q["sql"] for q in captured.captured_queries if '"audit_' in q["sql"]]
    reads = [sql for sql in audit if sql.startswith("SELECT")]
    assert len(reads) == 1, "\n".join(audit)
    assert (entry.seq, AuditHead.objects.get().count) == (2, 2)
    with transaction.atomic():  # pending, as a writer of a previous version left it
        left = AuditEntry(actor_name="DTI", entity="answer", action="save", at=timezone.now())
        left.hash = pending_mark(left.content())
        AuditEntry.objects.append_pending([left])
    [after] = services.audit_append(services.audit_entries([record]), linked=True)
    audit_seal()  # PostgreSQL links the save first, and seals what is pending after it
    first, second = (left, after) if connection.vendor == "sqlite" else (after, left)
    assert [AuditEntry.objects.get(pk=e.pk).seq for e in (first, second)] == [3, 4]
    assert after.pk == left.pk + 1
    assert audit_log_verify().intact


@pytest.mark.django_db(transaction=True)
def test_an_entry_never_takes_the_id_of_one_cut_off(cast: Cast):
    """SQLite's writer chooses the ids it inserts (portal.audit.sealing.append_sealed): as
    AUTOINCREMENT would, never one given before; PostgreSQL's sequence never does either."""
    first = audit_record(actor=cast.lan, entity="answer", action="save", new="1")
    cut = audit_record(actor=cast.lan, entity="answer", action="save", new="2")
    tamper("DELETE FROM {table} WHERE id = %s", [cut.pk])
    later = audit_record(actor=cast.lan, entity="answer", action="save", new="3")
    assert later.pk == cut.pk + 1 and first.pk < cut.pk
    assert not audit_log_verify().intact  # the head still counts the one cut off


@pytest.mark.django_db
def test_reordering_sealed_entries_breaks_the_chain(log: Log):
    first, second = log.entries[1], log.entries[2]
    tamper("UPDATE {table} SET seq = 1000000 WHERE id = %s", [first.pk])
    tamper("UPDATE {table} SET seq = %s WHERE id = %s", [first.seq, second.pk])
    tamper("UPDATE {table} SET seq = %s WHERE id = %s", [second.seq, first.pk])
    result = verify()
    assert result.exit_code == 1
    assert f"chuỗi gãy tại mục #{second.pk} (vị trí 2 trong chuỗi" in result.output


@pytest.mark.django_db(transaction=True)
def test_each_commit_seals_its_entries_and_the_worker_beat_seals_what_was_left(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
):
    with transaction.atomic():
        entry = audit_record(actor=cast.lan, entity="answer", action="save", new="1")
        # SQLite's writers take turns: sealed in the writer's transaction; PostgreSQL's
        # write at once: sealed after the commit, never while the transaction is open
        expected = 1 if connection.vendor == "sqlite" else None
        assert AuditEntry.objects.get(pk=entry.pk).seq == expected
    assert AuditEntry.objects.get(pk=entry.pk).seq == 1  # sealed by the commit at the latest

    # a server stopped between a commit and its seal (PostgreSQL's order; on SQLite the
    # writer seals before it commits) leaves entries pending …
    with monkeypatch.context() as stopped:
        stopped.setattr(services, "sealed_with_writer", lambda using="default": False)
        stopped.setattr(services, "seal_after_commit", lambda known, using="default": None)
        left = audit_record(actor=cast.lan, entity="answer", action="save", new="2")
    assert AuditEntry.objects.get(pk=left.pk).seq is None
    assert audit_log_verify().pending.count == 1
    seal_committed()  # … until the worker's next beat
    assert AuditEntry.objects.get(pk=left.pk).seq == 2
    assert audit_log_verify().intact


THREADS, ROUNDS = 4, 10


def in_threads(step: Callable[[int, int], None]) -> list[BaseException]:
    """`step(worker, round)` in THREADS threads at once, ROUNDS times each, every thread on
    its own connection: what went wrong in them."""
    start, errors = threading.Barrier(THREADS), []

    def work(worker: int) -> None:
        try:
            start.wait(timeout=10)
            for number in range(ROUNDS):
                step(worker, number)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def eight(cast: Cast, worker: int, number: int) -> list[Record]:
    return [
        Record(actor=cast.lan, entity="answer", action="save", new=[worker, number, k])
        for k in range(8)
    ]


@pytest.mark.django_db(transaction=True)
def test_writers_in_many_threads_are_all_sealed_into_one_chain(cast: Cast):
    """No lock is taken while writing: threads append at once and every entry is sealed."""
    assert not in_threads(lambda worker, number: audit_records(eight(cast, worker, number)))
    assert not pending()
    report = audit_log_verify()
    assert report.intact and report.verdict.checked == THREADS * ROUNDS * 8


@pytest.mark.django_db(transaction=True)
def test_a_writer_that_links_its_entries_has_them_in_the_chain_before_its_commit(cast: Cast):
    """A save links its entries as it writes them, on PostgreSQL too (audit_append(linked=
    True)): no seal after its commit, ids from the table's own numbering, and what another
    writer left pending is sealed after its own commit, behind them."""
    with transaction.atomic():
        left = audit_record(actor=cast.lan, entity="answer", action="save", new="1")
        linked = services.audit_append(
            services.audit_entries(
                [Record(actor=cast.lan, entity="answer", action="save", new=n) for n in (2, 3)]
            ),
            linked=True,
        )
        # SQLite's writer seals what was left pending first; PostgreSQL's links its own at
        # once and leaves the other entry to the seal after the commit, behind them
        places = [2, 3] if connection.vendor == "sqlite" else [1, 2]
        assert [AuditEntry.objects.get(pk=e.pk).seq for e in linked] == places
        assert all(not e.hash.startswith("pending-") for e in linked)
    assert [e.pk for e in linked] == [left.pk + 1, left.pk + 2]
    later = audit_record(actor=cast.lan, entity="answer", action="save", new="4")
    assert later.pk == left.pk + 3  # the table's numbering goes on after the ids taken
    assert not pending()
    assert AuditHead.objects.get().count == 4
    assert audit_log_verify().intact


@pytest.mark.django_db(transaction=True)
def test_linking_and_pending_writers_in_many_threads_make_one_chain(cast: Cast):
    """Saves that link under the head's lock and writers that leave entries to the seal,
    at once: every entry in one chain, no deadlock, nothing left pending."""

    def step(worker: int, number: int) -> None:
        with transaction.atomic():
            entries = services.audit_entries(eight(cast, worker, number))
            services.audit_append(entries, linked=worker % 2 == 0)
            audit_record(actor=cast.lan, entity="submission", action="save", new=number)

    assert not in_threads(step)
    assert not pending()
    report = audit_log_verify()
    assert report.intact and report.verdict.checked == THREADS * ROUNDS * 9


@pytest.mark.django_db
def test_a_log_sealed_at_once_is_the_log_tests_use(cast: Cast):
    """The fixture the other tests use seals at once: what they check is a sealed chain."""
    log = record_log(cast)
    assert [entry.seq for entry in log.entries] == list(range(1, 8))
