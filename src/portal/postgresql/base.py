"""PostgreSQL for the portal: Django's own backend, a statement's parameters bound by the
server, and the statements a connection runs again and again kept prepared.

With `OPTIONS["server_side_binding"]` (portal.env sets it) psycopg sends a statement and its
parameters apart, rather than quoting the parameters into the statement's text, and from a
statement's run after the `OPTIONS["prepare_threshold"]`th on a connection (2: its third)
it is prepared: PostgreSQL parses it once for that connection, and plans it once when a
generic plan does (docs/decisions.md, 30).

A statement of more than 100 parameters is sent as Django's default cursor sends every
statement, its parameters quoted into its text by psycopg, and is not prepared. The portal's
statements take a few parameters each; one of hundreds is a long `__in` list (the units of a
campaign, the answers of a level), whose length seldom comes back, so preparing it gains
nothing, and PostgreSQL reads thousands of values quoted in the text faster than as many
bound parameters (adding 3,300 communes to a campaign: 0.72 s merged, 0.83–1.11 s bound).
The protocol counts a statement's bound parameters in 16 bits, PostgreSQL refusing more than
65,535, and Django 5.2 does not split a statement for that limit: merged, it has none.
A named cursor (`QuerySet.iterator()`, which reads its rows in chunks) is Django's default
one too, its parameters quoted in whatever their number: psycopg's own named cursor would
bind them on the server, with the same limit and no way around it."""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql import base

__all__ = ["BOUND_AT_MOST", "MAX_BOUND_PARAMETERS", "Cursor", "DatabaseWrapper"]

BOUND_AT_MOST = 100  # parameters of a statement bound by the server; more are merged here
MAX_BOUND_PARAMETERS = 65_535  # the protocol's Bind message counts them in 16 bits


class Cursor(base.ServerBindingCursor):  # type: ignore[name-defined,misc]  # psycopg 3's, not in django-stubs
    """Django's server-binding cursor, a statement of many parameters merged on this side
    instead."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        if params is not None and len(params) > BOUND_AT_MOST:
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

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        # a named cursor binds on this side, as Django's default one: Django opens it through
        # this factory when server-side binding is on (and builds the same class when off)
        connection.server_cursor_factory = base.ServerSideCursor  # type: ignore[attr-defined]  # psycopg 3's, not in django-stubs
        return connection
