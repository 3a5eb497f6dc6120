"""A province's registry of communes imported on a phone (360 px) in headless Chromium: the
office admin chooses the workbook and presses "Nhập", lands on the job's page at once; the
worker writes the units; the page then says what was imported and leads to the registry. A
workbook that fails while it is written says every problem, each on its own line. axe on
each page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.units.models import Unit
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.conftest import Cast
from tests.portal.units.test_registry_job import COMMUNES, communes
from tests.portal.units.test_registry_workbook import IMPORT, workbook

pytestmark = pytest.mark.browser


def _send(page: Page, path: Path, rows: list[list[object]]) -> None:
    path.write_bytes(workbook(rows))
    page.goto(IMPORT)
    assert_accessible(page)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=re.compile("Nhập")).click()
    expect(page).to_have_url(re.compile(r"/viec/\d+/$"))
    assert_accessible(page)
    call_command("worker", "--batch", stdout=io.StringIO())  # the worker beside the server


def test_a_large_registry_is_imported_by_the_worker_and_said_on_the_jobs_page(
    page: Page, live_server, cast: Cast, tmp_path: Path
):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "quang")
    _send(page, tmp_path / "don-vi.xlsx", communes())
    expect(page.get_by_text(f"{COMMUNES} đơn vị mới")).to_be_visible(timeout=10_000)
    assert_accessible(page)
    assert Unit.objects.filter(code__startswith="xa-so-").count() == COMMUNES
    page.get_by_role("link", name="Xem kết quả").click()
    expect(page).to_have_url(re.compile(r"/don-vi/"))

    rows = communes()
    rows[-1][3] = rows[-1][0]  # its own parent: found only while writing
    rows = [[f"{r[0]}-b", *r[1:3], f"{r[3]}-b" if r[3] else None, *r[4:]] for r in rows]
    _send(page, tmp_path / "vong.xlsx", rows)
    expect(page.get_by_text("Danh mục không thay đổi")).to_be_visible(timeout=10_000)
    assert page.locator("p.error br").count() >= 1  # every problem on a line of its own
    assert_accessible(page)
