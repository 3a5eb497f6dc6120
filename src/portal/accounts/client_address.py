"""The address a sign-in comes from, for the lockout (django-axes' AXES_CLIENT_IP_CALLABLE).

Behind a reverse proxy every request comes from the proxy, so a lockout per address would
lock the whole province out at once, or no one. With `DTI_PROXY_COUNT` = N trusted proxies in
front of the portal, the client is the N-th address from the right of X-Forwarded-For: each
proxy appends the address it saw, so what a client writes there itself stands further left
and is never taken. With no proxy (0, the default) the header is ignored: any client could
write it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    proxies = settings.DTI_PROXY_COUNT
    if proxies:
        forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
    address: str | None = request.META.get("REMOTE_ADDR")
    return address
