"""The reporter's pages speak plain Vietnamese: no criterion code, no SHA-256 hash and no
formula outside a "Chi tiết kỹ thuật" toggle, after a submission (a snapshot hash, an
evidence file's hash) and on the appraisal results returned to the unit."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import Appraised, results_url
from tests.portal.assessments.conftest import PDF, url
from tests.portal.assessments.test_submission import ready, submitted  # noqa: F401
from tests.portal.conftest import Cast

HASH = re.compile(r"\b[0-9a-f]{64}\b")
TECHNICAL = re.compile(r'<details class="technical">.*?</details>', re.S)


def main_view(html: str) -> str:
    """What a person reads without opening any technical details: the text, not the tags."""
    html = TECHNICAL.sub(" ", html)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def codes(cast: Cast) -> set[str]:
    return set(cast.framework.build().by_code)


def assert_plain(html: str, known_codes: set[str]) -> None:
    text = main_view(html)
    assert not HASH.search(text), HASH.search(text)
    found = {code for code in known_codes if re.search(rf"(?<![\w-]){code}(?![\w-])", text)}
    assert not found
    assert "min(" not in text and " / total" not in text  # no formula


def test_the_checker_sees_what_a_person_sees():
    page = (
        '<p id="tc-cqs_ky_so">Tỷ lệ</p><details class="technical"><code>cqs_ky_so</code></details>'
    )
    assert "cqs_ky_so" not in main_view(page)
    with pytest.raises(AssertionError):
        assert_plain("<p>SHA-256 " + "ab" * 32 + "</p>", set())
    with pytest.raises(AssertionError):
        assert_plain("<p>cqs_ky_so: Tệp quá lớn</p>", {"cqs_ky_so"})


def test_the_reporters_pages_after_a_submission_have_no_code_or_hash(ready: Cast):  # noqa: F811
    cast = submitted(ready)
    client = cast.client(cast.lan)
    campaign_unit = cast.noi_vu_campaign_unit
    pages = {
        "form": client.get(url("form", campaign_unit)).content.decode(),
        "status": client.get(url("status", campaign_unit)).content.decode(),
        "mine": client.get("/tu-danh-gia/").content.decode(),
    }
    assert HASH.search(pages["status"])  # the snapshot's hash is there, behind the toggle
    assert HASH.search(pages["form"])  # and the evidence file's
    assert "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ, tối đa 80%, quy ra 20 điểm" in pages["form"]
    assert "Số hồ sơ trực tuyến" in pages["form"]  # the formula's inputs by their labels
    for html in pages.values():
        assert_plain(html, codes(cast))


def test_an_upload_refused_on_a_draft_speaks_plainly(cast: Cast, evidence_root):
    client = cast.client(cast.lan)
    target = url("evidence_upload", cast.noi_vu_campaign_unit, "nts_ke_hoach")
    response = client.post(target, {"file": SimpleUploadedFile("x.exe", b"MZ" + PDF)}, follow=True)
    assert 'role="alert"' in response.content.decode()
    assert_plain(response.content.decode(), codes(cast))


def test_the_units_appraisal_pages_have_no_code_or_hash(appraised: Appraised):
    cast = appraised.cast
    client = cast.client(cast.lan)
    campaign_unit = appraised.campaign_unit
    for target in (
        results_url(campaign_unit),
        f"/tham-dinh/don-vi/{campaign_unit.pk}/doi-chieu/",
        "/tham-dinh/",
    ):
        response = client.get(target)
        assert response.status_code == 200
        assert_plain(response.content.decode(), codes(cast))
