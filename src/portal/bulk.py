"""Updating many rows of one model at once: one UPDATE by primary key, run for every row
(executemany), so no query per row in the code's loop and no CASE expression per row.
Django's bulk_update builds a CASE … WHEN per row and field, which costs about a
millisecond a row in Python (80 answers: 0.4 s; 3,300 results: seconds).

The values are prepared by each field as Django would save them (JSON, decimals, aware
datetimes, foreign keys); nothing here validates them: callers run clean_fields first."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Field, Model


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
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field, _ in columns]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _column(field: object) -> tuple[Field[object, object], str]:
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{field} is no column of its table")
    return field, field.column
