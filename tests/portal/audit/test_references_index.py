"""The trail's references (person, province, campaign, unit) carry no index of their own:
every reading of the log is by campaign, through `audit_where`, and each index costs a write
for every entry inserted and sealed. The migration drops them by name and gives them back
when reversed, with the log and its chain untouched either way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from tests.portal.audit.conftest import record_log
from tests.portal.conftest import Cast

REFERENCES = {"actor_id", "province_id", "campaign_id", "unit_id"}
BEFORE, AFTER = [("audit", "0004_carried_entry")], [("audit", "0005_references_without_index")]


def indexes() -> dict[str, tuple[str, ...]]:
    """{index name: its columns} of the entries' table, unique ones and the key left out."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, AuditEntry._meta.db_table)
    return {
        name: tuple(described["columns"])
        for name, described in found.items()
        if described["index"] and not described["unique"] and not described["primary_key"]
    }


def one_column_references() -> set[str]:
    return {columns[0] for columns in indexes().values() if set(columns) <= REFERENCES}


@pytest.mark.django_db
def test_the_references_have_no_index_of_their_own_and_the_campaigns_reading_keeps_its():
    assert one_column_references() == set()
    assert ("campaign_id", "unit_id", "criterion") in indexes().values()
    assert indexes()["audit_person"] == ("entity_id",)


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_them_and_gives_them_back_with_the_log_intact(cast: Cast):
    log = record_log(cast)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert one_column_references() == REFERENCES
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    assert one_column_references() == set()
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == log.ids
    report = audit_log_verify()
    assert report.intact and report.count == len(log.ids)


@pytest.mark.django_db
def test_a_persons_history_is_read_through_an_index_of_their_entries_alone():
    """accounts.selectors.person_history reads by what changed, not by campaign: a partial
    index holds the people's entries only, which a save's entries never write."""
    history = AuditEntry.objects.filter(entity="person", entity_id="5")
    if connection.vendor == "postgresql":
        # A test's table is small, and what the planner knows of it depends on the tests run
        # before: with no scan of the whole table or of another index allowed, only an index
        # that answers the query's conditions can serve it.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
    assert "audit_person" in history.explain()
