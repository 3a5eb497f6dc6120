"""A consistent copy of the database while the portal runs, and what is read from that same
moment: the evidence files its rows name, the audit trail's head, and a digest of every
table to compare a restored database with.

- SQLite: the online backup API copies the file page by page under one read transaction
  (WAL: writers go on meanwhile); everything else is then read from the copy.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; `pg_dump --snapshot`
  dumps exactly what that transaction reads.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

STORED_FILE_FIELD = "stored_name"  # a model's name in the evidence store (assessments' files)
DIGEST_BATCH = 2000
# The copy's file name by engine: in the archive as `database/<name>` (archive, restore).
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """What went wrong, in a sentence for the operator."""


@dataclass(frozen=True)
class Moment:
    """What the database held at the moment it was copied."""

    database_file: Path  # the copy: database.sqlite3 or database.pgdump
    stored_files: dict[str, str]  # stored name -> sha256 the row expects ("" if not kept)
    audit: dict[str, Any]  # the head: count and last hash
    migrations: list[list[str]]  # [app, name] of every migration applied
    tables: dict[str, dict[str, Any]]  # table -> {"rows": n, "sha256": digest of its rows}


def database_snapshot(folder: Path) -> Moment:
    """Copy the configured database into `folder` and read the moment it holds."""
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(folder)
    if connection.vendor == "postgresql":
        return _postgres_snapshot(folder)
    raise BackupError(f"Không sao lưu được cơ sở dữ liệu loại {connection.vendor}.")


def _sqlite_snapshot(folder: Path) -> Moment:
    target = folder / DATABASE_FILES["sqlite"]
    source = sqlite3.connect(str(connection.settings_dict["NAME"]))
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)  # all pages in one step: one read transaction, one moment
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()
    with opened_sqlite(target) as wrapper:
        return _read_moment(wrapper, target)


@contextmanager
def opened_sqlite(path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A Django connection to another SQLite file, for the introspection and the reads
    (whatever engine the portal runs on: a SQLite backup restored into PostgreSQL)."""
    settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    handler = ConnectionHandler({"default": settings})
    try:
        yield handler["default"]
    finally:
        handler.close_all()


def _postgres_snapshot(folder: Path) -> Moment:
    target = folder / DATABASE_FILES["postgresql"]
    with connection.cursor() as cursor:
        connection.set_autocommit(False)
        try:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            run_postgres_tool(
                "pg_dump",
                [
                    "--format=custom",
                    "--no-owner",
                    "--no-acl",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
            )
            return _read_moment(connection, target)
        finally:
            connection.rollback()
            connection.set_autocommit(True)


def _tool(tool: str) -> str:
    binary = Path("/usr/lib/postgresql/15/bin") / tool
    found = str(binary) if binary.exists() else shutil.which(tool)
    if found is None:
        raise BackupError(f"Không tìm thấy {tool} (gói postgresql-client-15).")
    return found


@contextmanager
def postgres_tool(tool: str, arguments: list[str]) -> Iterator[Iterator[str]]:
    """The lines a PostgreSQL tool prints that needs no server (pg_restore --file=-), read
    as it prints them; BackupError when it fails."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603  (PostgreSQL's own tool, arguments built here)
            [_tool(tool), *arguments], stdout=subprocess.PIPE, stderr=errors
        )
        assert process.stdout is not None
        try:
            yield io.TextIOWrapper(process.stdout, encoding="utf-8", newline="\n")
        except BaseException:
            process.kill()
            process.wait()
            raise
        process.stdout.read()  # to its end, so that the tool finishes
        code = process.wait()
        if code != 0:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip()[-2000:]
            raise BackupError(f"{tool} dừng với mã {code}: {said}")


def run_postgres_tool(tool: str, arguments: list[str], alias: str = "default") -> None:
    """pg_dump or pg_restore of the server's version, on the configured database; the
    password passes in the environment, never on the command line."""
    settings = connections[alias].settings_dict
    found = _tool(tool)
    environment = {
        **os.environ,
        "PGHOST": str(settings["HOST"] or ""),
        "PGPORT": str(settings["PORT"] or ""),
        "PGUSER": str(settings["USER"] or ""),
        "PGPASSWORD": str(settings["PASSWORD"] or ""),
        "PGDATABASE": str(settings["NAME"]),
    }
    done = subprocess.run(  # noqa: S603  (PostgreSQL's own tool, arguments built here)
        [found, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} dừng với mã {done.returncode}: {done.stderr.strip()[-2000:]}")


def _read_moment(wrapper: BaseDatabaseWrapper, copy: Path) -> Moment:
    with wrapper.cursor() as cursor:
        stored: dict[str, str] = {}
        for model in apps.get_models():
            names = {field.name for field in model._meta.fields}
            if STORED_FILE_FIELD not in names:
                continue
            table, quote = model._meta.db_table, wrapper.ops.quote_name
            checksum = "sha256" if "sha256" in names else "''"
            cursor.execute(
                f"SELECT {quote(STORED_FILE_FIELD)}, {checksum} FROM {quote(table)} "  # noqa: S608  (names from the models)
                f"WHERE {quote(STORED_FILE_FIELD)} <> ''"
            )
            stored.update((name, expected or "") for name, expected in cursor.fetchall())
        head_table = wrapper.ops.quote_name(apps.get_model("audit", "AuditHead")._meta.db_table)
        cursor.execute(f"SELECT count, last_hash FROM {head_table} WHERE id = 1")  # noqa: S608  (the model's table)
        head = cursor.fetchone()
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[app, name] for app, name in cursor.fetchall()]
    audit = {"count": head[0], "last_hash": head[1]} if head else {"count": 0, "last_hash": None}
    return Moment(copy, stored, audit, migrations, table_digests(wrapper))


def table_digests(wrapper: BaseDatabaseWrapper) -> dict[str, dict[str, Any]]:
    """Every table's row count and a SHA-256 of its rows in primary-key order: equal digests
    on the same engine mean equal contents, value for value."""
    digests: dict[str, dict[str, Any]] = {}
    with wrapper.cursor() as cursor:
        for table in sorted(wrapper.introspection.table_names(cursor)):
            keys = wrapper.introspection.get_primary_key_columns(cursor, table) or []
            order = ", ".join(wrapper.ops.quote_name(key) for key in keys) or "1"
            cursor.execute(f"SELECT * FROM {wrapper.ops.quote_name(table)} ORDER BY {order}")  # noqa: S608  (a table name from the database's own catalogue)
            digest, rows = hashlib.sha256(), 0
            while batch := cursor.fetchmany(DIGEST_BATCH):
                for row in batch:
                    digest.update(repr(tuple(_plain(value) for value in row)).encode())
                rows += len(batch)
            digests[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return digests


def _plain(value: object) -> object:
    """A value as the digest reads it: bytes for a binary column whatever the driver gives."""
    return bytes(value) if isinstance(value, memoryview) else value
