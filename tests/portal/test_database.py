"""The database the suite runs on is the one DTI_DATABASE_URL names (`make test` runs the
portal's tests a second time on PostgreSQL 15), and the SQLite default is set for
concurrent use: WAL, so a unit saving does not lock out readers."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from portal.accounts.models import User
from portal.env import database_from_url


@pytest.mark.django_db
def test_it_runs_on_the_database_dti_database_url_names():
    url = os.environ.get("DTI_DATABASE_URL", "sqlite:///var/dti.sqlite3")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            (version,) = cursor.fetchone()
        assert int(version) // 10000 == 15


def test_postgresql_connections_are_opened_with_random_page_cost_1_1(tmp_path):
    """Each connection tells the planner that a page read out of order costs 1.1 reads in
    order (PostgreSQL's default, 4, is a spinning disk's; docs/decisions.md, 29), binds its
    statements' parameters on the server and prepares a statement from its third run
    (docs/decisions.md, 30)."""
    settings = database_from_url("postgresql://dti:secret@127.0.0.1:5432/dti", tmp_path)
    assert settings["ENGINE"] == "portal.postgresql"
    assert settings["OPTIONS"] == {
        "options": "-c random_page_cost=1.1",
        "server_side_binding": True,
        "prepare_threshold": 2,
    }


@pytest.mark.django_db
def test_the_suites_postgresql_connection_has_that_cost():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            assert cursor.fetchone()[0] == "1.1"
    else:  # SQLite has no planner costs to set
        assert (
            "OPTIONS" not in connection.settings_dict
            or "options" not in (connection.settings_dict["OPTIONS"])
        )


@pytest.mark.django_db
def test_a_statement_run_again_on_a_postgresql_connection_is_prepared():
    if connection.vendor != "postgresql":  # SQLite keeps its own statements, unasked
        assert connection.settings_dict["ENGINE"] == "portal.sqlite"
        return
    query = "SELECT %s::int + 41"
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(query, [1])
            assert cursor.fetchone()[0] == 42
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            ["SELECT $1::int + 41"],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_a_postgresql_statement_of_many_parameters_is_merged_here_and_not_prepared():
    """A long `__in` list is read faster quoted into the statement, and seldom comes back
    with the same length: more than BOUND_AT_MOST parameters are merged by the portal."""
    if connection.vendor != "postgresql":
        assert connection.settings_dict["ENGINE"] == "portal.sqlite"
        return
    from portal.postgresql.base import BOUND_AT_MOST

    def prepared(count: int) -> int:
        marks = ", ".join(["(%s::int)"] * count)  # placeholders only
        query = f"SELECT count(*) FROM (VALUES {marks}) AS t{count}(v)"  # noqa: S608
        with connection.cursor() as cursor:
            for _ in range(3):
                cursor.execute(query, list(range(count)))
                assert cursor.fetchone()[0] == count
            cursor.execute(  # bound or merged, the statement ends with its own name
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                [f"%AS t{count}(v)"],
            )
            return int(cursor.fetchone()[0])

    assert prepared(BOUND_AT_MOST) == 1
    assert prepared(BOUND_AT_MOST + 1) == 0


@pytest.mark.django_db
def test_a_postgresql_statement_of_more_parameters_than_the_server_binds_still_runs():
    """PostgreSQL binds 65,535 parameters at most; Django 5.2 does not split a statement for
    that: one of more has them quoted in on this side (portal.postgresql), so a long `__in`
    list, a bulk insert of thousands of rows, runs as with Django's default cursor."""
    if connection.vendor != "postgresql":
        assert connection.settings_dict["ENGINE"] == "portal.sqlite"
        return
    from portal.postgresql.base import MAX_BOUND_PARAMETERS, Cursor

    user = User.objects.create(username="many")
    ids = [user.pk, *range(-MAX_BOUND_PARAMETERS - 10, 0)]  # none of them an id but the first
    assert User.objects.filter(pk__in=ids).count() == 1
    # read in chunks through a named cursor, which quotes its parameters in whatever their number
    assert [u.pk for u in User.objects.filter(pk__in=ids).iterator(chunk_size=10)] == [user.pk]
    texts = ["it's 100%", *(f"t{n}" for n in range(MAX_BOUND_PARAMETERS))]
    marks = ", ".join(["(%s)"] * len(texts))  # placeholders only: the texts are parameters
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, Cursor)
        # a percent sign written in the statement itself is one once merged, and stays one
        cursor.execute(f"SELECT v, '50%%' FROM (VALUES {marks}) AS t(v)", texts)  # noqa: S608
        rows = cursor.fetchall()
    assert len(rows) == len(texts)
    assert rows[0] == ("it's 100%", "50%") and rows[-1] == (f"t{MAX_BOUND_PARAMETERS - 1}", "50%")


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """Two connections to one SQLite file, opened exactly as the settings' OPTIONS say (the
    suite's test database is a file too, but pytest-django creates it its own way)."""
    settings = database_from_url("sqlite:///dti.sqlite3", tmp_path)  # as the default, relative
    settings["OPTIONS"]["timeout"] = 1  # type: ignore[index]  # fail fast if locking is wrong
    handler = ConnectionHandler({"default": dict(settings), "reader": dict(settings)})
    with django_db_blocker.unblock():
        yield handler["default"], handler["reader"]
        handler.close_all()


def test_the_sqlite_file_database_uses_wal(sqlite_file):
    writer, _ = sqlite_file
    with writer.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL: an acknowledged commit survives a power cut


def test_a_writer_commits_while_a_reader_is_reading(sqlite_file):
    writer, reader = sqlite_file
    with writer.cursor() as cursor:
        cursor.execute("CREATE TABLE answer (value INTEGER)")
        cursor.execute("INSERT INTO answer VALUES (1)")
    with reader.cursor() as read:
        read.execute("BEGIN")  # a long read, e.g. a page listing answers, holds a snapshot
        read.execute("SELECT count(*) FROM answer")
        assert read.fetchone()[0] == 1
        # Without WAL this commit would wait for the reader's lock and fail after the timeout.
        with writer.cursor() as cursor:
            cursor.execute("INSERT INTO answer VALUES (2)")
        read.execute("SELECT count(*) FROM answer")
        assert read.fetchone()[0] == 1  # the reader keeps its consistent snapshot
        read.execute("COMMIT")
        read.execute("SELECT count(*) FROM answer")
        assert read.fetchone()[0] == 2
