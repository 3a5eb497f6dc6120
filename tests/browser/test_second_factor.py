"""The second factor in a real browser, on a phone's width: Quang, an office admin signing in
for the first time, is led from the password to enrolment (a QR code drawn on the server and
the secret as text), confirms a code, is shown his recovery codes once, and lands on the
portal; no page is wider than the screen, and the content policy blocks nothing."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import pass_second_factor
from tests.portal.conftest import PASSWORD, Cast

PHONE = {"width": 360, "height": 740}


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_quang_enrols_on_a_phone_and_reaches_the_portal(page: Page, cast: Cast):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    page.set_viewport_size(PHONE)
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("quang")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dang-ky/**")
    expect(page.locator("figure.qr svg")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)
    page.goto("/dot-danh-gia/")  # nothing else opens before the second factor
    assert "/dang-ky/" in page.url
    pass_second_factor(page, "quang")
    expect(page.locator("header")).to_contain_text("Đặng Minh Quang")
    page.goto("/tai-khoan/")
    expect(page.get_by_text("Còn 10 mã khôi phục.")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)
    assert refused == []
