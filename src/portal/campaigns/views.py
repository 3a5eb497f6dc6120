"""Campaign pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponseNotFound()
