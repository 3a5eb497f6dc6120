"""Responses shared by the apps' views."""

from __future__ import annotations

from django.http import HttpResponse


def attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    """A file to download under `name` (ASCII names: every browser keeps them as they are)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
