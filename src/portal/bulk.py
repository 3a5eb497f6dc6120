"""Writing many rows of one model at once, in plain SQL built from the model's own fields and
conversions.

- `update_rows`: one UPDATE by primary key, run for every row (executemany; on PostgreSQL
  one UPDATE over one array per column), so no query per row in the code's loop and no
  CASE expression per row. Django's bulk_update builds a CASE … WHEN per row and field,
  which costs about a millisecond a row in Python (80 answers: 0.4 s; 3,300 results:
  seconds).
- `insert_rows`: multi-row INSERTs that return the new ids, as few as the database allows
  (on PostgreSQL `INSERT … SELECT * FROM unnest(…)`, one array per column). Django's
  bulk_create prepares every value through its query compiler, which took longer than the
  database took to store them (3,300 results and 3,300 notifications: 0.7 s, in the
  transaction that finalizes a campaign).

The values are prepared by each field as Django would save them (JSON, decimals, aware
datetimes, foreign keys), except text, whole numbers and references whose value already is
text, a whole number or None, which each field would pass as it is. Nothing here validates
them: callers run clean_fields first."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models import Field, Model

INSERT_BATCH = 500  # rows inserted per statement (fewer on SQLite: 999 values at most)
# The fields that convert a value of these exact types (or None) to itself.
_AS_IS: tuple[tuple[tuple[type[Field[Any, Any]], ...], tuple[type, ...]], ...] = (
    ((models.CharField, models.TextField), (str,)),
    ((models.IntegerField, models.ForeignKey), (int,)),
)


def update_rows(rows: Sequence[Model], fields: Sequence[str]) -> None:
    """Write `fields` of each row (all of one model, already saved) to the database."""
    if not rows:
        return
    model = type(rows[0])
    meta = model._meta
    columns = [_column(meta.get_field(name)) for name in [*fields, meta.pk.name]]
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    *changed, key = [quote(column) for _, column in columns]
    assignments = ", ".join(f"{column} = %s" for column in changed)
    # names from the model's metadata, quoted; every value a parameter
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {key} = %s"  # noqa: S608
    converters = [(field.attname, _converter(field, connection)) for field, _ in columns]
    params = [[convert(getattr(row, name)) for name, convert in converters] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(sql, params)
            return
        # one statement over arrays, one per column: not one statement per row
        names = [f"c{n}" for n in range(len(columns))]
        *new, by = names
        assignments = ", ".join(
            f"{column} = v.{name}" for column, name in zip(changed, new, strict=True)
        )
        sql = (
            f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
            f"FROM {arrays([f for f, _ in columns], connection)} AS v({', '.join(names)}) "
            f"WHERE {quote(meta.db_table)}.{key} = v.{by}"
        )
        cursor.execute(sql, [list(column) for column in zip(*params, strict=True)])


def arrays(fields: Sequence[Field[Any, Any]], connection: Any) -> str:
    """PostgreSQL: `unnest(%s::type[], …)`, the rows of a statement as one array per column.
    A statement with a parameter per value is long, and psycopg parses a long statement
    again on every call (80 audit entries: 11 ms); this one is short whatever the rows.

    Each array is cast to its column's type without the type's length or precision: an
    explicit cast to varchar(n) cuts a longer text silently, where storing it into the
    column refuses it, as a plain INSERT would."""
    types = [_SIZE.sub("", str(field.db_type(connection))) for field in fields]
    return "unnest(" + ", ".join(f"%s::{kind}[]" for kind in types) + ")"


_SIZE = re.compile(r"\([^)]*\)$")  # varchar(64), numeric(7, 2): the size, left to the column


def _column(field: object) -> tuple[Field[object, object], str]:
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{field} is no column of its table")
    return field, field.column


def insert_rows(rows: Sequence[Model], *, keys: bool = False, stamped: bool = True) -> None:
    """Insert new rows (all of one model), each given its id by the database, or with the
    ids they hold (`keys`). Fields set on saving (`auto_now_add`) are set as Django's save
    would set them, unless not `stamped`: rows carried from elsewhere keep their times."""
    if not rows:
        return
    model = type(rows[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    if keys and connection.vendor != "sqlite":
        # elsewhere the ids come from a sequence that explicit ids would not move
        raise ValueError("insert_rows(keys=True) is for SQLite, whose writer holds the lock")
    if not connection.features.can_return_rows_from_bulk_insert and not keys:
        if not stamped:  # Django's bulk insert would stamp them
            raise ValueError("insert_rows(stamped=False) needs a database that returns ids")
        # a plain queryset: a model's own manager may refuse bulk inserts (the audit trail's)
        plain: models.QuerySet[Model] = models.QuerySet(model, using=alias)
        plain.bulk_create(rows, batch_size=INSERT_BATCH)
        return
    fields = [f for f in meta.concrete_fields if keys or not f.primary_key]
    quote = connection.ops.quote_name
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    limit = connection.features.max_query_params
    size = INSERT_BATCH if limit is None else min(INSERT_BATCH, limit // len(fields))
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    readers = [(_reader(field, stamped), _converter(field, connection)) for field in fields]
    by_column = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            # names from the model's metadata, quoted; every value a parameter
            if by_column:
                params: list[Any] = [
                    [convert(read(row)) for row in batch] for read, convert in readers
                ]
                sql = f"INSERT INTO {table} ({columns}) SELECT * FROM {arrays(fields, connection)}"  # noqa: S608
            else:
                params = [convert(read(row)) for row in batch for read, convert in readers]
                sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * len(batch))}"  # noqa: S608
            if keys:
                cursor.execute(sql, params)
            else:
                cursor.execute(f"{sql} RETURNING {quote(meta.pk.column)}", params)
                for row, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                    row.pk = pk
            for row in batch:
                row._state.adding, row._state.db = False, alias


def _reader(field: Field[Any, Any], stamped: bool = True) -> Callable[[Model], Any]:
    """How a new row's value of `field` is read: as Django's save sets it for a field set on
    saving (when `stamped`), else as it stands (decided once per field, not per row)."""
    if stamped and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
        return lambda row: field.pre_save(row, add=True)
    name = field.attname
    return lambda row: getattr(row, name)


def _converter(field: Field[Any, Any], connection: Any) -> Callable[[Any], Any]:
    prepare = field.get_db_prep_save
    for kinds, types in _AS_IS:
        if isinstance(field, kinds):
            return lambda value: (
                value if value is None or type(value) in types else prepare(value, connection)
            )
    if isinstance(field, models.DateTimeField):
        return _last_remembered(lambda value: prepare(value, connection))
    return lambda value: prepare(value, connection)


def _last_remembered(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, remembering its last value: the rows of one write mostly share one moment
    (80 answers and their 80 entries are saved at once), converted once."""
    last: list[Any] = [object(), None]  # a value, and what it converts to

    def remembered(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return remembered
