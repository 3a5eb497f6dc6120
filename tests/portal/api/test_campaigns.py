"""GET /api/campaigns, /api/campaigns/{id} and /api/campaigns/{id}/units: members of the
province read the campaign in any state, anyone reads it once published, outsiders get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.campaigns.models import AppraisalRound
from portal.workflow import CampaignState
from tests.portal.conftest import Cast

MEMBERS = ["lan", "minh", "thao", "hung", "hoa", "quang"]
TITLE = "Đánh giá chuyển đổi số năm 2025"


def user(cast: Cast, name: str | None):
    return getattr(cast, name) if name else None


def publish(cast: Cast) -> None:
    cast.campaign.state = CampaignState.PUBLISHED
    cast.campaign.save()


@pytest.mark.parametrize(
    ("name", "published", "listed"),
    [
        *[(m, False, True) for m in MEMBERS],
        ("khoa", False, False),  # office admin of another province
        (None, False, False),
        # published results are read from their published version (/api/cong-khai/)
        (None, True, False),
        ("khoa", True, False),  # the list is the user's provinces, not everything published
    ],
)
def test_it_lists_the_campaigns_a_person_may_see(cast: Cast, name, published, listed):
    if published:
        publish(cast)
    response = cast.client(user(cast, name)).get("/api/campaigns")
    assert response.status_code == 200
    assert [c["title"] for c in response.json()] == ([TITLE] if listed else [])


def test_it_lists_campaigns_with_their_province_and_state(
    cast: Cast, django_assert_max_num_queries
):
    client = cast.client(cast.quang)
    # session, user, then one query for the campaigns joined with their province
    with django_assert_max_num_queries(3):
        (item,) = client.get("/api/campaigns").json()
    assert item == {
        "id": cast.campaign.pk,
        "year": 2025,
        "title": TITLE,
        "state": "open",
        "state_label": "Đang tự đánh giá",
        "historic": False,
        "province": {"code": "tinh-mau", "name": "Tỉnh Mẫu"},
    }


@pytest.mark.parametrize(
    ("name", "state", "status"),
    [
        *[(m, CampaignState.OPEN, 200) for m in MEMBERS],
        *[(m, CampaignState.DRAFT, 200) for m in MEMBERS],
        ("khoa", CampaignState.OPEN, 404),
        (None, CampaignState.OPEN, 404),
        (None, CampaignState.FINALIZED, 404),
        ("khoa", CampaignState.PUBLISHED, 404),
        (None, CampaignState.PUBLISHED, 404),
    ],
)
def test_it_shows_a_campaign_to_its_provinces_members_only(cast: Cast, name, state, status):
    cast.campaign.state = state
    cast.campaign.save()
    response = cast.client(user(cast, name)).get(f"/api/campaigns/{cast.campaign.pk}")
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "Không tìm thấy."}


def test_it_shows_levels_deadlines_and_state(cast: Cast):
    due = timezone.now() + timedelta(days=30)
    AppraisalRound.objects.create(campaign=cast.campaign, number=1, appraisal_due=due)
    body = cast.client(cast.lan).get(f"/api/campaigns/{cast.campaign.pk}").json()
    assert body["state"] == "open"
    assert body["self_assessment_deadline"] is not None
    assert body["levels"] == [
        {
            "level": "so",
            "name": "Sở, ban, ngành",
            "framework": {
                "id": cast.framework.pk,
                "code": "mau-2025-so",
                "name": "Bộ chỉ số chuyển đổi số cấp sở 2025",
                "year": 2025,
            },
        }
    ]
    assert [r["number"] for r in body["rounds"]] == [1]
    assert body["rounds"][0]["supplement_due"] is None


def test_it_answers_404_for_a_campaign_that_does_not_exist(cast: Cast):
    response = cast.client(cast.quang).get("/api/campaigns/999999")
    assert response.status_code == 404


# Which submission states each role sees: its own unit's, or every unit's for province-wide
# roles; None where the unit is listed but its work is not the reader's to see.
NOI_VU, TU_PHAP = "Sở Nội vụ", "Sở Tư pháp"


@pytest.mark.parametrize(
    ("name", "published", "states"),
    [
        ("lan", False, {NOI_VU: "not_started", TU_PHAP: None}),
        ("minh", False, {NOI_VU: "not_started", TU_PHAP: None}),
        ("thao", False, {NOI_VU: None, TU_PHAP: "not_started"}),
        ("hung", False, {NOI_VU: "not_started", TU_PHAP: "not_started"}),
        ("hoa", False, {NOI_VU: "not_started", TU_PHAP: "not_started"}),
        ("quang", False, {NOI_VU: "not_started", TU_PHAP: "not_started"}),
        ("khoa", False, None),
        (None, False, None),
        ("khoa", True, None),
        (None, True, None),
    ],
)
def test_it_lists_the_units_in_scope_with_the_states_each_role_may_see(
    cast: Cast, name, published, states
):
    if published:
        publish(cast)
    response = cast.client(user(cast, name)).get(f"/api/campaigns/{cast.campaign.pk}/units")
    if states is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert {row["unit"]["name"]: row["submission_state"] for row in response.json()} == states


def test_it_lists_units_without_a_query_per_unit(cast: Cast, django_assert_max_num_queries):
    cast.noi_vu_campaign_unit.submission.state = "submitted"
    cast.noi_vu_campaign_unit.submission.save()
    cast.tu_phap_campaign_unit.submission.delete()  # a unit that has not started has no submission
    client = cast.client(cast.quang)
    # session, user, campaign, the user's roles (permission), the user's memberships
    # (visible units), then the entries joined with their unit and submission
    with django_assert_max_num_queries(6):
        rows = client.get(f"/api/campaigns/{cast.campaign.pk}/units").json()
    assert [(r["id"], r["unit"]["code"], r["submission_state_label"]) for r in rows] == [
        (cast.noi_vu_campaign_unit.pk, "so-noi-vu", "Đã gửi, chờ phê duyệt"),
        (cast.tu_phap_campaign_unit.pk, "so-tu-phap", "Chưa bắt đầu"),
    ]
