"""Writing many rows of one model at once, in plain SQL built from the model's own fields and
conversions.

- `update_rows`: one UPDATE by primary key, run for every row (executemany; on PostgreSQL
  one UPDATE over the rows as one JSON document, `recordset`, and their keys as an array,
  so that only those rows are read), so no query per row in the code's loop and no CASE
  expression per row. Django's bulk_update builds a CASE … WHEN per
  row and field, which costs about a millisecond a row in Python (80 answers: 0.4 s; 3,300
  results: seconds).
- `insert_rows`: multi-row INSERTs that return the new ids, as few as the database allows
  (on PostgreSQL `INSERT … SELECT … FROM json_populate_recordset(…)`, `recordset`). Django's
  bulk_create prepares every value through its query compiler, which took longer than the
  database took to store them (3,300 results and 3,300 notifications: 0.7 s, in the
  transaction that finalizes a campaign).
- `updating`, `inserting`: the same, prepared now and written later (`Writing.run`), for a
  write under a lock whose rows are known before it: a save of a unit's answers prepares its
  80 rows' values before SQLite's write lock, where preparing them took a quarter of the
  time a save held it, and gives them there only what is known there (the time, the id of
  a submission created under it: `late`). `Writing.run_before` writes, then runs one more
  statement: on PostgreSQL, after an INSERT of rows given their keys, in the same
  statement (the audit trail's entry and its head's move, under the head's lock).
- `built`: a row built by position, its other fields at their defaults, where building it
  by keyword cost Django three times as much (a first save's 80 new answers, the audit
  trail's entries).

The values are prepared by each field as Django would save them (JSON, decimals, aware
datetimes, foreign keys), except text, whole numbers and references whose value already is
text, a whole number or None, which each field would pass as it is; on PostgreSQL they are
then written as JSON, the rows one JSON document (`recordset`). Nothing here validates
them: callers check them first (clean_fields, or a check of their own where the types say
more)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar
from uuid import UUID

from django.db import connections, models, router
from django.db.models import Field, Model

_M = TypeVar("_M", bound=Model)
INSERT_BATCH = 500  # rows inserted per statement (fewer on SQLite: 999 values at most)
# The fields that convert a value of these exact types (or None) to itself.
_AS_IS: tuple[tuple[tuple[type[Field[Any, Any]], ...], tuple[type, ...]], ...] = (
    ((models.CharField, models.TextField), (str,)),
    ((models.IntegerField, models.ForeignKey), (int,)),
)


def built(model: type[_M], values: Mapping[str, Any]) -> _M:
    """`model(**values)`, its other fields at their defaults, built by position: Django
    checks each keyword against every field, and a row built by name cost it about three
    times as much (a save of 80 answers builds 80 rows and an audit entry). `values` are
    keyed by each field's attribute name (`unit_id`, not `unit`)."""
    defaults = _defaults(model)
    unknown = values.keys() - _attnames(model)
    if unknown:  # a field's name (`unit`) or a misspelling would be left at its default
        raise TypeError(f"{model.__name__}: no column {sorted(unknown)}")
    build: Callable[..., _M] = model  # the stubs type each position as the id
    return build(*[values.get(name, default) for name, default in defaults])


@cache
def _defaults(model: type[Model]) -> tuple[tuple[str, Any], ...]:
    """Each column of `model`, in the order its constructor takes them by position, with
    its default (evaluated once: for fields without a callable default)."""
    fields = model._meta.concrete_fields
    callables = [field.name for field in fields if field.has_default() and callable(field.default)]
    if callables:
        raise TypeError(f"{model.__name__}: defaults computed for each row: {callables}")
    return tuple((field.attname, field.get_default()) for field in fields)


@cache
def _attnames(model: type[Model]) -> frozenset[str]:
    return frozenset(name for name, _ in _defaults(model))


def update_rows(rows: Sequence[Model], fields: Sequence[str]) -> None:
    """Write `fields` of each row (all of one model, already saved) to the database."""
    updating(rows, fields).run()


