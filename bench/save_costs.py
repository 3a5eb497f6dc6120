"""What one request costs the portal itself, for the deadline-day benchmark (bench_saves.py):
`/healthz` (the floor's minimal view), the save's form posted where nothing is saved (the
language switch, `FORM_ONLY`: what any signed-in form of that size costs before a view does
anything), a save that has nothing to write (the stored answers posted again) and a save of
80 changes, sent one after another through the portal's own WSGI handler and middleware in
the benchmark's process, with nothing else running. On PostgreSQL, one more round of saves
of 80 changes measures how long each holds the audit trail's head, the one lock all saves
share whatever the number of app servers (`head_held`).

Under a surge every client waits its turn, so a save's p95 stands to the floor's about as
what the two requests cost the machine; this measures what they cost the portal without
any queue, and without what every request also costs on its way in (gunicorn, the sockets,
the clients on the same cores), so its ratios run above the surge's. The time is the
process's CPU (`time.process_time`): on SQLite the database's work with it, on PostgreSQL
without the server's, whose wait shows in the wall time beside it. Each kind is sent
`requests` times per round, the rounds in turn, and each round's mean kept; the median
round is reported. A commune never saved is saved once first, and a few requests of each
kind go first, all untimed, to load what the first ones load (templates, translations,
connections)."""

from __future__ import annotations

import io
import itertools
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from public_load import HEADERS, HOST
from save_scene import Reporter, form_page, save_post

ROUNDS = 3
WARM = 3  # untimed requests of each kind first
# The language switch (Django's set_language): a signed-in POST, its CSRF token checked and
# its fields parsed, answered by a redirect to the page it came from; it changes nothing
# when it names no language. Posted the save's own form, it costs what the middleware, the
# session, the person and the form's 321 fields cost any signed-in POST of that size.
FORM_ONLY = "/i18n/setlang/"

Send = Callable[[], None]  # a request ready to send: sent when called


@dataclass(frozen=True)
class Cost:
    cpu: float  # seconds of the portal's CPU a request, the median round's mean
    wall: float  # seconds a request, the same round's


@dataclass(frozen=True)
class Costs:
    requests: int  # of each kind, per round
    health: Cost
    form_only: Cost  # the save's form posted to FORM_ONLY: nothing read, nothing saved
    unchanged: Cost  # a save of the answers as stored: nothing to write
    changed: Cost  # a save of 80 changes
    # seconds a save of 80 changes held the audit trail's head, the median (PostgreSQL;
    # None on SQLite, whose writers hold the database's one write lock: one machine's)
    head: float | None = None

    def times(self, cost: Cost) -> float:
        """`cost`'s CPU in `/healthz` requests."""
        return cost.cpu / self.health.cpu if self.health.cpu else 0.0


@dataclass
class Commune:
    """A commune's reporter and its answers as last acknowledged: every answer at
    `version`, all of them `value` (None before its first save)."""

    reporter: Reporter
    version: int
    value: str | None


def measured(portal: Portal, communes: list[Commune], requests: int) -> Costs:
    """The four kinds of request, `requests` each per round, over `communes` in turn; then,
    on PostgreSQL, `requests` saves of 80 changes more, each timed holding the audit trail's
    head (`head_held`). Each
    round's saves are encoded before it is timed, as a browser encodes a form on the
    person's device (the surge's clients do the same). Each acknowledged save that writes
    moves its commune's version and value as it is answered, so that the caller's check
    afterwards expects it, even if a later request fails (RuntimeError)."""
    from django.db import connections

    turn = itertools.cycle(communes)
    kinds: dict[str, Callable[[], list[Send]]] = {
        "health": lambda: [portal.health] * requests,
        "form_only": lambda: portal.forms_only(turn, requests),
        "unchanged": lambda: portal.posts(turn, requests, change=False),
        "changed": lambda: portal.posts(turn, requests, change=True),
    }
    rounds: dict[str, list[Cost]] = {kind: [] for kind in kinds}
    try:
        for commune in communes:
            if commune.value is None:  # nothing stored yet to post again
                portal.save(commune, change=True)
        for _ in range(WARM):
            portal.health()
        for change in (False, True):
            for _ in range(WARM):
                portal.save(next(turn), change=change)
        for send in portal.forms_only(turn, WARM):
            send()
        for _ in range(ROUNDS):
            for kind, prepare in kinds.items():
                rounds[kind].append(_timed(prepare()))
        head = head_held(lambda: portal.posts(turn, requests, change=True))
    finally:
        connections.close_all()  # the server's workers go on with the database
    health, form_only, unchanged, changed = (_median(rounds[kind]) for kind in kinds)
    return Costs(requests, health, form_only, unchanged, changed, head)


