"""GET /api/campaign-units/{id}/answers: a unit's answers and evidence metadata, for its
reporter and approver and the province's office admins, appraisers and leadership only."""

from __future__ import annotations

import pytest

from portal.assessments.models import Answer, Evidence
from tests.portal.conftest import Cast


def user(cast: Cast, name: str | None):
    return getattr(cast, name) if name else None


@pytest.mark.parametrize(
    ("name", "unit", "status"),
    [
        ("lan", "noi_vu", 200),  # reporter of the unit
        ("minh", "noi_vu", 200),  # approver of the unit
        ("hung", "noi_vu", 200),  # appraiser
        ("hoa", "noi_vu", 200),  # leadership
        ("quang", "noi_vu", 200),  # office admin
        ("thao", "noi_vu", 404),  # reporter of another unit learns nothing of Sở Nội vụ's
        ("khoa", "noi_vu", 404),  # office admin of another province
        (None, "noi_vu", 401),
        ("thao", "tu_phap", 200),
        ("lan", "tu_phap", 404),
        ("minh", "tu_phap", 404),
        ("quang", "tu_phap", 200),
        ("khoa", "tu_phap", 404),
    ],
)
def test_it_shows_answers_only_to_those_the_unit_is_meant_for(cast: Cast, name, unit, status):
    campaign_unit = getattr(cast, f"{unit}_campaign_unit")
    response = cast.client(user(cast, name)).get(f"/api/campaign-units/{campaign_unit.pk}/answers")
    assert response.status_code == status


def test_a_missing_entry_answers_like_a_hidden_one(cast: Cast):
    hidden = cast.client(cast.thao).get(
        f"/api/campaign-units/{cast.noi_vu_campaign_unit.pk}/answers"
    )
    missing = cast.client(cast.thao).get("/api/campaign-units/999999/answers")
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)


def test_it_returns_answers_notes_and_evidence_metadata(cast: Cast, django_assert_max_num_queries):
    submission = cast.noi_vu_campaign_unit.submission
    submission.state = "draft"
    submission.save()
    Answer.objects.create(
        submission=submission,
        criterion="nts_ke_hoach",
        value=True,
        note="Kế hoạch số 12/KH-SNV",
        updated_by=cast.lan,
    )
    Answer.objects.create(
        submission=submission, criterion="cqs_ky_so", value="97.5", updated_by=cast.lan
    )
    evidence = Evidence.objects.create(
        submission=submission,
        criterion="nts_ke_hoach",
        stored_name="ab/cd/ke-hoach.pdf",
        original_name="Kế hoạch 12.pdf",
        content_type="application/pdf",
        size=48213,
        sha256="a" * 64,
        uploaded_by=cast.lan,
    )
    client = cast.client(cast.hung)
    # session, user, entry with campaign and unit, the user's roles, submission, answers with
    # their author, evidence with its uploader
    with django_assert_max_num_queries(7):
        body = client.get(f"/api/campaign-units/{cast.noi_vu_campaign_unit.pk}/answers").json()
    assert (body["campaign_unit"], body["campaign"]) == (
        cast.noi_vu_campaign_unit.pk,
        cast.campaign.pk,
    )
    assert body["unit"] == {"id": cast.noi_vu.pk, "code": "so-noi-vu", "name": "Sở Nội vụ"}
    assert (body["submission_state"], body["submission_state_label"]) == ("draft", "Đang nhập")
    assert [(a["criterion"], a["value"], a["note"]) for a in body["answers"]] == [
        ("cqs_ky_so", "97.5", ""),
        ("nts_ke_hoach", True, "Kế hoạch số 12/KH-SNV"),
    ]
    assert body["answers"][1]["updated_by"] == "Nguyễn Thị Lan"
    (item,) = body["evidence"]
    assert item["id"] == evidence.pk
    assert (item["original_name"], item["size"], item["uploaded_by"]) == (
        "Kế hoạch 12.pdf",
        48213,
        "Nguyễn Thị Lan",
    )
    assert "stored_name" not in item  # where the file lives on the server stays private
    assert "ab/cd" not in str(body)


def test_a_unit_that_has_not_started_has_no_answers(cast: Cast):
    cast.tu_phap_campaign_unit.submission.delete()
    body = cast.client(cast.thao).get(
        f"/api/campaign-units/{cast.tu_phap_campaign_unit.pk}/answers"
    )
    assert body.json()["submission_state"] == "not_started"
    assert (body.json()["answers"], body.json()["evidence"]) == ([], [])
