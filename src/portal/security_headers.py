"""Headers every answer of the portal carries, beyond Django's SecurityMiddleware and the
Content-Security-Policy (django-csp): what browsers and proxies may keep, and which powerful
browser features the pages may ask for. docs/security.md lists what each one stops."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# The portal needs none of these; a page that was somehow made to ask for one is refused by
# the browser itself. `()` is the empty allow-list.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)
API_PREFIX = "/api/"


def is_private(request: HttpRequest, response: HttpResponseBase) -> bool:
    """A signed-in person's page, an API answer or a downloaded file (evidence, exports):
    what no shared proxy, and no browser history after sign-out, may keep a copy of."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    if request.path.startswith(API_PREFIX):
        return True
    return response.get("Content-Disposition", "").startswith("attachment")


class SecurityHeadersMiddleware:
    """`Cache-Control: no-store` added to private answers (it overrides any max-age a view
    set: nothing private is stored), and a Permissions-Policy on every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_private(request, response):
            patch_cache_control(response, no_store=True)
        return response
