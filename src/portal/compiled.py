"""Reads the ORM composes once and the database runs many times.

Composing a query costs Django more than a small read costs the database: on SQLite a
person's roles in a unit took 0.2 ms to compose and 0.01 ms to run, and a save of a unit's
answers makes several such reads while it holds the database's one write lock, where every
other save waits for them (docs/decisions.md, "A save's reads composed once").

`Compiled` takes a function that builds the queryset from its parameters, calls it once per
database with a marker for each parameter, and keeps the SQL Django writes for it and where
each marker went. Each call after that runs that SQL with the values given.

- A parameter is a whole number compared with a whole-number column (an id): the marker is
  one too, which no key or count is. A constant written in the query stays as it is.
- The rows are what the database gives, without Django's conversion of a column's value to
  Python (JSON, times on SQLite): for columns of text and whole numbers, which need none."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

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

    def rows(self, using: str | None = None, **values: int | None) -> list[tuple[Any, ...]]:
        """The rows for `values`, from the database `using` (by default the router's)."""
        if set(values) != set(self.names):
            raise TypeError(f"expected {', '.join(self.names)}; given {', '.join(values)}")
        alias = using or router.db_for_read(self.model)
        sql, placeholders = self._compiled(alias)
        params = [values[name] if name else constant for name, constant in placeholders]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    @functools.cached_property
    def model(self) -> type[Model]:
        return self.build(**self._markers()).model

    def _markers(self) -> dict[str, int]:
        return {name: _MARK_BASE - position for position, name in enumerate(self.names)}

    def _compile(self, alias: str) -> tuple[str, Placeholders]:
        """The SQL of the queryset built with the markers, and each placeholder's parameter."""
        named = {marker: name for name, marker in self._markers().items()}
        query = self.build(**self._markers()).using(alias).query
        sql, params = query.get_compiler(using=alias).as_sql()
        placeholders = tuple(
            (named[p], None) if type(p) is int and p in named else ("", p) for p in params
        )
        missing = set(self.names) - {name for name, _ in placeholders}
        if missing:  # compared with a column of another type, or not at all
            raise ValueError(f"the query takes no whole number for {', '.join(sorted(missing))}")
        return sql, placeholders
