"""The browser fixtures, loaded once for the whole run as a plugin (`-p tests.browser.fixtures`
in pyproject.toml) so every test process has a single Playwright and Chromium, whichever
folder its browser tests are in. Debian's Chromium through Playwright; `make test` installs
it (the `system` target); Playwright's own browser download is never used (no internet).

Browser tests are marked `browser` (`pytest -m browser` runs only these) and run in the
default `make test`: a missing Chromium fails loudly, it never skips."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread, so Django sees an "async
# context" and refuses ORM calls from test code unless told the loop is not serving requests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # as root in a container: Chromium's sandbox needs user namespaces
    "--disable-gpu",
    "--disable-background-networking",  # nothing may leave the machine
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the real pages in headless Chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per test process, on a fresh temporary profile (Playwright makes one)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test`, which installs chromium "
            "(the Makefile's `system` target, apt-get)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A new page in a new context (no cookies shared between tests) of a Vietnamese browser,
    with relative URLs resolved against the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page: Page, username: str) -> None:
    # Imported here: this plugin loads before Django is configured, the cast's module after.
    from tests.portal.conftest import PASSWORD

    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
