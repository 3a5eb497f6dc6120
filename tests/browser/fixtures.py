"""The browser fixtures, loaded once for the whole run as a plugin (`-p tests.browser.fixtures`
in pyproject.toml) so every test process has a single Playwright and Chromium, whichever
folder its browser tests are in. Debian's Chromium through Playwright; `make test` installs
it (the `system` target); Playwright's own browser download is never used (no internet).

Browser tests are marked `browser` (`pytest -m browser` runs only these) and run in the
default `make test`: a missing Chromium fails loudly, it never skips."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
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
        asyncio._set_running_loop(browser._loop)  # unmarked after each test: see person_page
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A new page in a new context (no cookies shared between tests) of a Vietnamese browser,
    with relative URLs resolved against the live server."""
    with person_page(browser, live_server.url) as page:
        yield page


@contextmanager
def person_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """One person's page, in a browser context of its own (a second person in the same test
    takes a second one)."""
    asyncio._set_running_loop(browser._loop)  # as Playwright left it (see leave_playwrights_loop)
    context = browser.new_context(base_url=base_url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        asyncio._set_running_loop(browser._loop)  # another person's page may have left it
        context.close()
        leave_playwrights_loop()


def leave_playwrights_loop() -> None:
    """Playwright's sync API leaves its event loop marked as running in this thread after
    each call (asyncio._set_running_loop). Django's connections (asgiref's Local) then take
    the thread for async code and are kept per context: connections opened by the tests that
    follow would be out of reach of the end of the run, and PostgreSQL would refuse to drop
    the test database while they are open. Close this context's connections and unmark the
    loop until the next browser test marks it again (Playwright 1.55's calls need it marked)."""
    from django.db import connections

    connections.close_all()
    asyncio._set_running_loop(None)


def log_in(page: Page, username: str) -> None:
    # Imported here: this plugin loads before Django is configured, the cast's module after.
    from tests.portal.conftest import PASSWORD

    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    if "/xac-thuc/" in page.url:  # office admins, appraisers, staff: the second factor
        pass_second_factor(page, username)


def pass_second_factor(page: Page, username: str) -> None:
    """Give the code the person's authenticator app would show, computed from the device's
    key; on the enrolment page (the first sign-in of a role that needs it), confirm the new
    device and go on past the recovery codes."""
    import time

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolling = "/dang-ky/" in page.url
    device = TOTPDevice.objects.get(user__username=username, confirmed=not enrolling)
    # A code is taken once: a second sign-in in the same 30 seconds gives the next one (the
    # device accepts one step ahead); a third one takes a recovery code, as a person would.
    ahead = max(0, device.last_t + 1 - int(time.time() - device.t0) // device.step)
    if ahead <= device.tolerance:
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
        page.get_by_label("Mã xác thực").fill(f"{code:06d}")
    else:
        page.get_by_label("Mã xác thực").fill(recovery_code(device.user))
    page.get_by_role("button", name="Xác nhận").click()
    if enrolling:
        page.get_by_role("link", name="Tiếp tục").click()
    page.wait_for_url(lambda url: "/xac-thuc/" not in url)


def recovery_code(user) -> str:  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_static.models import StaticToken

    from portal.accounts.second_factor import recovery_codes_issue

    token = StaticToken.objects.filter(device__user=user).first()
    return token.token if token is not None else recovery_codes_issue(user=user)[0]
