"""A signed submission in headless Chromium, on a phone: Tỉnh Mẫu requires the unit head's
signature; Lan sends Sở Nội vụ's self-assessment, Minh downloads its PDF from the link on
the status page, signs it (here the test PKI signs it, as his token's software would),
uploads it in the approval form, and the page shows the submission approved and signed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.assessments.models import Submission, SubmissionSignature
from portal.workflow import SubmissionState
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in, person_page
from tests.browser.test_guard_rails import confirm
from tests.portal.assessments.conftest import COMPLETE, require_signatures, save_fields, url
from tests.portal.conftest import Cast

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path: Path) -> Path:
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def signed_by(pki, data: bytes, person) -> bytes:  # type: ignore[no-untyped-def]
    """pki.sign, outside Playwright's event loop: pyHanko runs its own (asyncio.run), which
    refuses to start while Playwright's is marked as running in this thread."""
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        return bytes(pki.sign(data, person))
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture
def other_page(browser: Browser, live_server) -> Iterator[Page]:
    with person_page(browser, live_server.url) as page:
        yield page


def test_minh_approves_with_the_pdf_he_signed(
    page: Page, other_page: Page, cast: Cast, pki, tmp_path: Path
):  # type: ignore[no-untyped-def]
    minh = require_signatures(cast, pki)
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, "lan")
    page.goto(url("status", cast.noi_vu_campaign_unit))
    page.get_by_role("button", name="Gửi phê duyệt").click()
    confirm(page)
    expect(page.locator("#state")).to_have_text("Đã gửi, chờ phê duyệt")

    other_page.set_viewport_size({"width": 360, "height": 780})
    log_in(other_page, "minh")
    other_page.goto(url("status", cast.noi_vu_campaign_unit))
    assert_accessible(other_page)
    with other_page.expect_download() as download:
        other_page.get_by_role("link", name="Tải bản tự đánh giá (PDF) để ký số").click()
    unsigned = Path(download.value.path()).read_bytes()
    assert unsigned.startswith(b"%PDF-")
    signed = tmp_path / "ban-tu-danh-gia-da-ky.pdf"
    signed.write_bytes(signed_by(pki, unsigned, minh))

    other_page.get_by_label("Bản tự đánh giá (PDF) đã ký số").set_input_files(signed)
    other_page.get_by_role("button", name="Phê duyệt và ký").click()
    expect(other_page.locator("#state")).to_have_text("Đã phê duyệt")
    expect(other_page.locator("#signed")).to_contain_text("Đã ký số bởi Trần Văn Minh lúc")
    expect(other_page.locator("#signed")).to_contain_text("— hợp lệ")
    assert_accessible(other_page)

    row = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    assert row.state == SubmissionState.APPROVED
    assert SubmissionSignature.objects.get().signer_name == "Trần Văn Minh"
    page.reload()  # Lan sees it too, and may download the signed copy
    expect(page.locator("#signed")).to_contain_text("hợp lệ")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản đã ký số (PDF)").click()
    assert Path(download.value.path()).read_bytes() == signed.read_bytes()
    assert_accessible(page)


def test_a_pdf_signed_by_someone_else_is_refused_with_the_reason(
    page: Page, cast: Cast, pki, tmp_path: Path
):  # type: ignore[no-untyped-def]
    require_signatures(cast, pki)
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    from portal.assessments import services

    services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, "minh")
    page.goto(url("status", cast.noi_vu_campaign_unit))
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản tự đánh giá (PDF) để ký số").click()
    stranger = pki.stranger("Trần Văn Minh")
    signed = tmp_path / "ky-nham.pdf"
    signed.write_bytes(signed_by(pki, Path(download.value.path()).read_bytes(), stranger))
    page.get_by_label("Bản tự đánh giá (PDF) đã ký số").set_input_files(signed)
    page.get_by_role("button", name="Phê duyệt và ký").click()
    expect(page.get_by_role("alert")).to_contain_text("không thuộc gốc tin cậy nào")
    assert_accessible(page)
    row = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    assert row.state == SubmissionState.SUBMITTED
