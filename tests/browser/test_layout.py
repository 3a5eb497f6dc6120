"""The base layout in a real browser (docs/design.md): the skip link is the first stop of
the keyboard and leads to the main content, the focus ring shows, the menu folds into a
"Menu" disclosure on a phone that opens without JavaScript, and a keyboard alone takes Lan
from signing in to her self-assessment and its live score."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def focused(page: Page, expression: str) -> str:
    return str(page.evaluate(f"() => {{ const e = document.activeElement; return {expression}; }}"))


def tab_to(page: Page, expression: str, wanted: str, limit: int = 60) -> None:
    """Press Tab until the focused element's `expression` is `wanted`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, expression) == wanted:
            return
    raise AssertionError(f"{wanted} never got the focus")


def test_the_skip_link_comes_first_shows_its_focus_and_leads_to_the_main_content(
    page: Page, cast: Cast
):
    page.goto("/")
    page.keyboard.press("Tab")
    assert focused(page, "e.textContent") == "Bỏ qua, đến nội dung chính"
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_in_viewport()
    ring = skip.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert ring == "solid 3px"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert focused(page, "e.id") == "main"


def test_on_a_phone_the_menu_folds_into_a_disclosure_that_works_without_javascript(
    page: Page, cast: Cast
):
    page.route("**/*.js", lambda route: route.abort())
    page.set_viewport_size(PHONE)
    log_in(page, "quang")
    units = page.get_by_role("link", name="Đơn vị", exact=True)
    expect(units).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(units).to_be_visible()
    assert_accessible(page)
    units.click()
    page.wait_for_url("**/don-vi/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_on_a_laptop_the_menu_is_a_row_of_links(page: Page, cast: Cast):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "lan")
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(page.get_by_role("link", name="Tự đánh giá", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Đơn vị", exact=True)).to_have_count(0)  # not hers


def test_a_keyboard_alone_takes_lan_to_her_form_and_its_live_score(page: Page, cast: Cast):
    page.goto("/tai-khoan/dang-nhap/")
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()  # before a key is pressed
    page.keyboard.type("lan")  # the user name has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    tab_to(page, "e.textContent.trim().split(' — ')[0]", "Tự đánh giá: Sở Nội vụ")  # her start page
    page.keyboard.press("Enter")
    page.wait_for_url("**/tu-danh-gia/*/")
    tab_to(page, "e.name", "value:cqs_ky_so", limit=200)
    page.keyboard.type("87,5")
    expect(page.locator('[data-score="cqs_ky_so"]')).to_have_text("13,13")
    expect(page.locator('[data-summary="total"]')).to_have_text("13,13")
