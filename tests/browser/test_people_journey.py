"""The office gives a unit its reporter, in headless Chromium through the pages only (the
database and the outgoing mail are read to check the outcome): Quang creates Nam as the
reporter of Sở Tư pháp; Nam opens the invitation's link in his own browser, sets his
password, signs in and finds Sở Tư pháp's self-assessment, and nothing of Sở Nội vụ's."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from portal.accounts.models import Membership, User
from portal.roles import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in, person_page
from tests.portal.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser


def test_the_office_creates_a_reporter_who_signs_in_and_sees_only_his_unit(
    page: Page, browser: Browser, live_server, cast: Cast
):
    log_in(page, "quang")
    page.goto("/tai-khoan/")
    assert_accessible(page)
    page.get_by_role("link", name="Quản lý người dùng").click()
    expect(page.locator("#people")).to_contain_text("Nguyễn Thị Lan")
    assert_accessible(page)

    page.get_by_role("link", name="Thêm người dùng").click()
    assert_accessible(page)
    page.get_by_label("Họ và tên").fill("Hồ Văn Nam")
    page.get_by_label("Tên đăng nhập").fill("nam")
    page.get_by_label("Thư điện tử").fill("nam@tinh-mau.gov.vn")
    page.get_by_label("Vai trò").select_option(Role.REPORTER.value)
    page.get_by_label("Đơn vị").select_option(label="Sở Tư pháp")
    page.get_by_role("button", name="Tạo và gửi thư mời").click()
    expect(page.locator(".messages")).to_contain_text("nam@tinh-mau.gov.vn")
    expect(page.locator("#roles")).to_contain_text("Sở Tư pháp")
    assert_accessible(page)
    nam = User.objects.get(username="nam")
    assert [(m.role, m.unit_id) for m in Membership.objects.filter(user=nam)] == [
        (Role.REPORTER, cast.tu_phap.pk)
    ]

    page.get_by_role("link", name="← Người dùng").click()
    page.get_by_role("link", name="Vai trò theo đơn vị").click()
    page.get_by_label("Vai trò").select_option(Role.REPORTER.value)
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#holders")).to_contain_text("Hồ Văn Nam")
    assert_accessible(page)

    call_command("worker", "--batch", stdout=io.StringIO())  # the worker sends the invitation
    [invitation] = mail.outbox
    assert invitation.to == ["nam@tinh-mau.gov.vn"]
    link = re.search(r"https?://[^/\s]+(/tai-khoan/quen-mat-khau/\S+/)", invitation.body)
    assert link is not None
    with person_page(browser, live_server.url) as his:
        his.goto(link.group(1))
        assert_accessible(his)
        his.locator("input[name=new_password1]").fill(PASSWORD)
        his.locator("input[name=new_password2]").fill(PASSWORD)
        his.get_by_role("button", name="Đặt mật khẩu mới").click()
        his.wait_for_url(re.compile("/quen-mat-khau/xong/"))
        assert_accessible(his)

        log_in(his, "nam")
        his.goto("/")
        own = his.locator("#start")  # his start page: what he has to do
        expect(own).to_contain_text("Sở Tư pháp")
        expect(own).not_to_contain_text("Sở Nội vụ")
        assert_accessible(his)
        his.goto("/tu-danh-gia/")
        expect(his.locator("main")).to_contain_text("Sở Tư pháp")
        expect(his.locator("main")).not_to_contain_text("Sở Nội vụ")
        assert_accessible(his)
        refused = his.goto(f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/")
        assert refused is not None and refused.status == 404
