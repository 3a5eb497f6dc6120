"""A province's commune officers imported on a phone (360 px) in headless Chromium: the
office admin chooses a people workbook of more than 300 rows and presses "Nhập", lands on
the job's page at once; the worker creates the accounts; the page then says how many and
leads to the list of people. A name taken between the request and the job fails it, saying
which row, with nothing created. axe on each page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.accounts.models import User
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.accounts.test_people_import import IMPORT, workbook
from tests.portal.accounts.test_people_job import PEOPLE, people
from tests.portal.conftest import Cast

pytestmark = pytest.mark.browser


def _send(page: Page, path: Path, rows: list[list[object]]) -> None:
    path.write_bytes(workbook(rows))
    page.goto(IMPORT)
    assert_accessible(page)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=re.compile("Nhập")).click()
    expect(page).to_have_url(re.compile(r"/viec/\d+/$"))
    assert_accessible(page)


def test_a_large_people_workbook_is_imported_by_the_worker_and_said_on_the_jobs_page(
    page: Page, live_server, cast: Cast, tmp_path: Path
):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "quang")
    _send(page, tmp_path / "can-bo.xlsx", people())
    call_command("worker", "--batch", stdout=io.StringIO())  # the worker beside the server
    expect(page.get_by_text(f"Đã tạo {PEOPLE} tài khoản")).to_be_visible(timeout=10_000)
    assert_accessible(page)
    assert User.objects.filter(username__startswith="canbo").count() == PEOPLE
    page.get_by_role("link", name="Xem kết quả").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/nguoi-dung/"))

    rows = [[r[0], f"{r[1]}b", f"b{r[2]}", *r[3:]] for r in people()]
    _send(page, tmp_path / "lan-hai.xlsx", rows)
    User.objects.create(username="canbo300b", full_name="Người đến trước")  # meanwhile
    call_command("worker", "--batch", stdout=io.StringIO())
    expect(page.get_by_text("Chưa tạo tài khoản nào")).to_be_visible(timeout=10_000)
    assert page.get_by_text("dòng 301").count() >= 1  # the row, named
    assert_accessible(page)
    assert User.objects.filter(username__endswith="b", username__startswith="canbo").count() == 1
