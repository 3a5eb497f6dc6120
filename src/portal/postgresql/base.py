"""PostgreSQL for the portal: Django's own backend, a statement's parameters bound by the
server, and the statements a connection runs again and again kept prepared.

With `OPTIONS["server_side_binding"]` (portal.env sets it) psycopg sends a statement and its
parameters apart, rather than quoting the parameters into the statement's text, and a
statement a connection has run `OPTIONS["prepare_threshold"]` times is prepared: PostgreSQL
parses and plans it once for that connection, not on every request (docs/decisions.md, 30).

The protocol counts a statement's parameters in 16 bits: PostgreSQL refuses more than 65,535
bound by the server. Django 5.2 does not split its statements for that limit (a bulk insert
of thousands of rows, a long `__in` list), so a statement with more parameters than that is
sent as Django's default cursor sends every statement, its parameters quoted into its text by
psycopg, and is not prepared."""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql import base

__all__ = ["MAX_BOUND_PARAMETERS", "Cursor", "DatabaseWrapper"]

MAX_BOUND_PARAMETERS = 65_535  # the protocol's Bind message counts them in 16 bits


class Cursor(base.ServerBindingCursor):  # type: ignore[name-defined,misc]  # psycopg 3's, not in django-stubs
    """Django's server-binding cursor, with a statement of too many parameters to bind
    merged on this side instead."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        if params is not None and len(params) > MAX_BOUND_PARAMETERS:
            query = psycopg.ClientCursor(self.connection).mogrify(query, params)
            return super().execute(query, None, prepare=False)
        return super().execute(query, params, **options)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        options = self.settings_dict["OPTIONS"]
        if options.get("server_side_binding") is True and "cursor_factory" not in options:
            params["cursor_factory"] = Cursor  # in place of Django's, which it extends
        return params
