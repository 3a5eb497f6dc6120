"""On PostgreSQL the answers' pages are kept half empty (migration 0006): a save's new
versions of its 80 rows are written on their own pages, heap-only, without a new entry in
each of the table's indexes. SQLite has no such setting, and the migration sends it
nothing. The table has no index of its own on the submission (migration 0007): the unique
one starts with it."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from portal.assessments.models import Answer
from tests.portal.assessments.test_save_queries import (
    CRITERIA,
    codes,
    eighty,  # noqa: F401  (the fixture)
    posted,
    queries_to_save,
    stored,
)
from tests.portal.conftest import Cast

MIGRATION = import_module("portal.assessments.migrations.0006_answer_fillfactor")


def _updated() -> tuple[int, int]:
    """The answers' rows this transaction updated, and how many of them heap-only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(%s::regclass), "
            "pg_stat_get_xact_tuples_hot_updated(%s::regclass)",
            [Answer._meta.db_table] * 2,
        )
        updated, heap_only = cursor.fetchone()
    return updated, heap_only


def test_a_save_updates_its_answers_on_their_own_pages(eighty: Cast):  # noqa: F811
    if connection.vendor != "postgresql":  # no pages to keep room in: nothing is sent
        migrate = MIGRATION.Migration.operations[0].code
        # not entered: SQLite's would have to leave the test's transaction
        with CaptureQueriesContext(connection) as captured:
            migrate(apps, connection.schema_editor())
        assert not captured.captured_queries
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [Answer._meta.db_table]
        )
        assert cursor.fetchone()[0] == [f"fillfactor={MIGRATION.FILLFACTOR}"]
    queries_to_save(eighty, posted(codes(CRITERIA), "1"))  # 80 rows written at once
    before = _updated()
    # in the test's one transaction: the old versions cannot be pruned to make room again
    # before it ends, so one save of them all is what the pages' room is checked with
    queries_to_save(eighty, posted(codes(CRITERIA), "2", stored(eighty)))
    updated, heap_only = (now - then for now, then in zip(_updated(), before, strict=True))
    assert (updated, heap_only) == (CRITERIA, CRITERIA)
    assert {answer.value for answer in stored(eighty).values()} == {"2"}


def test_a_submissions_answers_are_found_by_the_unique_index_alone(eighty: Cast):  # noqa: F811
    """The answers have no index of their own on the submission: the unique one on
    (submission, criterion) starts with it, and finds them; one more would be written for
    every answer a first save inserts."""
    table = Answer._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]}
    assert ("submission_id", "criterion") in indexed
    assert ("submission_id",) not in indexed
    queries_to_save(eighty, posted(codes(CRITERIA), "1"))
    submission = Answer.objects.filter(criterion=codes(1)[0]).get().submission_id
    sql = f'SELECT "id" FROM {connection.ops.quote_name(table)} WHERE "submission_id" = %s'  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # with no index, a scan of the table all the same
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", [submission])
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", [submission])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "answer_unique" in plan or "sqlite_autoindex" in plan, plan


def _submissions_own_indexes() -> list[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Answer._meta.db_table)
    return [
        name
        for name, described in found.items()
        if described["columns"] == ["submission_id"]
        and described["index"]
        and not described["unique"]
    ]


def _reference_to_the_submission() -> bool:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Answer._meta.db_table)
    return any(
        described["foreign_key"] == ("assessments_submission", "id")
        and described["columns"] == ["submission_id"]
        for described in found.values()
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_the_index_alone_and_gives_it_back(eighty: Cast):  # noqa: F811
    """By name, as the database lists it: the answers, the reference to their submission
    and the pages' setting stay as they were, either way."""
    queries_to_save(eighty, posted(codes(CRITERIA), "1"))
    before = sorted(Answer.objects.values_list("pk", "criterion", "value"))
    for target, expected in (("0006_answer_fillfactor", 1), ("0007_answer_submission_index", 0)):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("assessments", target)])
        assert len(_submissions_own_indexes()) == expected
        assert _reference_to_the_submission()
        assert sorted(Answer.objects.values_list("pk", "criterion", "value")) == before
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [Answer._meta.db_table]
            )
            assert cursor.fetchone()[0] == [f"fillfactor={MIGRATION.FILLFACTOR}"]
