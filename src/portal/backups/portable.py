"""Restoring a backup into the other engine: a SQLite backup into PostgreSQL (a deployment
that outgrew its embedded database) or a PostgreSQL backup into SQLite (a copy to examine
offline). docs/backups.md, "Across engines".

The backup's rows are read as values, not as one engine's files:

- from a SQLite backup, through Django's own SQLite backend on the staged copy (its
  converters give the values the portal wrote: times to the microsecond, JSON, decimals);
- from a PostgreSQL backup, from the data `pg_restore --data-only` prints (COPY text),
  each column converted by its model field's type.

They are written into the configured database, migrated to this release, in one transaction
after every model table is emptied (foreign keys are checked at its end), with each value
prepared by its field for this engine (no `auto_now`, no signal, no save() runs), then the
sequences are set past the highest key. Both sides are digested value by value (times in
UTC, decimals and JSON as text) and must agree table by table; the audit trail is verified
after, by the caller.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Field, Model
from django.utils.dateparse import parse_date, parse_datetime

from portal.backups.snapshot import BackupError, opened_sqlite, postgres_tool

BATCH = 2000
Rows = Iterator[tuple[Any, ...]]


def restore_across(engine: str, dump: Path, migrations: list[list[str]]) -> dict[str, int]:
    """Put the backup `dump` of `engine` into the configured database of the other engine.
    Returns every table's row count. BackupError when the backup is of another release's
    schema, or when what was written does not read back as what was read."""
    _same_schema(migrations)
    call_command("migrate", verbosity=0, interactive=False)
    models = _models()
    read: dict[str, _Digest] = {m._meta.db_table: _Digest() for m in models}
    try:
        tables = _copy(engine, dump, models, read)
    except DatabaseError as error:  # a row the database refuses: the whole copy rolled back
        raise BackupError(f"Cơ sở dữ liệu từ chối dữ liệu của bản sao lưu: {error}") from error
    written = {m._meta.db_table: _digest_of(m) for m in models}
    different = sorted(t for t in tables if written[t] != read[t].value())
    if different:
        raise BackupError(
            "Cơ sở dữ liệu sau khôi phục khác bản sao lưu ở các bảng: " + ", ".join(different)
        )
    return {table: read[table].rows for table in tables}


def _copy(
    engine: str, dump: Path, models: list[type[Model]], read: dict[str, _Digest]
) -> list[str]:
    """Every model table emptied, then filled from the backup, in one transaction."""
    with transaction.atomic():
        tables = [m._meta.db_table for m in models]
        connection.ops.execute_sql_flush(
            connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
        )
        source = _from_sqlite(dump, models) if engine == "sqlite" else _from_postgres(dump, models)
        for model, rows in source:
            _insert(model, rows, read[model._meta.db_table])
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    return tables


def _same_schema(migrations: list[list[str]]) -> None:
    """Across engines the rows go into this release's tables: the backup must be of them."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    here = {f"{app}.{name}" for app, name in loader.disk_migrations}
    there = {f"{app}.{name}" for app, name in migrations}
    if here != there:
        missing = sorted(here - there)
        raise BackupError(
            "Khôi phục sang loại cơ sở dữ liệu khác chỉ dùng được với bản sao lưu của cùng "
            f"phiên bản (bản sao lưu thiếu {len(missing)} migration, ví dụ "
            f"{missing[0] if missing else sorted(there - here)[0]}). Khôi phục vào cùng loại "
            "cơ sở dữ liệu, chạy migrate, sao lưu lại rồi chuyển."
        )


def _models() -> list[type[Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _columns(model: type[Model]) -> list[Field[Any, Any]]:
    return list(model._meta.concrete_fields)


# ---- reading ---------------------------------------------------------------------------------


def _from_sqlite(dump: Path, models: list[type[Model]]) -> Iterator[tuple[type[Model], Rows]]:
    with opened_sqlite(dump) as wrapper:
        for model in models:
            names = [f.attname for f in _columns(model)]
            query = model._base_manager.order_by("pk").values_list(*names).query
            compiler = query.get_compiler(connection=wrapper)
            yield model, iter(compiler.results_iter(chunked_fetch=True, chunk_size=BATCH))


_COPY = re.compile(r"^COPY (?:\"?[\w]+\"?\.)?\"?([\w]+)\"? \((.*)\) FROM stdin;$")
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))")
_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _from_postgres(dump: Path, models: list[type[Model]]) -> Iterator[tuple[type[Model], Rows]]:
    """The dump's COPY blocks, as pg_restore prints them, table by table."""
    by_table = {m._meta.db_table: m for m in models}
    with postgres_tool("pg_restore", ["--data-only", "--file=-", str(dump)]) as lines:
        for line in lines:
            match = _COPY.match(line.rstrip("\n"))
            if not match:
                continue
            model = by_table.get(match.group(1))
            block = _copy_block(lines)
            if model is None:
                for _ in block:  # a table no model of this release has: read past it
                    pass
                continue
            columns = [c.strip().strip('"') for c in match.group(2).split(",")]
            fields = {f.column: f for f in _columns(model)}
            unknown = [c for c in columns if c not in fields]
            if unknown or len(columns) != len(fields):
                raise BackupError(
                    f"Bảng {match.group(1)} trong bản sao lưu có cột khác phiên bản này "
                    f"({', '.join(unknown) or 'thiếu cột'})."
                )
            order = [fields[c] for c in columns]
            position = [columns.index(f.column) for f in _columns(model)]
            yield model, (tuple(_value(order[i], cells[i]) for i in position) for cells in block)


