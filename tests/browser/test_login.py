"""Logging in, in a real browser: the page speaks Vietnamese, and each person then sees the
campaigns of their own province only."""

from __future__ import annotations

import struct

from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.conftest import Cast

TITLE = "Đánh giá chuyển đổi số năm 2025"


def test_the_login_page_is_in_vietnamese(page: Page, cast: Cast):
    page.goto("/tai-khoan/dang-nhap/")
    expect(page).to_have_title("Đăng nhập — Chỉ số chuyển đổi số")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(page.get_by_label("Mật khẩu")).to_be_visible()
    assert_accessible(page)


def test_a_wrong_password_is_refused_in_vietnamese(page: Page, cast: Cast):
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".error")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    assert_accessible(page)


def test_lan_logs_in_and_sees_the_2025_campaign(page: Page, cast: Cast):
    log_in(page, "lan")
    expect(page.locator("header")).to_contain_text("Nguyễn Thị Lan")
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    assert_accessible(page)


def test_khoa_logs_in_and_does_not_see_another_provinces_campaign(page: Page, cast: Cast):
    log_in(page, "khoa")
    expect(page.locator("header")).to_contain_text("Bùi Đăng Khoa")
    expect(page.get_by_text(TITLE)).to_have_count(0)


def test_a_screenshot_of_the_home_page_is_a_png(page: Page, cast: Cast, tmp_path):
    log_in(page, "lan")
    path = tmp_path / "home.png"
    page.screenshot(path=path, full_page=True)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width > 0 and height > 0
