"""The office's pages of the appraisal year in headless Chromium, through the pages only (the
database is read to check the outcome): Quang imports the online public service portal's
statistics from a CSV file and Lan sees them, read-only, on Sở Nội vụ's self-assessment; a
bad file is refused with its row and column and changes nothing; Quang follows the change
in the audit trail, filters it by criterion and downloads it; Lan reads a notification from
the bell and is taken to the page it names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.audit.models import AuditEntry
from portal.indicators.models import SystemValue
from portal.notifications.services import notify
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.conftest import Cast
from tests.portal.indicators.conftest import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path: Path) -> Path:
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def upload(page: Page, campaign_pk: int, name: str, content: bytes) -> None:
    page.goto(f"/chi-so-he-thong/dot/{campaign_pk}/")
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_label("Nguồn số liệu").fill("Cổng dịch vụ công tỉnh")
    page.get_by_role("button", name="Nhập số liệu").click()


def test_the_office_imports_the_portals_statistics_and_the_unit_sees_them(page: Page, cast: Cast):
    log_in(page, "quang")
    bad = csv_bytes([("so-noi-vu", "cqs_dvctt", "online", "12,5,0", "30/06/2025", "")])
    upload(page, cast.campaign.pk, "sai.csv", bad)
    expect(page.locator("body")).to_contain_text("sai.csv, dòng 2, cột value")
    assert_accessible(page)
    assert not SystemValue.objects.exists()

    upload(page, cast.campaign.pk, "so-lieu.csv", csv_bytes(GOOD_ROWS))
    expect(page.locator("body")).to_contain_text("Đã nhập 1 giá trị từ “so-lieu.csv”")
    assert SystemValue.objects.get().value == {"online": "1200", "total": "2000"}

    page.context.clear_cookies()
    log_in(page, "lan")
    page.goto(f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/")
    value = page.locator("[data-system=cqs_dvctt]")
    expect(value).to_contain_text("Số liệu từ hệ thống")
    expect(value).to_contain_text("1200")
    inputs = page.locator("#tc-cqs_dvctt input")
    expect(inputs).to_have_count(2)  # online, total
    for shown in inputs.all():
        expect(shown).not_to_be_editable()  # the unit sees the inputs, and cannot change them
    expect(page.locator("[data-score=cqs_dvctt]")).to_have_text("15")  # 60 % of 80 % → 15
    assert_accessible(page)


def test_the_office_follows_a_change_in_the_log_and_downloads_it(page: Page, cast: Cast):
    upload_rows = csv_bytes(GOOD_ROWS)
    log_in(page, "quang")
    upload(page, cast.campaign.pk, "so-lieu.csv", upload_rows)
    page.goto(f"/dot-danh-gia/{cast.campaign.pk}/")
    page.locator("#audit-link a").click()
    page.locator("#filters select[name=criterion]").select_option("cqs_dvctt")
    page.locator("#filters").get_by_role("button", name="Lọc").click()
    audit_entry = AuditEntry.objects.get(entity="system_value")
    expect(page.locator(f"#entry-{audit_entry.pk}")).to_contain_text("Cổng dịch vụ công tỉnh")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert len(rows) == 2 and "cqs_dvctt" in rows[1]  # the header, and the one entry kept

    page.locator("#integrity").get_by_role("button").click()
    expect(page.locator("body")).to_contain_text("toàn vẹn")


def test_a_notification_leads_from_the_bell_to_its_page(page: Page, cast: Cast):
    notify(
        users=[cast.lan],
        kind="results_returned",
        title="Đã trả kết quả thẩm định vòng 1",
        url=f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/",
        campaign=cast.campaign,
    )
    log_in(page, "lan")
    page.get_by_role("link", name="Thông báo 1").click()
    page.get_by_role("link", name="Đã trả kết quả thẩm định vòng 1").click()
    page.wait_for_url(f"**/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/")
    expect(page.get_by_role("link", name="Thông báo", exact=True)).to_be_visible()  # read
    assert_accessible(page)


def test_a_large_save_reads_in_a_few_lines_and_opens_whole_on_a_phone(page: Page, cast: Cast):
    """A save of 80 answers is one entry: the log shows its first criteria and a link to
    the whole save, which lists every criterion it changed."""
    from portal.audit.services import audit_record

    codes = [f"tc_{n:02d}" for n in range(80)]
    entry = audit_record(
        actor=cast.lan, entity="answers", action="save", old=dict.fromkeys(codes),
        new={code: {"value": str(n), "note": "Theo báo cáo"} for n, code in enumerate(codes)},
        campaign=cast.campaign, unit=cast.noi_vu,
    )  # fmt: skip
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "quang")
    page.goto(f"/nhat-ky/dot/{cast.campaign.pk}/")
    expect(page.locator("#log tbody tr[id]")).to_have_count(5)
    assert_accessible(page)
    page.get_by_role("link", name="Lần lưu này còn 75 tiêu chí nữa: xem cả lần lưu").click()
    expect(page.locator("#log tbody tr[id]")).to_have_count(80)
    expect(page.locator(f"#entry-{entry.pk}-tc_79")).to_contain_text("tc_79")
    assert_accessible(page)
