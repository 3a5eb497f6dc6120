"""Site-wide pages: home and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from portal.accounts.permissions import provinces_of
from portal.assessments.selectors import own_campaign_units
from portal.campaigns.selectors import campaigns_for_user


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "provinces": provinces_of(request.user),
        "campaigns": campaigns_for_user(request.user),
        "my_campaign_units": own_campaign_units(request.user),
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