def updating(rows: Sequence[Model], fields: Sequence[str], *, late: Sequence[str] = ()) -> Writing:
    """`update_rows`, its statement and values prepared now and written by `run`: a write
    made under a lock (SQLite's is the database's) prepares its rows before it. `late`:
    fields among `fields` given one value for every row by `run` (a time taken under the
    lock)."""
    if not rows:
        return Writing(rows, {}, lambda: None)
    model = type(rows[0])
    meta = model._meta
    columns = [_column(meta.get_field(name)) for name in [*fields, meta.pk.name]]
    named = [field for field, _ in columns]
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    *changed, key = [quote(column) for _, column in columns]
    slots, lates = _late(named, late, connection, as_json=connection.vendor == "postgresql")
    if connection.vendor == "postgresql":
        # one statement over the rows as one JSON document: not one statement per row
        assignments = ", ".join(f"{column} = v.{column}" for column in changed)
        # The rows' keys again, as an array: the planner reads a function's rows as 100
        # whatever they are, and a join over them alone scanned the whole table (the
        # answers of 150 communes: 12,000 rows read for a save's 80, 2 ms of the server's
        # time, growing with every campaign); with the keys it reads only the rows written.
        key_type = meta.pk.db_type(connection)
        if key_type is None:
            raise ValueError(f"{meta.label}: its key has no type in the database")
        # names and the key's type from the model's metadata, quoted; the rows one parameter
        sql = (
            f"UPDATE {table} SET {assignments} FROM {recordset(model, connection)} AS v "  # noqa: S608
            f"WHERE {table}.{key} = v.{key} AND {table}.{key} = ANY(%s::{key_type}[])"
        )
        keys: list[Any] | str = [meta.pk.get_db_prep_value(row.pk, connection) for row in rows]
        if all(type(key) is int for key in keys):
            # whole numbers, every key the portal's tables have, sent as the array's text:
            # psycopg would look at each to choose how to send it (80 keys: 0.1 ms)
            keys = "{" + ",".join(map(str, keys)) + "}"
        items = _items_of(_item_plan(named, connection, skip=slots), rows)
        for name, place in slots.items():
            lates[name].places = [(item, place) for item in items]

        def update_document() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, [_json_text(items), keys])

        return Writing(rows, lates, update_document, connection)
    assignments = ", ".join(f"{column} = %s" for column in changed)
    # names from the model's metadata, quoted; every value a parameter
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    converters = [
        (field.attname, _converter(field, connection), field.attname in slots) for field in named
    ]
    params = [
        [None if skip else convert(getattr(row, name)) for name, convert, skip in converters]
        for row in rows
    ]
    for name, place in slots.items():
        lates[name].places = [(values, place) for values in params]

    def update_each() -> None:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    return Writing(rows, lates, update_each, connection)


class Writing:
    """A bulk write prepared (`updating`, `inserting`): its rows' values are ready, and
    `run` writes them, after it gives each row the late fields' values (one value a field,
    the same for every row: a reference's is the referred row's id), prepared once."""

    def __init__(
        self,
        rows: Sequence[Model],
        late: dict[str, _Late],
        write: Callable[[], None],
        connection: Any = None,
        joint: Callable[[str, list[Any]], int] | None = None,
    ) -> None:
        self.rows, self._late, self._write = rows, late, write
        self._connection, self._joint = connection, joint

    def run(self, **late: Any) -> None:
        """Write, with a value for each late field, by the field's attribute name (no rows:
        nothing to write, whatever is given)."""
        if not self.rows:
            return
        self._give(late)
        self._write()

    def run_before(self, statement: str, params: Sequence[Any], **late: Any) -> int:
        """`run`, then `statement` (one statement, with `params`), and its row count. On
        PostgreSQL, where the write is one INSERT of rows given their keys, both go as one
        statement (`WITH written AS (the INSERT) statement`): one round trip where they took
        two, for a write under a lock that others wait for (the audit trail's head). So
        `statement` must not read the rows written: within one statement it would not see
        them; nor begin with a WITH of its own. Elsewhere it runs after the write. Needs
        rows to write."""
        if not self.rows:
            raise ValueError("run_before: no rows to write")
        self._give(late)
        if self._joint is not None:
            return self._joint(statement, list(params))
        self._write()
        with self._connection.cursor() as cursor:
            cursor.execute(statement, params)
            return int(cursor.rowcount)

    def _give(self, late: Mapping[str, Any]) -> None:
        if set(late) != set(self._late):
            raise TypeError(f"late values for {sorted(self._late)}, given {sorted(late)}")
        for attname, value in late.items():
            slot = self._late[attname]
            ready = slot.convert(value)
            for row in self.rows:
                setattr(row, attname, value)
            for values, place in slot.places:
                values[place] = ready


