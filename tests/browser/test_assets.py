"""The pages load everything they need from the portal itself: nothing from a CDN or any
other host (a province's network may be closed), and no asset is missing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.portal.conftest import Cast


def visit(page: Page, path: str) -> tuple[list[str], list[tuple[str, int]]]:
    """The URLs the page requested, and those that answered with an error."""
    requested: list[str] = []
    failed: list[tuple[str, int]] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda r: failed.append((r.url, r.status)) if r.status >= 400 else None)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return requested, failed


@pytest.mark.parametrize("path", ["/", "/tai-khoan/dang-nhap/"])
def test_pages_load_nothing_from_other_hosts(page: Page, cast: Cast, live_server, path):
    requested, _ = visit(page, path)
    assert requested, "the page made no request at all"
    assert [url for url in requested if not url.startswith(live_server.url)] == []


def test_the_stylesheet_loads(page: Page, cast: Cast):
    requested, failed = visit(page, "/")
    assert any(url.endswith("/static/portal/site.css") for url in requested)
    assert failed == []
