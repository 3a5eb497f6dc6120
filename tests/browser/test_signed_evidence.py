"""Signed evidence in headless Chromium: Lan uploads a signed PDF through the form and sees its
badge next to the file; the badges of every tone (valid, unknown root, broken, unreadable),
with a long signer's name, keep the self-assessment page accessible at a phone's width and a
laptop's (tests/browser/accessibility.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.assessments.models import Evidence, EvidenceSignature, SignatureStatus, Submission
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in
from tests.portal.assessments.conftest import url
from tests.portal.conftest import Cast
from tests.signing import pdf

pytestmark = pytest.mark.browser

LONG_NAME = "Nguyễn Thị Phương Thảo Trang Nhung Hồng Ánh Ngọc Bích Phượng Loan"


def test_lan_uploads_a_signed_pdf_and_sees_its_badge(page: Page, cast: Cast, pki, tmp_path):  # type: ignore[no-untyped-def]
    signed = tmp_path / "quyet-dinh.pdf"
    # pyHanko runs its own event loop: in a thread of its own, away from Playwright's
    with ThreadPoolExecutor(1) as pool:
        data = pool.submit(pki.sign, pdf(keywords="x", text="Quyết định"), pki.person("Đỗ Văn Ký"))
        signed.write_bytes(data.result())
    log_in(page, "lan")
    page.goto(url("form", cast.noi_vu_campaign_unit))
    block = page.locator("#tc-nts_ke_hoach")
    block.locator('input[type="file"]').set_input_files(str(signed))
    block.get_by_role("button", name="Tải lên").click()
    day = timezone.localdate().strftime("%d/%m/%Y")
    badge = page.locator("#tc-nts_ke_hoach .badge.warn")
    expect(badge).to_have_text(f"Ký số: Đỗ Văn Ký, {day} — không rõ gốc tin cậy")


# 390 px as the form's own journey (test_journey.py): the editable form is 13 px wider than a
# 360 px window with or without evidence, which this test is not about.
@pytest.mark.parametrize("width", [390, 1366])
def test_every_tone_of_badge_keeps_the_page_accessible(page: Page, cast: Cast, width: int):
    submission, _ = Submission.objects.get_or_create(campaign_unit=cast.noi_vu_campaign_unit)
    statuses = [
        SignatureStatus.VALID,
        SignatureStatus.UNTRUSTED,
        SignatureStatus.BROKEN,
        SignatureStatus.UNREADABLE,
    ]
    for n, status in enumerate(statuses):
        evidence = Evidence.objects.create(
            submission=submission,
            criterion="nts_ke_hoach",
            stored_name=f"ab/{n}",
            original_name=f"quyet-dinh-so-{n}-ve-viec-ban-hanh-ke-hoach-chuyen-doi-so.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_by=cast.lan,
        )
        EvidenceSignature.objects.create(
            evidence=evidence,
            signer_name="" if status == SignatureStatus.UNREADABLE else LONG_NAME,
            signed_at=timezone.now(),
            status=status,
            revocation_checked=False,
            checked_at=timezone.now(),
        )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "lan")
    page.goto(url("form", cast.noi_vu_campaign_unit))
    expect(page.locator("#tc-nts_ke_hoach [data-signature]")).to_have_count(4)
    assert_accessible(page)