class _Late:
    """A field given its value when a prepared write runs, and where that value goes: a
    place in each row's parameters, or in each row of a JSON document."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self.convert = convert
        self.places: list[tuple[Any, Any]] = []  # (a row's values, its index or column name)


def _late(
    fields: Sequence[Field[Any, Any]], late: Sequence[str], connection: Any, *, as_json: bool
) -> tuple[dict[str, Any], dict[str, _Late]]:
    """The late fields (by name) among `fields`: by attribute name, the place of each in a
    row's values (its index, or its column's name in a document) and how its value is
    prepared."""
    by_name = {field.name: (index, field) for index, field in enumerate(fields)}
    slots: dict[str, Any] = {}
    lates: dict[str, _Late] = {}
    for name in late:
        if name not in by_name:
            raise ValueError(f"{name} is not among the fields written")
        index, field = by_name[name]
        convert = _json_converter(field, connection) if as_json else _converter(field, connection)
        slots[field.attname] = _column(field)[1] if as_json else index
        lates[field.attname] = _Late(convert or _as_it_is)
    return slots, lates


def recordset(model: type[Model], connection: Any) -> str:
    """PostgreSQL: `json_populate_recordset(NULL::table, %s::json)`, the rows of a statement
    as one JSON document (`_items_of`, then JSON), each row an object keyed by the table's
    column names and each value read as its column's type reads a text.

    One parameter, whatever the rows: psycopg neither parses a long statement again on
    every call (a parameter per value: 80 audit entries, 11 ms) nor writes an array literal
    item by item in Python (an array per column: about 3 ms of a save's 80 answers and 80
    entries), and json.dumps writes the whole document in C. A value longer than its column
    is refused, as a plain INSERT refuses it: nothing is cast to a size."""
    table = connection.ops.quote_name(model._meta.db_table)
    return f"json_populate_recordset(NULL::{table}, %s::json)"


def _item_plan(
    fields: Sequence[Field[Any, Any]],
    connection: Any,
    readers: Sequence[Callable[[Model], Any]] | None = None,
    skip: Mapping[str, Any] | None = None,
) -> ItemPlan:
    """How each field's value of a row is read and written in a `recordset`'s document:
    `skip`, late fields by attribute name, left None (`Writing.run` sets them)."""
    late = skip or {}
    names = [_column(field)[1] for field in fields]
    read = readers or [_reader(field, stamped=False) for field in fields]
    converters = [
        None if field.attname in late else _json_converter(field, connection) for field in fields
    ]
    return [
        (name, get, convert, field.attname in late)
        for name, get, convert, field in zip(names, read, converters, fields, strict=True)
    ]


def _items_of(plan: ItemPlan, rows: Sequence[Model]) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        item: dict[str, Any] = {}
        for name, get, convert, skipped in plan:
            if skipped:
                item[name] = None
                continue
            value = get(row)
            item[name] = value if convert is None else convert(value)
        items.append(item)
    return items


def values_document(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Plain values (text, whole numbers, None) as `recordset` reads them, by column name."""
    return _json_text([dict(zip(columns, row, strict=True)) for row in rows])


def _json_text(items: list[dict[str, Any]]) -> str:
    # PostgreSQL's JSON has no NaN: refused here (ValueError), before anything is sent
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _column(field: object) -> tuple[Field[object, object], str]:
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{field} is no column of its table")
    return field, field.column


def insert_rows(rows: Sequence[Model], *, keys: bool = False, stamped: bool = True) -> None:
    """Insert new rows (all of one model), each given its id by the database, or with the
    ids they hold (`keys`), which the database's own numbering must have given: on
    PostgreSQL taken from the table's sequence (an id it did not give, it would give again
    later), on SQLite chosen under its write lock. Fields set on saving (`auto_now_add`) are
    set as Django's save would set them, unless not `stamped`: rows carried from elsewhere
    keep their times."""
    inserting(rows, keys=keys, stamped=stamped).run()


