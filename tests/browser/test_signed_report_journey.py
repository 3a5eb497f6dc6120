"""The office's card "Báo cáo đã ký số" on a phone: the report downloaded to sign, the
signed copy uploaded and verified, the card and the public version page saying who signed
it; axe at 360 px on each page."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.publication.models import SignedReport
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.conftest import PASSWORD
from tests.portal.public.conftest import (
    Published,
    make_named_units,
    make_province,
    publish_year,
)
from tests.portal.publication.signed import confirmed, report_pdf, trusted

pytestmark = pytest.mark.browser


@pytest.fixture
def published(transactional_db: None) -> Published:
    province, admin = make_province("tinh-ky", "Tỉnh Ký")
    admin.set_password(PASSWORD)
    admin.save()
    units = make_named_units(province, ["Sở Nội vụ", "Sở Tư pháp", "Sở Y tế"])
    return Published(province, admin, units, publish_year(province, admin, units, 2024))


@pytest.fixture
def signed(published: Published, pki: Any) -> bytes:
    """The report signed by the office admin, whose certificate the office confirmed.
    pyHanko signs in an event loop of its own (asyncio.run), which asyncio refuses while
    Playwright's loop is marked running in this thread (tests/browser/fixtures.py): it is
    unmarked while signing, then marked again as Playwright left it."""
    trusted(published.province, pki, published.admin)
    signer = pki.person("Văn phòng Sở")
    confirmed(published.admin, signer, published.admin)
    playwrights = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        return bytes(pki.sign(report_pdf(published.version), signer))
    finally:
        asyncio._set_running_loop(playwrights)


def test_the_office_uploads_the_signed_report_and_the_public_sees_it(
    signed: bytes, page: Page, published: Published
) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, published.admin.username)
    page.goto(f"/cong-bo/{published.campaign.pk}/")
    card = page.locator("#bao-cao-ky-so")
    expect(card).to_contain_text("Chưa có báo cáo đã ký số")
    expect(card.get_by_role("link", name="Tải báo cáo PDF để ký số")).to_be_visible()
    assert_accessible(page)

    card.get_by_label("Tệp PDF báo cáo đã ký số").set_input_files(
        {"name": "bao-cao-da-ky.pdf", "mimeType": "application/pdf", "buffer": signed}
    )
    card.get_by_label("Người ký").select_option(label="Văn phòng Sở")
    card.get_by_role("button", name="Tải lên báo cáo đã ký số").click()
    expect(page.locator(".messages")).to_contain_text("Đã nhận báo cáo đã ký số")
    expect(page.locator("#bao-cao-ky-so")).to_contain_text("Báo cáo có chữ ký số của Văn phòng Sở")
    assert_accessible(page)
    assert bytes(SignedReport.objects.get().content) == signed

    page.goto("/ket-qua/tinh-ky/2024/")
    expect(page.locator("main")).to_contain_text("Báo cáo PDF có chữ ký số của Văn phòng Sở")
    expect(page.locator("main")).to_contain_text("đã kiểm tra: hợp lệ")
    assert_accessible(page)
