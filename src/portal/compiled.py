"""Reads the ORM composes once and the database runs many times.

Composing a query costs Django more than a small read costs the database: on SQLite a
person's roles in a unit took 0.2 ms to compose and 0.01 ms to run, and a save of a unit's
answers makes several such reads while it holds the database's one write lock, where every
other save waits for them (docs/decisions.md, "A save's reads composed once").

`Compiled` takes a function that builds the queryset from its parameters, calls it once per
database with a marker for each parameter, and keeps the SQL Django writes for it and where
each marker went. Each call after that runs that SQL with the values given.

- A parameter is an id, compared for equality with a key of the portal's own tables (64-bit
  on both databases): its marker is a whole number no id is. An id beyond 64 bits (a
  number typed into an address) matches no row: nothing is read, as the ORM reads nothing.
  That holds for conditions that must all hold (filter), not for a parameter negated
  (exclude) or one of alternatives (Q | Q): such a query is not to be composed here.
  A lookup Django can tell is empty for the marker (a column of smaller range) is refused
  when composed, as is a parameter the query does not take. A constant written in the
  query stays as it is.
- `build` is called with the markers, never with a call's values: it must build the same
  query whatever they are (no branch on them, no None: `= NULL` matches nothing).
- A query that locks its rows (`select_for_update`) runs on the database writes go to, and
  only in a transaction: Django refuses it outside one only as it composes the query, so
  each call here refuses it too.
- A text parameter (named in `texts`) is compared for equality with a column of text: its
  marker is a text no value of the portal's holds (it starts with a NUL character).
- `rows` gives what the database gives, without Django's conversion of a column's value to
  Python (JSON, times on SQLite): for columns of text and whole numbers, which need none.
- `objects` gives model instances, as iterating the queryset gives them: each column
  converted as the ORM converts it, the models of `select_related` read with them. The SQL
  is composed once for each thread (the conversions belong to its connection); a queryset
  with `prefetch_related` is refused, whose later queries this would not run."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # Django's own, not in its stubs
    ModelIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

__all__ = ["Compiled"]

_MARK_BASE = -7_340_000_000  # the first parameter's marker; the next one less by one
_ID_LIMIT = 2**63  # the keys' range, on both databases: -2**63 to 2**63 - 1
_TEXT_MARK = "\x00compiled:"  # a text parameter's marker, before its name
Placeholders = tuple[tuple[str, Any], ...]  # each placeholder's parameter, or "" and a constant


@dataclass(frozen=True)
class _Plan:
    compiler: SQLCompiler  # once it has written the SQL: what it selects, and how
    sql: str
    placeholders: Placeholders
    model: type[Model]
    names: list[str]  # the model's fields, in the order of their columns
    start: int  # the model's columns in a row
    end: int
    converters: dict[int, Any]  # each column's conversions, by position
    related: list[Any]  # Django's RelatedPopulator of each model read with it
    annotations: list[tuple[str, int]]


def _params(placeholders: Placeholders, values: dict[str, int | str]) -> list[Any]:
    return [values[name] if name else constant for name, constant in placeholders]


class Compiled:
    """`build(**markers)` gives a queryset: `rows(**values)` runs its SQL and gives the rows
    of its `values_list`; `objects(**values)` gives the model instances it would give."""

    def __init__(
        self, build: Callable[..., QuerySet[Any, Any]], *names: str, texts: tuple[str, ...] = ()
    ) -> None:
        self.build, self.names, self.texts = build, names, texts
        self._compiled = functools.cache(self._compile)
        self._local = threading.local()  # each thread's composed queries, for `objects`

    def rows(self, using: str | None = None, **values: int | str) -> list[tuple[Any, ...]]:
        """The rows for `values`, from the database `using` (by default the router's)."""
        if not self._check(values):
            return []
        alias = self._alias(using)
        sql, placeholders = self._compiled(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, _params(placeholders, values))
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    def objects(self, using: str | None = None, **values: int | str) -> list[Any]:
        """The queryset's model instances for `values`, from the database `using` (by
        default the router's), as iterating the queryset with them gives them."""
        if not self._check(values):
            return []
        alias = self._alias(using)
        plans: dict[str, _Plan] = self._local.__dict__.setdefault("plans", {})
        plan = plans.get(alias)
        if plan is None:
            plan = plans[alias] = self._plan(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(plan.sql, _params(plan.placeholders, values))
            fetched = cursor.fetchall()
        compiler, start, end = plan.compiler, plan.start, plan.end
        if compiler.has_extra_select:  # columns the ordering added, as Django drops them
            fetched = [row[: compiler.col_count] for row in fetched]
        rows = compiler.apply_converters(fetched, plan.converters) if plan.converters else fetched
        made = []
        for row in rows:
            instance = plan.model.from_db(alias, plan.names, row[start:end])
            for populator in plan.related:
                populator.populate(row, instance)
            for name, position in plan.annotations:
                setattr(instance, name, row[position])
            made.append(instance)
        return made

    def _check(self, values: dict[str, int | str]) -> bool:
        """Whether any row can match `values` (an id beyond 64 bits cannot); a value of the
        wrong kind, or a missing one, is refused."""
        if set(values) != {*self.names, *self.texts}:
            expected = ", ".join([*self.names, *self.texts])
            raise TypeError(f"expected {expected}; given {', '.join(values)}")
        for name, value in values.items():
            kind = str if name in self.texts else int
            if type(value) is not kind:  # None would compare `= NULL`: no row, silently
                what = "a text" if kind is str else "an id is a whole number"
                raise TypeError(f"{name}: {what}, not {value!r}")
        ids = [value for value in values.values() if type(value) is int]
        return all(-_ID_LIMIT <= value < _ID_LIMIT for value in ids)

    @functools.cached_property
    def model(self) -> type[Model]:
        return self._marked.model

    @functools.cached_property
    def _marked(self) -> QuerySet[Any, Any]:
        """The queryset built once, with the markers."""
        return self.build(**self._markers())

    @functools.cached_property
    def _locks(self) -> bool:
        return bool(self._marked.query.select_for_update)

    def _alias(self, using: str | None) -> str:
        """The database to run on: `using`, or the router's (where writes go for a query
        that locks, which must run in a transaction)."""
        alias = using or (router.db_for_write if self._locks else router.db_for_read)(self.model)
        if self._locks and not connections[alias].in_atomic_block:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        return alias

    def _markers(self) -> dict[str, int | str]:
        markers: dict[str, int | str] = {
            name: _MARK_BASE - position for position, name in enumerate(self.names)
        }
        return markers | {name: _TEXT_MARK + name for name in self.texts}

    def _compile(self, alias: str) -> tuple[str, Placeholders]:
        """The SQL of the queryset built with the markers, and each placeholder's parameter."""
        _, sql, placeholders = self._composed(alias)
        return sql, placeholders

    def _plan(self, alias: str) -> _Plan:
        """How `objects` reads the queryset's rows into instances, as Django's ModelIterable
        does, prepared once: its SQL, each column's conversions, the related models'."""
        queryset = self._marked
        prefetched = queryset._prefetch_related_lookups  # type: ignore[attr-defined]  # Django's own
        if prefetched or queryset._iterable_class is not ModelIterable:
            raise ValueError("objects(): a queryset of model instances, nothing prefetched")
        compiler, sql, placeholders = self._composed(alias)
        select, klass_info = compiler.select, compiler.klass_info
        columns = [column[0] for column in select[: compiler.col_count]]
        if klass_info is None or compiler.has_composite_fields(columns):
            raise ValueError("objects(): a queryset of model instances, keys of one column")
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Plan(
            compiler,
            sql,
            placeholders,
            klass_info["model"],
            [column[0].target.attname for column in select[start:end]],
            start,
            end,
            compiler.get_converters(columns),
            get_related_populators(klass_info, select, alias),
            list((compiler.annotation_col_map or {}).items()),
        )

    def _composed(self, alias: str) -> tuple[SQLCompiler, str, Placeholders]:
        """The compiler of the queryset built with the markers, once it has written its SQL;
        the SQL and each placeholder's parameter."""
        named = {marker: name for name, marker in self._markers().items()}
        compiler = self._marked.using(alias).query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a marker out of a column's range: the condition dropped
            raise ValueError(
                f"{', '.join(self.names)}: compared with a column an id's marker cannot be in"
            ) from None
        placeholders = tuple(
            (named[p], None) if type(p) in (int, str) and p in named else ("", p) for p in params
        )
        missing = {*self.names, *self.texts} - {name for name, _ in placeholders}
        if missing:  # compared with a column of another type, or not at all
            raise ValueError(f"the query takes no such value for {', '.join(sorted(missing))}")
        return compiler, sql, placeholders
