"""Appends from several connections at once keep one valid chain: the head row serializes
them (SELECT … FOR UPDATE on PostgreSQL, IMMEDIATE transactions on SQLite)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from portal.audit.models import AuditEntry, AuditHead
from portal.audit.services import audit_record
from portal.audit.verify import audit_log_verify

THREADS, APPENDS = 2, 20


def append_many(worker: int, start: threading.Barrier, errors: list[BaseException]) -> None:
    """One thread: its own connection (Django's connections are per thread), closed at the end."""
    try:
        connection.ensure_connection()
        start.wait(timeout=10)  # both threads connected: they append at the same time
        for number in range(APPENDS):
            with transaction.atomic():
                audit_record(
                    actor=None,
                    actor_name=f"luồng {worker}",
                    entity="answer",
                    action="update",
                    old=number,
                    new=number + 1,
                    reason="thử ghi đồng thời",
                )
    except BaseException as error:  # reported by the test, not lost in the thread
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_chain_valid_under_concurrent_appends():
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=append_many, args=(n, start, errors)) for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == THREADS * APPENDS
    head = AuditHead.objects.get()
    assert head.count == THREADS * APPENDS
    # the last entry linked: on PostgreSQL entries are linked in the order their
    # transactions commit, which need not be their ids' (docs/audit-trail.md, "Sealing")
    assert head.last_id == AuditEntry.objects.order_by("seq").last().pk
    report = audit_log_verify()
    assert report.verdict.intact, report.verdict.broken
    assert report.verdict.checked == THREADS * APPENDS
