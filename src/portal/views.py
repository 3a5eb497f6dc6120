"""Site-wide pages: home (the start page, portal/start.py) and the health check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from portal.campaigns.selectors import campaigns_for_user
from portal.jobs.selectors import worker_check
from portal.observability import health_checks
from portal.start import start_sections


def home(request: HttpRequest) -> HttpResponse:
    """The start page of a signed-in person; a visitor is sent to the published results."""
    if not request.user.is_authenticated:
        return redirect("public:landing")
    context = {
        "campaigns": campaigns_for_user(request.user),
        "sections": start_sections(request.user),
    }
    return render(request, "home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes (portal/observability.py), 503 otherwise, with each
    check's result; the causes of failures go to the error log, not to the public."""
    checks = [*health_checks(), worker_check()]
    healthy = all(check.ok for check in checks)
    body = {
        "status": "ok" if healthy else "error",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
