"""The office's signature page on a phone (360 px), in headless Chromium: Quang makes the
unit head's signature required, adds a trust root, confirms Minh's certificate, and removes
the root after the confirmation page; axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.signatures.models import CertificateIdentity, IdentityState, TrustRoot
from portal.signatures.selectors import settings_of
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.conftest import Cast
from tests.portal.signatures.conftest import certificate, identity

pytestmark = pytest.mark.browser


def test_the_office_configures_signatures_on_a_phone(page: Page, live_server, cast: Cast, tmp_path):
    claim = identity(cast.minh, name="TRẦN VĂN MINH")
    root_file = tmp_path / "goc.pem"
    root_file.write_bytes(certificate("Cơ quan chứng thực thử nghiệm"))
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "quang")
    page.goto("/chu-ky-so/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chữ ký số của Tỉnh Mẫu")
    assert_accessible(page)

    page.get_by_label("Bắt buộc", exact=True).check()
    page.get_by_role("button", name="Lưu cài đặt").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu cài đặt chữ ký số.")
    assert settings_of(cast.province).submission_mode == "required"

    page.get_by_label("Tệp chứng thư gốc (PEM hoặc DER)").set_input_files(str(root_file))
    page.get_by_role("button", name="Thêm chứng thư gốc").click()
    expect(page.locator("#root-list")).to_contain_text("Cơ quan chứng thực thử nghiệm")

    expect(page.locator("#pending-list")).to_contain_text("TRẦN VĂN MINH")
    assert_accessible(page)
    page.locator("#pending-list").get_by_role("button", name="Xác nhận").click()
    expect(page.locator("#confirmed-list")).to_contain_text("TRẦN VĂN MINH")
    claim.refresh_from_db()
    assert claim.state == IdentityState.CONFIRMED

    page.locator("#root-list").get_by_role("button", name="Gỡ").click()
    expect(page.locator(".confirm")).to_be_visible()  # asked first
    assert_accessible(page)
    page.locator(".confirm").get_by_role("button").click()
    expect(page.locator("#no-roots")).to_be_visible()
    assert not TrustRoot.objects.exists()
    assert CertificateIdentity.objects.get().state == IdentityState.CONFIRMED
    assert_accessible(page)