def head_held(prepare: Callable[[], list[Send]]) -> float | None:
    """How long each of the saves `prepare` encodes (saves that write) held the audit
    trail's head on PostgreSQL, from the moment the statement that locks it is sent to the
    moment the commit has answered (portal.audit.sealing, `append_sealed`): the median, in
    seconds. Seen from the client, so a little more than the server holds it. Every save of
    every app server takes this one lock in turn, so one database links at most about one
    save in this time. None on SQLite, where nothing is encoded or sent: its writers hold
    the database's own write lock."""
    from django.db import connection

    from portal.audit.models import AuditHead

    if connection.vendor != "postgresql":
        return None
    head = f"FROM {connection.ops.quote_name(AuditHead._meta.db_table)}"
    saves = prepare()
    held: list[float] = []

    def watch(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        if head in sql and "FOR UPDATE" in sql:
            locked = time.perf_counter()
            # run once the save's transaction has committed, in this thread, before anything
            # else of the request: the first callback of its transaction (the anchor's
            # checkpoint registers after the insert)
            connection.on_commit(lambda: held.append(time.perf_counter() - locked))
        return execute(sql, *rest)

    with connection.execute_wrapper(watch):
        for send in saves:
            send()
    if len(held) != len(saves):
        raise RuntimeError(f"{len(saves)} saves locked the audit trail's head {len(held)} times")
    return statistics.median(held)


class Portal:
    """Requests as the benchmark's clients send them to the server on `port`, answered by
    `handler` (the portal's WSGIHandler) in this process."""

    def __init__(self, handler: Any, port: int) -> None:
        self.handler, self.host = handler, f"{HOST}:{port}"

    def health(self) -> None:
        self._answered("GET", "/healthz", b"", {}, "200")

    def save(self, commune: Commune, *, change: bool) -> None:
        """All 80 answers changed, or posted again as stored (`change` False: nothing to
        write, which a commune never saved cannot do)."""
        self._post(commune, commune.version, commune.value, change=change)()

    def posts(self, communes: Iterator[Commune], count: int, *, change: bool) -> list[Send]:
        """The next `count` saves of `communes`, encoded: each sent by calling it. A commune
        met twice is posted the second time as its first save will have left it."""
        planned: dict[int, tuple[int, str | None]] = {}
        sends = []
        for commune in itertools.islice(communes, count):
            version, value = planned.get(id(commune), (commune.version, commune.value))
            sends.append(self._post(commune, version, value, change=change))
            if change:
                planned[id(commune)] = (version + 1, _other(value))
        return sends

    def forms_only(self, communes: Iterator[Commune], count: int) -> list[Send]:
        """The next `count` communes' forms as stored, encoded, each posted to `FORM_ONLY`
        when called (the reporter's cookies, the form's page as the referrer) and answered
        by a redirect. Nothing is saved, so no commune moves."""
        return [self._form_only(commune) for commune in itertools.islice(communes, count)]

    def _form_only(self, commune: Commune) -> Send:
        if commune.value is None:
            raise ValueError(f"campaign unit {commune.reporter.campaign_unit}: nothing stored yet")
        _, body, headers = save_post(
            commune.reporter, self.host, commune.version, commune.value, commune.value
        )
        encoded = body.encode()

        def send() -> None:
            self._answered("POST", FORM_ONLY, encoded, headers, "302")

        return send

    def _post(self, commune: Commune, version: int, previous: str | None, *, change: bool) -> Send:
        """The save of `commune` loaded at `version` with `previous`, encoded; sent, and
        once acknowledged a change moves the commune."""
        value = _other(previous) if change else previous
        if value is None:
            reporter = commune.reporter
            raise ValueError(f"campaign unit {reporter.campaign_unit}: nothing stored yet")
        path, body, headers = save_post(commune.reporter, self.host, version, value, previous)
        encoded = body.encode()

        def send() -> None:
            self._answered("POST", path, encoded, headers, "302", form_page(path))
            if change:
                commune.version, commune.value = version + 1, value

        return send

    def _answered(
        self,
        method: str,
        path: str,
        body: bytes,
        headers: dict[str, str],
        expected: str,
        redirect: str | None = None,
    ) -> None:
        """`expected` is the status's start; with `redirect`, where it must send the browser
        (a save redirected to the sign-in page saved nothing)."""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": self.host.rsplit(":", 1)[1],
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": HOST,
            "HTTP_HOST": self.host,
            **_environ({**HEADERS, **headers}),
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        statuses: list[str] = []
        locations: list[str] = []

        def start(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            statuses.append(status)
            locations.extend(value for name, value in headers if name.lower() == "location")

        response = self.handler(environ, start)
        try:
            b"".join(response)
        finally:
            if hasattr(response, "close"):  # as the WSGI specification asks of a server
                response.close()
        if not statuses[0].startswith(expected):
            raise RuntimeError(f"{method} {path}: {statuses[0]}, not {expected}")
        if redirect is not None and locations != [redirect]:
            raise RuntimeError(f"{method} {path}: sent to {locations}, not {redirect}")


def _environ(headers: dict[str, str]) -> dict[str, str]:
    """HTTP headers under the names a WSGI server gives them."""
    named = {name.upper().replace("-", "_"): value for name, value in headers.items()}
    return {
        name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}": value
        for name, value in named.items()
    }


def _other(value: str | None) -> str:
    """The value a change writes over `value`."""
    return "1" if value == "2" else "2"


def _timed(sends: list[Send]) -> Cost:
    wall, cpu = time.perf_counter(), time.process_time()
    for send in sends:
        send()
    return Cost((time.process_time() - cpu) / len(sends), (time.perf_counter() - wall) / len(sends))


def _median(costs: list[Cost]) -> Cost:
    return sorted(costs, key=lambda cost: cost.cpu)[len(costs) // 2]
