"""Reads the ORM composes once and the database runs many times.

Composing a query costs Django more than a small read costs the database: on SQLite a
person's roles in a unit took 0.2 ms to compose and 0.01 ms to run, and a save of a unit's
answers makes several such reads while it holds the database's one write lock, where every
other save waits for them (docs/decisions.md, "A save's reads composed once").

`Compiled` takes a function that builds the queryset from its parameters, calls it once per
database with a marker for each parameter, and keeps the SQL Django writes for it and where
each marker went. Each call after that runs that SQL with the values given.

- A parameter is an id, compared for equality with a key of the portal's own tables (64-bit
  on both databases): its marker is a whole number no id is. A lookup Django can tell is
  empty for the marker (a column of smaller range) is refused when composed, as is a
  parameter the query does not take. A constant written in the query stays as it is.
- `build` is called with the markers, never with a call's values: it must build the same
  query whatever they are (no branch on them, no None: `= NULL` matches nothing).
- A query that locks its rows (`select_for_update`) runs on the database writes go to.
- The rows are what the database gives, without Django's conversion of a column's value to
  Python (JSON, times on SQLite): for columns of text and whole numbers, which need none."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet

__all__ = ["Compiled"]

_MARK_BASE = -7_340_000_000  # the first parameter's marker; the next one less by one
Placeholders = tuple[tuple[str, Any], ...]  # each placeholder's parameter, or "" and a constant


class Compiled:
    """`build(**markers)` gives a `values_list` queryset; `rows(**values)` runs its SQL."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *names: str) -> None:
        self.build, self.names = build, names
        self._compiled = functools.cache(self._compile)

    def rows(self, using: str | None = None, **values: int) -> list[tuple[Any, ...]]:
        """The rows for `values`, from the database `using` (by default the router's)."""
        if set(values) != set(self.names):
            raise TypeError(f"expected {', '.join(self.names)}; given {', '.join(values)}")
        for name, value in values.items():
            if type(value) is not int:  # None would compare `= NULL`: no row, silently
                raise TypeError(f"{name}: an id is a whole number, not {value!r}")
        alias = using or self._router(self.model)
        sql, placeholders = self._compiled(alias)
        params = [values[name] if name else constant for name, constant in placeholders]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    @functools.cached_property
    def model(self) -> type[Model]:
        return self._marked.model

    @functools.cached_property
    def _marked(self) -> QuerySet[Any, Any]:
        """The queryset built once, with the markers."""
        return self.build(**self._markers())

    @functools.cached_property
    def _router(self) -> Callable[[type[Model]], str]:
        locks = bool(self._marked.query.select_for_update)
        return router.db_for_write if locks else router.db_for_read

    def _markers(self) -> dict[str, int]:
        return {name: _MARK_BASE - position for position, name in enumerate(self.names)}

    def _compile(self, alias: str) -> tuple[str, Placeholders]:
        """The SQL of the queryset built with the markers, and each placeholder's parameter."""
        named = {marker: name for name, marker in self._markers().items()}
        query = self._marked.using(alias).query
        try:
            sql, params = query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:  # a marker out of a column's range: the condition dropped
            raise ValueError(
                f"{', '.join(self.names)}: compared with a column an id's marker cannot be in"
            ) from None
        placeholders = tuple(
            (named[p], None) if type(p) is int and p in named else ("", p) for p in params
        )
        missing = set(self.names) - {name for name, _ in placeholders}
        if missing:  # compared with a column of another type, or not at all
            raise ValueError(f"the query takes no whole number for {', '.join(sorted(missing))}")
        return sql, placeholders