def _copy_block(lines: Iterator[str]) -> Iterator[list[str | None]]:
    for line in lines:
        text = line.rstrip("\n")
        if text == "\\.":
            return
        yield [None if cell == "\\N" else _unescape(cell) for cell in text.split("\t")]
    raise BackupError("Bản sao lưu PostgreSQL bị cắt giữa một bảng.")


def _unescape(cell: str) -> str:
    if "\\" not in cell:
        return cell

    def one(match: re.Match[str]) -> str:
        octal, hexadecimal, other = match.groups()
        if octal:
            return chr(int(octal, 8))
        if hexadecimal:
            return chr(int(hexadecimal, 16))
        return _SIMPLE.get(other, other)

    return _ESCAPE.sub(one, cell)


def _value(field: Field[Any, Any], text: str | None) -> Any:
    """A COPY text value as the field holds it. A value that does not read as its column's
    type, or a column of a type no model of this release has, is a damaged backup."""
    if text is None:
        return None
    target = getattr(field, "target_field", field) if field.is_relation else field
    kind = target.get_internal_type()
    try:
        value = _convert(kind, text)
        if isinstance(value, Decimal) and not fits_column(target, value):
            value = None
    except (ValueError, ArithmeticError):
        value = None
    if value is None and not (kind == "JSONField" and text == "null"):
        raise BackupError(
            f"Bảng {field.model._meta.db_table}, cột {field.column}: giá trị không đọc được "
            f"({kind})."
        )
    return value


def fits_column(field: Field[Any, Any], number: Decimal) -> bool:
    """Whether a decimal fits its column (max_digits, decimal_places), as the database would
    check it."""
    digits, places = getattr(field, "max_digits", None), getattr(field, "decimal_places", None)
    if digits is None or places is None:
        return True
    return number.is_zero() or number.adjusted() < digits - places


def _convert(kind: str, text: str) -> Any:
    if kind == "BooleanField":
        return {"t": True, "f": False}.get(text)
    if kind in INTEGER_FIELDS:
        return int(text)
    if kind == "DecimalField":
        number = Decimal(text)
        return number if number.is_finite() else None
    if kind == "DateTimeField":
        return parse_datetime(text)
    if kind == "DateField":
        return parse_date(text)
    if kind == "JSONField":
        return json.loads(text)  # JSONDecodeError is a ValueError
    if kind == "BinaryField":
        return bytes.fromhex(text[2:]) if text.startswith("\\x") else None
    if kind == "UUIDField":
        return uuid.UUID(text)
    if kind in TEXT_FIELDS:
        return text
    raise ValueError(kind)


TEXT_FIELDS = {"CharField", "TextField", "SlugField", "GenericIPAddressField", "EmailField"}
INTEGER_FIELDS = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}  # fmt: skip


# ---- writing and comparing -------------------------------------------------------------------


def _insert(model: type[Model], rows: Rows, digest: _Digest) -> None:
    fields = _columns(model)
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608  (names from the models)
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        batch: list[list[Any]] = []
        for row in rows:
            digest.add(row)
            batch.append(
                [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
            )
            if len(batch) == BATCH:
                cursor.executemany(statement, batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)


class _Digest:
    """Rows in any order, digested value by value in a form both engines give alike."""

    def __init__(self) -> None:
        self.rows = 0
        self._hashes: list[bytes] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows += 1
        self._hashes.append(hashlib.sha256(repr(tuple(_neutral(v) for v in row)).encode()).digest())

    def value(self) -> tuple[int, str]:
        return self.rows, hashlib.sha256(b"".join(sorted(self._hashes))).hexdigest()


def _digest_of(model: type[Model]) -> tuple[int, str]:
    digest = _Digest()
    names = [f.attname for f in _columns(model)]
    for row in model._base_manager.order_by("pk").values_list(*names).iterator(chunk_size=BATCH):
        digest.add(row)
    return digest.value()


def _neutral(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    return value
