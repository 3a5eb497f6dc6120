"""What an operator reads: a request id on every log line and response, log lines as JSON
(one object a line, for journald or any log shipper) or as text, and the health checks
behind `/healthz` (docs/deployment.md#logs-and-health)."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from portal import evidence_store

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept when it looks like one (Caddy's and nginx's do); anything else a
# client sent is replaced, so a log line never carries a client's text as its id.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_request_id: ContextVar[str] = ContextVar("request_id", default="-")

logger = logging.getLogger(__name__)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Gives each request an id (the proxy's `X-Request-ID`, or a new one), puts it on the
    request, on every log line written while it runs, and on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _VALID_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # read by RequestIdFilter
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: commands, the worker).
    Django logs a 4xx or 5xx answer after the middleware returned: from the request then."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, request id, message, and
    the traceback when there is one; the request's method, path and status for
    `django.request` lines. Never the request's body, cookies or headers."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            line["method"], line["path"] = request.method, request.path
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # said to the public: never an error's text, which is logged instead


def health_checks() -> list[Check]:
    """The database answers and takes writes; the evidence store, the audit anchor's and the
    jobs' folders are writable, and their disk has room. Each failure is logged with its
    cause. (The task worker's heartbeat is portal.jobs.selectors.worker_check.)"""
    return [
        _database(),
        *_evidence(),
        *_writable("audit_anchor", settings.DTI_AUDIT_ANCHOR_DIR),
        *_writable("job_files", settings.JOB_FILES_ROOT),
    ]


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Health: the database does not answer")
        return Check("database", False, "unreachable")
    stopped = getattr(connection, "writes_stopped", None)  # SQLite's (portal.sqlite)
    if stopped is not None and (said := stopped()) is not None:
        logger.error("Health: the database takes no writes: %s", said)
        return Check("database", False, "writes stopped")
    return Check("database", True, connection.vendor)


def _evidence() -> list[Check]:
    """The folder, as the others; or the bucket, which answers one HEAD request."""
    if not evidence_store.in_bucket():
        return _writable("evidence", settings.EVIDENCE_ROOT)
    if evidence_store.bucket_answers():
        return [Check("evidence", True, "bucket")]
    return [Check("evidence", False, "unreachable")]


def _writable(name: str, folder: Path) -> list[Check]:
    """Two system calls, no file written: the check stays as cheap as the benchmarks' floor
    needs (access(2) also refuses a folder on a file system mounted read-only)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # not made yet: the first file makes it, where this one allows
    try:
        writable = folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
        free_mb = shutil.disk_usage(folder).free // (1024 * 1024) if writable else 0
    except OSError:
        writable = False
    if not writable:
        logger.error("Health: the %s folder %s is missing or not writable", name, folder)
        return [Check(name, False, "not writable")]
    room = free_mb >= settings.HEALTH_MIN_FREE_MB
    if not room:
        logger.error("Health: the %s folder %s has %d MB free", name, folder, free_mb)
    return [Check(name, True, "writable"), Check(f"{name}_disk", room, f"{free_mb} MB free")]
