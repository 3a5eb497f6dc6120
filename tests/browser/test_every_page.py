"""Every page each role reaches, checked for accessibility at a phone's width and a laptop's.

For each role of the cast (reporter, approver, appraiser chairing the team, leadership,
office admin) and for an anonymous visitor, the crawl signs in and follows the same-origin links of every page from the
start page, breadth first, up to PAGES pages; on each it runs axe-core (no serious or
critical violation of WCAG 2.1 A/AA) and measures the page's width (no sideways scroll) at
360 px, the narrowest phone the portal serves, and at 1366 px (tests/browser/accessibility.py).
A link that answers with an error is a finding too: the menus and pages offer only what the role may open.

Skipped: sign-out (a form), files to download, the Django admin, the language switcher, a
second query string of the same path (the first one stands for its filters), and a second
page of the same shape (/tham-dinh/don-vi/7/vong/2/ after /tham-dinh/don-vi/6/vong/1/: the
same template with other numbers), which keeps the crawl to a minute and a half."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from playwright.sync_api import Page

from tests.browser.accessibility import horizontal_overflow, serious_violations
from tests.browser.fixtures import log_in
from tests.portal.appraisals.conftest import team  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

PAGES = 40
WIDTHS = (1366, 360)
SKIPPED_PREFIXES = ("/quan-tri/", "/i18n/", "/api/", "/tai-khoan/dang-xuat/")
DOWNLOADS = (".docx", ".xlsx", ".pdf", ".csv", ".png", ".json", ".yaml", ".zip", "/tai-ve/")

ROLES = {
    "": "anonymous visitor",  # the public pages: published results, signing in
    "lan": "reporter",
    "minh": "approver",
    "chinh": "appraiser who chairs the team",
    "hoa": "leadership",
    "quang": "office admin",
}


def links(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]", "anchors => anchors.map(a => a.getAttribute('href'))"
    )
    return [urldefrag(urljoin(page.url, href))[0] for href in hrefs]


def followed(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    return not parts.path.startswith(SKIPPED_PREFIXES) and not parts.path.endswith(DOWNLOADS)


def shape(path: str, query: str) -> str:
    """A path with its numbers blanked, and whether it carries a query."""
    return re.sub(r"\d+", "N", path) + ("?" if query else "")


def check(page: Page) -> list[str]:
    """What is wrong with the page shown, at each width."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems += [f"{width} px: {line}" for line in serious_violations(page)]
        if overflow := horizontal_overflow(page):
            problems.append(f"{width} px: the page scrolls sideways by {overflow} px")
    return problems


def crawl(page: Page, origin: str) -> tuple[list[str], dict[str, list[str]]]:
    """The paths visited, and the problems found on each."""
    queue = deque([f"{origin}/"])
    seen: set[str] = set(queue)
    shapes: set[str] = {shape("/", "")}
    visited: list[str] = []
    found: dict[str, list[str]] = {}
    while queue and len(visited) < PAGES:
        url = queue.popleft()
        response = page.goto(url)
        path = url.removeprefix(origin)
        visited.append(path)
        if response is None or response.status >= 400:
            found[path] = [f"answers {response.status if response else 'nothing'}"]
            continue
        if problems := check(page):
            found[path] = problems
        for link in links(page):
            parts = urlsplit(link)
            if link in seen or not followed(link, origin):
                continue
            if shape(parts.path, parts.query) in shapes:
                continue
            shapes.add(shape(parts.path, parts.query))
            seen.add(link)
            queue.append(link)
    return visited, found


@pytest.mark.usefixtures("team")  # a campaign in appraisal, with its rounds and team
@pytest.mark.parametrize("username", list(ROLES), ids=lambda username: username or "anonymous")
def test_every_page_of_the_role_is_accessible_on_a_phone_and_a_laptop(
    page: Page, live_server, username: str
):
    if username:
        log_in(page, username)
    visited, found = crawl(page, live_server.url)
    assert len(visited) >= (5 if username else 3), visited  # the crawl went somewhere
    report = "\n".join(f"{path}\n  " + "\n  ".join(problems) for path, problems in found.items())
    assert not found, f"{ROLES[username]} ({len(visited)} pages):\n{report}"
