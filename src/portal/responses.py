"""Responses shared by the apps' views."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse


def attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    """A file to download under `name` (ASCII names: every browser keeps them as they are)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def streamed_attachment(
    chunks: Iterator[bytes], content_type: str, name: str
) -> StreamingHttpResponse:
    """A file to download, sent as its pieces are made: the download starts at once and the
    whole file is never held in memory."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
