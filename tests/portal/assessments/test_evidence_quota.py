"""The unit's evidence quota (DTI_EVIDENCE_QUOTA_MB): an upload that would pass it is refused
saying how much is used and left, for the self-assessment and for supplements alike; the
self-assessment page shows used / total, counted with one aggregate query."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from portal.accounts.models import User
from portal.assessments.models import Evidence
from portal.assessments.selectors import evidence_bytes
from portal.audit.models import AuditEntry
from tests.core.hostile import PNG
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import Appraised
from tests.portal.assessments.conftest import criterion_block, url
from tests.portal.conftest import Cast

MB = 1024 * 1024


def png_of(size: int) -> bytes:
    """A PNG of exactly `size` bytes (padding after its end, which viewers ignore)."""
    return PNG + bytes(size - len(PNG))


def upload(cast: Cast, name: str, content: bytes):  # type: ignore[no-untyped-def]
    target = url("evidence_upload", cast.noi_vu_campaign_unit, "nts_ke_hoach")
    return cast.client(cast.lan).post(
        target, {"file": SimpleUploadedFile(name, content)}, follow=True
    )


@pytest.fixture
def quota(settings):  # type: ignore[no-untyped-def]
    settings.EVIDENCE_QUOTA_BYTES = 2 * MB
    return settings.EVIDENCE_QUOTA_BYTES


def test_an_upload_past_the_quota_is_refused_saying_what_is_used_and_left(
    cast: Cast, quota, evidence_root
):
    assert "Đã thêm tệp" in upload(cast, "a.png", png_of(3 * MB // 2)).content.decode()
    before = (Evidence.objects.count(), AuditEntry.objects.count())
    page = upload(cast, "b.png", png_of(MB)).content.decode()
    assert (
        "Không đủ dung lượng cho tệp “b.png” (1 MB): đơn vị đã dùng 1,5 MB trong "
        "2 MB dành cho minh chứng của đợt này, còn 0,5 MB."
    ) in criterion_block(page, "nts_ke_hoach")
    assert (Evidence.objects.count(), AuditEntry.objects.count()) == before
    assert len([p for p in evidence_root.rglob("*") if p.is_file()]) == 1


def test_a_file_that_fills_the_quota_exactly_is_accepted(cast: Cast, quota):
    upload(cast, "a.png", png_of(3 * MB // 2))
    assert "Đã thêm tệp “b.png”" in upload(cast, "b.png", png_of(MB // 2)).content.decode()
    assert evidence_bytes(cast.noi_vu_campaign_unit.pk) == quota


def test_the_quota_is_the_units_own(cast: Cast, quota):
    """Sở Tư pháp's files do not count against Sở Nội vụ's quota."""
    upload(cast, "a.png", png_of(3 * MB // 2))
    target = url("evidence_upload", cast.tu_phap_campaign_unit, "nts_ke_hoach")
    page = cast.client(cast.thao).post(
        target, {"file": SimpleUploadedFile("c.png", png_of(MB))}, follow=True
    )
    assert "Đã thêm tệp “c.png”" in page.content.decode()


def test_supplements_count_and_are_refused_past_the_quota(
    appraised: Appraised, settings, evidence_root
):
    cast = appraised.cast
    used = evidence_bytes(appraised.campaign_unit.pk)
    settings.EVIDENCE_QUOTA_BYTES = used + MB
    target = f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/vong/1/minh-chung/cqs_ky_so/tai-len/"
    client = cast.client(cast.lan)
    client.post(target, {"file": SimpleUploadedFile("a.png", png_of(MB // 2))})
    assert evidence_bytes(appraised.campaign_unit.pk) == used + MB // 2
    page = client.post(
        target, {"file": SimpleUploadedFile("b.png", png_of(MB))}, follow=True
    ).content.decode()
    assert "Không đủ dung lượng cho tệp “b.png” (1 MB)" in criterion_block(page, "cqs_ky_so")
    assert "còn 0,5 MB" in page


@pytest.mark.django_db(transaction=True)
def test_two_supplements_at_once_cannot_both_take_the_last_megabytes(
    appraised: Appraised, huong: User, settings, evidence_root
):
    """Real threads on real connections: the uploads are counted one after the other (the
    round's and the submission's rows locked, SELECT ... FOR UPDATE on PostgreSQL; an
    IMMEDIATE transaction on SQLite), so only one of them fits."""
    cast = appraised.cast
    settings.EVIDENCE_QUOTA_BYTES = evidence_bytes(appraised.campaign_unit.pk) + MB
    target = f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/vong/1/minh-chung/cqs_ky_so/tai-len/"
    clients = {"lan": cast.client(cast.lan), "huong": cast.client(huong)}
    barrier = threading.Barrier(len(clients))

    def post(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            upload = SimpleUploadedFile(f"{name}.png", png_of(3 * MB // 4))
            clients[name].post(target, {"file": upload})
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    added = Evidence.objects.filter(original_name__in=["lan.png", "huong.png"])
    assert added.count() == 1
    assert evidence_bytes(appraised.campaign_unit.pk) <= settings.EVIDENCE_QUOTA_BYTES


def test_the_self_assessment_page_shows_used_and_total(cast: Cast, quota):
    upload(cast, "a.png", png_of(3 * MB // 2))
    for who in (cast.lan, cast.minh):
        page = cast.client(who).get(url("form", cast.noi_vu_campaign_unit)).content.decode()
        assert "Dung lượng minh chứng đã dùng: 1,5 MB / 2 MB" in page


def test_the_usage_is_one_aggregate_query(cast: Cast, django_assert_num_queries):
    upload(cast, "a.png", png_of(1000))
    upload(cast, "b.png", png_of(2000))
    with django_assert_num_queries(1):  # SELECT SUM(size) ... JOIN submission
        assert evidence_bytes(cast.noi_vu_campaign_unit.pk) == 3000
