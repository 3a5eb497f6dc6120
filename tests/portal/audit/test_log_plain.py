"""The audit trail's page in plain words: a criterion by its name, a hash the reason carried
under "Chi tiết kỹ thuật"; the exports keep both as stored."""

from __future__ import annotations

import hashlib

from django.urls import reverse

from portal.audit.services import audit_record
from tests.portal.assessments.test_plain_pages import main_view
from tests.portal.conftest import Cast

HASH = hashlib.sha256(b"snapshot").hexdigest()


def test_the_log_names_criteria_and_hides_hashes_behind_the_toggle(cast: Cast):
    audit_record(
        actor=cast.lan,
        entity="submission",
        action="submit",
        old={"state": "draft"},
        new={"state": "submitted"},
        reason=f"SHA-256 {HASH}",
        campaign=cast.campaign,
        unit=cast.noi_vu,
        criterion="cqs_ky_so",
    )
    client = cast.client(cast.quang)
    page = client.get(reverse("audit:campaign", args=[cast.campaign.pk])).content.decode()
    assert HASH in page  # for those who need it
    text = main_view(page)
    assert HASH not in text and "cqs_ky_so" not in text
    assert "Tỷ lệ văn bản đi được ký số" in text
    export = b"".join(
        client.get(reverse("audit:export", args=[cast.campaign.pk, "csv"])).streaming_content
    )
    assert f"SHA-256 {HASH}".encode() in export and b"cqs_ky_so" in export


def test_an_evidence_files_hash_is_behind_the_toggle_not_in_the_table(cast: Cast):
    audit_record(
        actor=cast.lan,
        entity="evidence",
        action="add",
        old=None,
        new={"name": "real.pdf", "sha256": HASH},
        campaign=cast.campaign,
        unit=cast.noi_vu,
        criterion="cqs_ky_so",
    )
    client = cast.client(cast.quang)
    page = client.get(reverse("audit:campaign", args=[cast.campaign.pk])).content.decode()
    assert f"sha256: {HASH}" in page  # for those who need it
    text = main_view(page)
    assert HASH not in text and "sha256" not in text
    assert "tên: real.pdf" in text
    export = b"".join(
        client.get(reverse("audit:export", args=[cast.campaign.pk, "csv"])).streaming_content
    )
    assert HASH.encode() in export
