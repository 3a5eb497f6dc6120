"""A report made off the request, on a phone (360 px) in headless Chromium: Quang presses
"Lập báo cáo (XLSX)" on the campaign's page and lands on the job's page at once; the
worker makes the report; the page, which asks for news by itself, then offers the file,
which downloads. axe on the page while waiting and once done."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from portal.campaigns.models import Campaign
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.campaigns.conftest import binhdinh  # noqa: F401  (the fixture)
from tests.portal.campaigns.test_report_download import published  # noqa: F401
from tests.portal.conftest import Cast

pytestmark = pytest.mark.browser


def test_the_office_makes_a_report_and_downloads_it_when_ready(
    page: Page,
    live_server,
    cast: Cast,
    published: Campaign,  # noqa: F811
):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "quang")
    page.goto(f"/dot-danh-gia/{published.pk}/")
    assert_accessible(page)  # the report's buttons and the link to the jobs made before
    page.get_by_role("button", name="Lập báo cáo (XLSX)").click()
    expect(page).to_have_url(re.compile(r"/viec/\d+/$"))
    expect(page.get_by_text("Đang chờ đến lượt.")).to_be_visible()
    assert_accessible(page)

    call_command("worker", "--batch", stdout=io.StringIO())  # the worker beside the server
    download_link = page.get_by_role("link", name="Tải về")
    expect(download_link).to_be_visible(timeout=10_000)  # htmx asked every 2 s
    assert_accessible(page)
    with page.expect_download() as download:
        download_link.click()
    made = download.value
    assert made.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(made.path()).read_bytes()))
    assert "Sở Thông tin và Truyền thông" in [c.value for c in book.worksheets[0]["B"]]

    page.get_by_role("link", name="Các việc của tôi").click()
    expect(page.get_by_role("cell", name="Đã xong")).to_be_visible()
    assert_accessible(page)