def inserting(
    rows: Sequence[Model],
    *,
    keys: bool = False,
    stamped: bool = True,
    late: Sequence[str] = (),
    encoded: Mapping[str, Callable[[Model], Any]] | None = None,
    using: str | None = None,
) -> Writing:
    """`insert_rows`, its statements and values prepared now and written by `run` (see
    `updating`). `late`: fields given one value for every row by `run` (the id of a row
    the write creates first, a time taken under the lock). `encoded`: fields whose value
    for the database each row gives already, by these readers (a JSON field's text,
    encoded once for its row and for a hash), used where each value is a parameter; where
    the rows go as one JSON document (PostgreSQL), its one encoding writes them as they
    stand. `using`: the database written, where it is not the router's for the model (a
    write that goes on under a lock taken there)."""
    if not rows:
        return Writing(rows, {}, lambda: None)
    model = type(rows[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert and not keys:
        if not stamped:  # Django's bulk insert would stamp them
            raise ValueError("insert_rows(stamped=False) needs a database that returns ids")
        # a plain queryset: a model's own manager may refuse bulk inserts (the audit trail's)
        plain: models.QuerySet[Model] = models.QuerySet(model, using=alias)
        named = [model._meta.get_field(name) for name in late]

        def create() -> None:
            plain.bulk_create(rows, batch_size=INSERT_BATCH)

        stamps = {field.attname: _Late(_as_it_is) for field in named if isinstance(field, Field)}
        return Writing(rows, stamps, create, connection)
    plan = _insert_plan(model, alias, connection, keys, stamped, tuple(late), encoded or {})
    lates = {name: _Late(convert) for name, convert in plan.late.items()}
    batches: list[tuple[str, list[Any], Sequence[Model]]] = []
    for start in range(0, len(rows), plan.size):
        batch = rows[start : start + plan.size]
        params: list[Any]
        if plan.as_document:
            items = _items_of(plan.items, batch)
            for name, place in plan.slots.items():
                lates[name].places += [(item, place) for item in items]
            params = [items]  # written as one JSON document when it runs
            sql = plan.statement
        else:
            params = [
                None if skip else get(row) if convert is None else convert(get(row))
                for row in batch
                for get, convert, skip in plan.readers
            ]
            width = len(plan.readers)
            for name, place in plan.slots.items():
                lates[name].places += [
                    (params, index * width + place) for index in range(len(batch))
                ]
            sql = plan.statement + ", ".join([plan.marks] * len(batch))
        batches.append((sql + plan.returning, params, batch))

    def insert() -> None:
        with connection.cursor() as cursor:
            for sql, params, batch in batches:
                if plan.as_document:
                    cursor.execute(sql, [_json_text(params[0])])
                else:
                    cursor.execute(sql, params)
                if not keys:
                    for row, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                        row.pk = pk
                _stored(batch, alias)

    joint = None
    if plan.as_document and keys and len(batches) == 1:  # nothing to read back: one statement
        [(sql, params, batch)] = batches

        def joint(statement: str, more: list[Any]) -> int:
            with connection.cursor() as cursor:
                # the INSERT composed from the model's metadata; every value a parameter
                cursor.execute(
                    f"WITH written AS ({sql}) {statement}", [_json_text(params[0]), *more]
                )
                count = int(cursor.rowcount)
            _stored(batch, alias)
            return count

    return Writing(rows, lates, insert, connection, joint)


def _stored(rows: Sequence[Model], alias: str) -> None:
    """Rows just inserted, as the ORM leaves rows it saved."""
    for row in rows:
        row._state.adding, row._state.db = False, alias


Reader = tuple[Callable[[Model], Any], Callable[[Any], Any] | None, bool]  # get, convert, late
ItemPlan = list[tuple[str, Callable[[Model], Any], Callable[[Any], Any] | None, bool]]


@dataclass(frozen=True)
class _InsertPlan:
    """How `inserting` writes rows of one model on one connection: its statement, and how
    each value is read and prepared; composed once per thread (`_insert_plan`)."""

    connection: Any
    statement: str  # up to VALUES (each row's marks follow), or the whole INSERT … SELECT
    marks: str
    returning: str
    size: int  # rows a statement
    as_document: bool
    readers: list[Reader]  # a value a parameter: each field's
    items: ItemPlan  # PostgreSQL: each field's in the document
    slots: dict[str, Any]  # the late fields' places, by attribute name
    late: dict[str, Callable[[Any], Any]]  # how each late field's value is prepared


_plans = threading.local()  # this thread's plans, by what they write (`_insert_plan`)
PLANS = 256  # plans kept per thread at most


def _insert_plan(
    model: type[Model],
    alias: str,
    connection: Any,
    keys: bool,
    stamped: bool,
    late: tuple[str, ...],
    encoded: Mapping[str, Callable[[Model], Any]],
) -> _InsertPlan:
    """The plan of an insert, composed once per thread and connection: a save runs two or
    three INSERTs under SQLite's write lock, and composing their statements took as long as
    running them."""
    key = (model, alias, keys, stamped, late, tuple(sorted(encoded.items())))
    cache: dict[Any, _InsertPlan] | None = getattr(_plans, "inserts", None)
    if cache is None:
        cache = _plans.inserts = {}
    plan = cache.get(key)
    if plan is None or plan.connection is not connection:
        if len(cache) >= PLANS:
            cache.clear()
        plan = cache[key] = _new_insert_plan(model, connection, keys, stamped, late, encoded)
    return plan


def _new_insert_plan(
    model: type[Model],
    connection: Any,
    keys: bool,
    stamped: bool,
    late: tuple[str, ...],
    encoded: Mapping[str, Callable[[Model], Any]],
) -> _InsertPlan:
    meta = model._meta
    fields = [f for f in meta.concrete_fields if keys or not f.primary_key]
    quote = connection.ops.quote_name
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    limit = connection.features.max_query_params
    size = INSERT_BATCH if limit is None else min(INSERT_BATCH, limit // len(fields))
    read = [_reader(field, stamped) for field in fields]
    as_document = connection.vendor == "postgresql"
    slots, lates = _late(fields, late, connection, as_json=as_document)
    given: dict[str, Callable[[Model], Any]] = {} if as_document else dict(encoded)
    # elsewhere a parameter per value, each prepared by its field, or given already
    readers: list[Reader] = [
        (given[f.name], None, f.attname in slots)
        if f.name in given
        else (get, _converter(f, connection), f.attname in slots)
        for f, get in zip(fields, read, strict=True)
    ]
    # names from the model's metadata, quoted; every value a parameter
    if as_document:
        statement = (
            f"INSERT INTO {table} ({columns}) "  # noqa: S608
            f"SELECT {columns} FROM {recordset(model, connection)}"
        )
    else:
        statement = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
    return _InsertPlan(
        connection=connection,
        statement=statement,
        marks="(" + ", ".join(["%s"] * len(fields)) + ")",
        returning="" if keys else f" RETURNING {quote(meta.pk.column)}",
        size=size,
        as_document=as_document,
        readers=readers,
        items=_item_plan(fields, connection, read, slots) if as_document else [],
        slots=slots,
        late={name: slot.convert for name, slot in lates.items()},
    )


def _reader(field: Field[Any, Any], stamped: bool = True) -> Callable[[Model], Any]:
    """How a new row's value of `field` is read: as Django's save sets it for a field set on
    saving (when `stamped`), else as it stands (decided once per field, not per row)."""
    if stamped and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
        return lambda row: field.pre_save(row, add=True)
    return attrgetter(field.attname)


def _converter(
    field: Field[Any, Any], connection: Any, as_json: bool = False
) -> Callable[[Any], Any]:
    """How a value of `field` is prepared for the database, as Django's save prepares it;
    `as_json`: then written in JSON's terms (`_json_value`)."""
    prepare = field.get_db_prep_save

    def prepared(value: Any) -> Any:
        ready = prepare(value, connection)
        return _json_value(ready) if as_json else ready

    for kinds, types in _AS_IS:
        if isinstance(field, kinds):
            return lambda value: (
                value if value is None or type(value) in types else prepared(value)
            )
    if isinstance(field, models.DateTimeField):
        return _last_remembered(prepared)
    return prepared


def _json_converter(field: Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    """How a value of `field` is written in a `recordset`'s document: as the field would
    prepare it for the database, in JSON's terms (`_json_value`); None when the value is
    written as it is (a JSON field's value, which is JSON already, unless the field has an
    encoder of its own)."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        if encoder is None:
            return None
        return lambda value: (None if value is None else json.loads(json.dumps(value, cls=encoder)))
    if isinstance(field, models.BinaryField):  # bytes, in PostgreSQL's hex form
        return lambda value: None if value is None else "\\x" + bytes(value).hex()
    return _converter(field, connection, as_json=True)


def _as_it_is(value: Any) -> Any:
    return value


def _json_value(value: Any) -> Any:
    """A value prepared for the database, written so that its column's type reads it back
    from JSON's text: numbers and decimals as numbers' text, times in ISO 8601 with their
    offset."""
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be written in bulk")


def _last_remembered(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, remembering its last value: the rows of one write mostly share one moment
    (80 answers are saved at once), converted once."""
    last: list[Any] = [object(), None]  # a value, and what it converts to

    def remembered(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return remembered
