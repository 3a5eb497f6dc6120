"""Open access to the open data and the public API: any web site may read them from a
browser (CORS), and each client address may make DTI_PUBLIC_RATE requests a minute.

A view takes part by being marked with `open_access` (the open-data views; the public API's
paths, portal.api.public_api). Everything else is untouched. For a marked view:
- `OPTIONS` (a browser's preflight) is answered at once, 204, with what may be asked;
- every answer, errors included, carries `Access-Control-Allow-Origin: *` and no
  permission for credentials: these reads are the same for everyone, never a session's;
- past the limit, 429 with `Retry-After` (seconds to the next minute), counted in Django's
  cache per client address (portal.accounts.client_address: behind DTI_PROXY_COUNT proxies
  the address X-Forwarded-For gives), in fixed one-minute windows. An IPv6 client is counted
  by its /64 network: one subscriber is given a whole /64 and may use any address in it, so a
  count per address would be no limit at all."""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext

from portal.accounts.client_address import client_address

MARK = "open_access"
WINDOW_SECONDS = 60
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "Content-Disposition, Retry-After"
PREFLIGHT_SECONDS = 24 * 3600

Marked = TypeVar("Marked")


def open_access(view: Marked) -> Marked:
    """Marks a view (or a django-ninja path, whose view is a bound method of it) as open."""
    setattr(view, MARK, True)
    return view


def is_open(view: Callable[..., Any]) -> bool:
    owner = getattr(view, "__self__", None)
    return bool(getattr(view, MARK, False) or getattr(owner, MARK, False))


def seconds_to_wait(address: str | None, limit: int, now: float | None = None) -> int:
    """0 while the address stays within `limit` requests in the current minute; otherwise
    how many seconds until the next minute begins (at least 1). Counts this request."""
    if limit <= 0:
        return 0
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    who = hashlib.sha256(counted_as(address).encode()).hexdigest()[:32]
    key = f"public-rate:{window}:{who}"
    if cache.add(key, 1, WINDOW_SECONDS + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls: this is the first of a window
            cache.set(key, 1, WINDOW_SECONDS + 1)
            count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


def counted_as(address: str | None) -> str:
    """Whose count a request adds to: an IPv4 address, an IPv6 address's /64 network, or
    "-" for no address."""
    if not address:
        return "-"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # an IPv4 client seen through an IPv6 socket
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


class OpenAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, MARK, False):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if not is_open(view):
            return None
        setattr(request, MARK, True)
        if request.method == "OPTIONS":
            return _preflight()
        wait = seconds_to_wait(client_address(request), settings.DTI_PUBLIC_RATE)
        if wait:
            return _too_many(wait, settings.DTI_PUBLIC_RATE)
        return None


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
    return response


def _too_many(wait: int, limit: int) -> JsonResponse:
    message = gettext(
        "Quá nhiều yêu cầu: mỗi địa chỉ được %(limit)s yêu cầu một phút. Hãy thử lại sau "
        "%(seconds)s giây."
    ) % {"limit": limit, "seconds": wait}
    response = JsonResponse(
        {"detail": message}, status=429, json_dumps_params={"ensure_ascii": False}
    )
    response["Retry-After"] = str(wait)
    return response
