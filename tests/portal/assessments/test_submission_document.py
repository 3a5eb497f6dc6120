"""The submission as a PDF to sign: drawn from the snapshot (not the live answers), in the
administrative layout, the snapshot's hash in its /Keywords and on its last line; served to
the unit and its readers once sent, never before; WeasyPrint fetches nothing."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.urls import reverse

from dti.signatures import hash_keywords, verify_pdf
from portal.assessments import document_pdf, documents
from portal.assessments.models import Answer, Submission
from tests.portal.assessments.conftest import url
from tests.portal.conftest import Cast
from tests.signing import Pki


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def keywords_of(pdf: bytes) -> str:
    metadata = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    return str(metadata.get("/Keywords", ""))


def submission(cast: Cast) -> Submission:
    return Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)


def test_the_pdf_shows_the_snapshot_with_its_hash(sent: Cast, django_assert_max_num_queries):
    client = sent.client(sent.minh)
    # the session and user, the campaign unit (with its submission), roles, the framework,
    # who sent it: however many criteria and evidence files it has
    with django_assert_max_num_queries(8):
        response = client.get(url("document", sent.noi_vu_campaign_unit))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="tu-danh-gia-so-noi-vu-2025.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    pdf = response.content
    sha256 = submission(sent).snapshot_sha256
    assert keywords_of(pdf) == hash_keywords(sha256)
    metadata = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None and "Sở Nội vụ" in str(metadata.title)
    text = text_of(pdf)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BẢN TỰ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2025",
        "Sở Nội vụ",
        "Ban hành kế hoạch chuyển đổi số năm",  # a criterion by its name
        "Theo hệ thống QLVB",  # its note
        "87,5",  # the value, the Vietnamese way
        "13,13 / 15",  # self-score / max
        "ke-hoach.pdf",  # the evidence list
        "0,3 KB",  # its size
        "60,13",  # the total
        "Trung bình",  # the class
        "THỦ TRƯỞNG ĐƠN VỊ",
        "Nguyễn Thị Lan",  # submitted by
    ):
        assert expected in text, expected
    assert sha256 in re.sub(r"\s", "", text)  # the last line, which may wrap


def test_the_pdf_is_the_snapshot_not_the_live_answers(sent: Cast):
    Answer.objects.filter(criterion="cqs_ky_so").update(note="Sửa sau khi gửi")
    text = text_of(documents.submission_pdf(submission(sent)))
    assert "Theo hệ thống QLVB" in text
    assert "Sửa sau khi gửi" not in text


def test_a_hostile_note_is_printed_as_text_and_nothing_is_fetched(cast: Cast):
    from portal.assessments import services
    from tests.portal.assessments.conftest import COMPLETE, save_fields

    hostile = '<img src="file:///etc/passwd"><style>p{background:url(file:///etc/hosts)}</style>'
    save_fields(
        cast.client(cast.lan), cast.noi_vu_campaign_unit, {**COMPLETE, "note:cqs_ky_so": hostile}
    )
    services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    fetcher = document_pdf.NoFetch()
    pdf = documents.submission_pdf(submission(cast), fetcher)
    assert fetcher.refused == []  # escaped: no element, no stylesheet came of the note
    text = text_of(pdf)
    assert '<img src="file:///etc/passwd">' in re.sub(r"\s", " ", text).replace("/ ", "/")
    assert b"root:" not in pdf


def test_weasyprint_is_refused_every_url():
    fetcher = document_pdf.NoFetch()
    html = (
        '<html><head><link rel="stylesheet" href="http://example.org/a.css"></head>'
        '<body><img src="file:///etc/passwd"><p style="background:url(file:///etc/hosts)">'
        "x</p></body></html>"
    )
    pdf = document_pdf.pdf_of(html, fetcher)
    assert set(fetcher.refused) == {
        "http://example.org/a.css",
        "file:///etc/passwd",
        "file:///etc/hosts",
    }
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    resources = reader.pages[0]["/Resources"].get_object()
    images = resources.get("/XObject", {})
    assert not images  # no image came in


def test_the_stylesheet_names_no_url():
    assert "url(" not in document_pdf.STYLESHEET.read_text(encoding="utf-8")


@pytest.mark.parametrize("who", ["lan", "minh", "quang", "hung", "hoa"])
def test_the_unit_and_its_readers_download_it(sent: Cast, who: str):
    response = sent.client(getattr(sent, who)).get(url("document", sent.noi_vu_campaign_unit))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["thao", "khoa"])
def test_outsiders_learn_nothing(sent: Cast, who: str):
    response = sent.client(getattr(sent, who)).get(url("document", sent.noi_vu_campaign_unit))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(sent: Cast):
    response = sent.client(None).get(url("document", sent.noi_vu_campaign_unit))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_there_is_no_pdf_before_the_submission_is_sent(cast: Cast):
    client = cast.client(cast.minh)
    assert client.get(url("document", cast.noi_vu_campaign_unit)).status_code == 404
    assert client.get("/tu-danh-gia/999999/ban-tu-danh-gia.pdf").status_code == 404
    assert client.post(url("document", cast.noi_vu_campaign_unit)).status_code == 405


def test_the_approver_is_offered_the_pdf_on_the_status_page(sent: Cast):
    page = sent.client(sent.minh).get(url("status", sent.noi_vu_campaign_unit)).content.decode()
    assert url("document", sent.noi_vu_campaign_unit) in page


def test_with_the_portal_s_certificate_the_head_signs_a_pdf_the_portal_signed(
    sent: Cast, pki: Pki, settings: Any, tmp_path: Path
) -> None:
    key = tmp_path / "portal.p12"
    key.write_bytes(pki.person("Cổng đánh giá DTI tỉnh Thử nghiệm").pkcs12(b"k"))
    (tmp_path / "passphrase").write_text("k")
    settings.DTI_SIGNING_PKCS12 = str(key)
    settings.DTI_SIGNING_PASSPHRASE_FILE = str(tmp_path / "passphrase")
    pdf = sent.client(sent.minh).get(url("document", sent.noi_vu_campaign_unit)).content
    (portal,) = verify_pdf(pdf, [pki.root_der])
    assert portal.valid and portal.signer.name == "Cổng đánh giá DTI tỉnh Thử nghiệm"
    both = verify_pdf(pki.sign(pdf, pki.person("Trần Văn Minh"), field_name="Head"), [pki.root_der])
    assert [s.valid for s in both] == [True, True]
    assert both[1].carried_hash == submission(sent).snapshot_sha256
