"""Signed evidence on the appraisal pages: a PDF the unit supplements in answer to a round has
its signatures checked like the self-assessment's, and the badge is shown next to the file
on the unit's response page and on the team's scoring sheet, in a number of queries that
does not grow with the number of files."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.assessments.models import Evidence, EvidenceSignature, SignatureStatus
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import Appraised, results_url
from tests.portal.assessments.conftest import criterion_block
from tests.signing import pdf

SIGNER = "Lê Văn Bình"


def sheet_url(appraised: Appraised, number: int = 1) -> str:
    return f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/vong/{number}/"


def badges(html: str) -> list[tuple[str, str]]:
    found = re.findall(r'<span class="badge (\w+)" data-signature="\w+">(.*?)</span>', html, re.S)
    return [(tone, " ".join(text.split())) for tone, text in found]


def test_a_supplemented_signed_pdf_shows_its_badge_to_the_unit_and_the_team(  # type: ignore[no-untyped-def]
    appraised: Appraised, pki
):
    cast = appraised.cast
    data = pki.sign(pdf(keywords="bo-sung", text="Danh sách"), pki.stranger(SIGNER))
    target = f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/vong/1/minh-chung/cqs_ky_so/tai-len/"
    file = SimpleUploadedFile("danh-sach.pdf", data)
    html = cast.client(cast.lan).post(target, {"file": file}, follow=True).content.decode()
    day = timezone.localdate().strftime("%d/%m/%Y")
    expected = [("warn", f"Ký số: {SIGNER}, {day} — không rõ gốc tin cậy")]
    assert badges(criterion_block(html, "cqs_ky_so")) == expected
    assert EvidenceSignature.objects.get().evidence.round == appraised.rounds[1]
    own = cast.client(cast.lan).get(results_url(appraised.campaign_unit)).content.decode()
    assert badges(own) == expected
    sheet = cast.client(appraised.chinh).get(sheet_url(appraised)).content.decode()
    assert badges(sheet) == expected


def signed_files(appraised: Appraised, count: int) -> None:
    for n in range(count):
        evidence = Evidence.objects.create(
            submission=appraised.evidence.submission,
            criterion="cqs_ky_so" if n % 2 else "nts_ke_hoach",
            stored_name=f"ab/van-ban-{n}",
            original_name=f"van-ban-{n}.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_by=appraised.cast.lan,
        )
        EvidenceSignature.objects.create(
            evidence=evidence,
            signer_name=f"Người ký {n}",
            signed_at=timezone.now(),
            status=SignatureStatus.VALID,
            revocation_checked=True,
            checked_at=timezone.now(),
        )


def test_the_sheet_and_the_response_page_cost_no_query_per_file(  # type: ignore[no-untyped-def]
    appraised: Appraised, django_assert_max_num_queries
):
    cast = appraised.cast
    pages = [
        (cast.client(appraised.chinh), sheet_url(appraised)),
        (cast.client(cast.lan), results_url(appraised.campaign_unit)),
    ]
    signed_files(appraised, 1)
    counts = []
    for client, page in pages:
        client.get(page)  # the session and the framework's cache, once
        with CaptureQueriesContext(connection) as captured:
            assert len(badges(client.get(page).content.decode())) == 1
        counts.append(len(captured))
    signed_files(appraised, 11)
    for (client, page), count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert len(badges(client.get(page).content.decode())) == 12
