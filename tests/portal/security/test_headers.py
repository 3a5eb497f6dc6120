"""The headers every page carries: a Content-Security-Policy that allows no inline script or
style (and the pages need none), a Permissions-Policy that refuses every powerful browser
feature, and `Cache-Control: no-store` on whatever belongs to a signed-in person, the API and
downloaded files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.assessments.services import evidence_add_file
from tests.conftest import REPO
from tests.portal.appraisals.conftest import evidence_root, team  # noqa: F401
from tests.portal.assessments.conftest import PDF
from tests.portal.conftest import Cast

INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "an on...= event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "a javascript: link": re.compile(r"javascript:", re.I),
}
POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]


def inline_code(html: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(html)]


def pages(cast: Cast) -> list[tuple[str | None, str]]:
    """One page of each kind, as the person who sees it (the editable forms included)."""
    campaign, campaign_unit = cast.campaign.pk, cast.noi_vu_campaign_unit.pk
    return [
        (None, "/ket-qua/"),  # where "/" sends a visitor
        (None, "/tai-khoan/dang-nhap/"),
        ("lan", "/"),
        ("lan", f"/tu-danh-gia/{campaign_unit}/"),
        ("lan", f"/tu-danh-gia/{campaign_unit}/tinh-trang/"),
        ("lan", "/thong-bao/"),
        ("quang", f"/dot-danh-gia/{campaign}/"),
        ("quang", f"/dot-danh-gia/{campaign}/van-ban-bao-cao/"),
        ("quang", f"/bo-chi-so/{cast.framework.pk}/"),
        ("quang", "/bo-chi-so/"),
        ("quang", "/don-vi/"),
        ("quang", f"/don-vi/{cast.noi_vu.pk}/"),
        ("quang", f"/nhat-ky/dot/{campaign}/"),
        ("quang", f"/chi-so-he-thong/dot/{campaign}/"),
        ("quang", f"/chi-so-he-thong/tinh/{cast.province.pk}/ma-truy-cap/"),
    ]


def test_every_page_kind_has_the_policy_and_no_inline_code(cast: Cast):
    for who, path in pages(cast):
        user = getattr(cast, who) if who else None
        response = cast.client(user).get(path)
        assert response.status_code == 200, (who, path)
        policy = response["Content-Security-Policy"]
        assert all(directive in policy for directive in POLICY), (path, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert inline_code(response.content.decode()) == [], (who, path)


def test_the_scoring_sheet_and_the_comparison_have_no_inline_code(team):  # noqa: F811
    team.move(1, "open_round")
    client = team.cast.client(team.mai)
    sheet = client.get(f"/tham-dinh/don-vi/{team.campaign_unit.pk}/vong/1/")
    assert sheet.status_code == 200
    assert 'src="/static/assessments/form.js"' in sheet.content.decode()
    compare = client.get(f"/tham-dinh/don-vi/{team.campaign_unit.pk}/doi-chieu/")
    assert compare.status_code == 200
    for response in (sheet, compare):
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert inline_code(response.content.decode()) == []


def test_no_template_of_the_portal_holds_inline_code():
    """The rendered pages above are a sample; this reads every template, so a new one with
    an inline script or style fails here before a browser refuses it."""
    templates = sorted((REPO / "src/portal").rglob("templates/**/*.html"))
    assert len(templates) > 40
    found = {
        str(path.relative_to(REPO)): inline_code(path.read_text(encoding="utf-8"))
        for path in templates
    }
    assert {path: kinds for path, kinds in found.items() if kinds} == {}


def test_every_answer_refuses_camera_microphone_and_the_rest(cast: Cast):
    for response in (cast.client(None).get("/"), cast.client(None).get("/khong-co/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


def test_pages_of_a_signed_in_person_are_never_stored(cast: Cast):
    for who, path in pages(cast):
        if who:
            response = cast.client(getattr(cast, who)).get(path)
            assert "no-store" in response["Cache-Control"], path


def test_public_pages_may_be_cached(cast: Cast):
    assert "no-store" not in cast.client(None).get("/").get("Cache-Control", "")


@pytest.mark.django_db
def test_api_answers_are_never_stored(client):
    for path in ("/api/campaigns", "/api/khong-co"):
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_an_evidence_download_is_never_stored(cast: Cast, settings, tmp_path: Path):
    settings.EVIDENCE_ROOT = tmp_path
    evidence = evidence_add_file(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.lan,
        criterion="cqs_ky_so",
        upload=SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf"),
    )
    path = f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/minh-chung/{evidence.pk}/tai-ve/"
    response = cast.client(cast.minh).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")
