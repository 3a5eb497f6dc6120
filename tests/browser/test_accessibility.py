"""The accessibility check itself (tests/browser/accessibility.py) finds what it must: it
fails a page with a serious violation and a page wider than the window, and passes the
sign-in page at a phone's width and a laptop's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.accessibility import assert_accessible, horizontal_overflow, serious_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1366])
def test_the_sign_in_page_passes_at_a_phones_width_and_a_laptops(page: Page, db, width: int):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/tai-khoan/dang-nhap/")
    assert_accessible(page)


def test_it_fails_an_image_without_a_text_and_a_field_without_a_label(page: Page, db):
    page.set_content('<html lang="vi"><body><main><img src="x.png"><input></main></body></html>')
    found = serious_violations(page)
    assert any(line.startswith("image-alt") for line in found), found
    assert any(line.startswith("label") for line in found), found


def test_it_measures_a_page_wider_than_the_window(page: Page, db):
    page.set_viewport_size({"width": 390, "height": 800})
    page.set_content(
        '<html lang="vi"><head><title>t</title></head><body><main><div style="width:900px">x'
        "</div></main></body></html>"
    )
    assert horizontal_overflow(page) > 400
    with pytest.raises(AssertionError, match="sideways"):
        assert_accessible(page)
