"""Site-wide pages: home (the start page, portal/start.py) and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from portal.campaigns.selectors import campaigns_for_user
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
    """200 with the database reachable; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": connection.vendor})
    except Exception as error:
        return JsonResponse({"status": "error", "detail": str(error)}, status=503)
