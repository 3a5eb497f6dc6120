"""A WSGI application for the server worker's tests (test_server_worker.py): `/slow?seconds=S`
answers after S seconds, any other path at once; each answer is the serving process's id."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

Environ = dict[str, object]
StartResponse = Callable[[str, list[tuple[str, str]]], object]


def application(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    if environ["PATH_INFO"] == "/slow":
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        time.sleep(float(query["seconds"][0]))
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
