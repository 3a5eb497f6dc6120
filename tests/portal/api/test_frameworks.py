"""GET /api/frameworks/{id}: the stored document and the tree the core builds from it."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from portal.publication.models import Version, VersionLevel
from portal.workflow import CampaignState
from tests.portal.conftest import Cast, framework_document

MEMBERS = ["lan", "minh", "thao", "hung", "hoa", "quang"]


def user(cast: Cast, name: str | None):
    return getattr(cast, name) if name else None


@pytest.mark.parametrize(
    ("name", "published", "status"),
    [
        *[(m, False, 200) for m in MEMBERS],
        ("khoa", False, 404),
        (None, False, 404),
        # published results computed with it make it public (their version keeps it)
        ("khoa", True, 200),
        (None, True, 200),
    ],
)
def test_it_shows_a_framework_to_members_and_published_ones_to_all(
    cast: Cast, name, published, status
):
    cast.campaign.state = CampaignState.PUBLISHED  # the state alone publishes nothing
    cast.campaign.save()
    if published:
        version = Version.objects.create(
            campaign=cast.campaign,
            number=1,
            digest="0" * 64,
            requested_by=cast.quang,
            requested_at=timezone.now(),
            published_at=timezone.now(),
        )
        VersionLevel.objects.create(
            version=version,
            position=0,
            level="so",
            name="Sở, ban, ngành",
            framework_code=cast.framework.code,
            framework_name=cast.framework.name,
            framework=json.loads(json.dumps(cast.framework.document, default=str)),
            units=0,
        )
    response = cast.client(user(cast, name)).get(f"/api/frameworks/{cast.framework.pk}")
    assert response.status_code == status


def test_it_answers_404_for_a_framework_that_does_not_exist(cast: Cast):
    assert cast.client(cast.quang).get("/api/frameworks/999999").status_code == 404


def test_it_returns_the_stored_document(cast: Cast):
    body = cast.client(cast.hung).get(f"/api/frameworks/{cast.framework.pk}").json()
    assert body["code"] == "mau-2025-so"
    assert body["province"] == {"code": "tinh-mau", "name": "Tỉnh Mẫu"}
    cast.framework.refresh_from_db()  # as stored: exact numbers come back as text
    assert body["document"] == cast.framework.document
    assert body["document"]["code"] == framework_document()["code"]


def test_it_returns_the_tree_with_exact_max_points(cast: Cast):
    body = cast.client(cast.hung).get(f"/api/frameworks/{cast.framework.pk}").json()
    assert body["max"] == "100"  # exact decimals travel as text, never as floats
    tree = body["tree"]
    assert [node["code"] for node in tree] == [
        "nhan_thuc_so",
        "the_che_so",
        "hoat_dong_chinh_quyen_so",
        "xa_hoi_so",
    ]
    for node in tree:  # a parent's max is the sum of its children's
        assert int(node["max"]) == sum(int(child["max"]) for child in node["children"])
        assert node["rule"] is None
    plan = tree[0]["children"][0]
    assert (plan["code"], plan["max"], plan["rule"]) == ("nts_ke_hoach", "5", "yes_no")
    assert plan["rule_text"] == "Có: 5 đ; Không: 0 đ"
    assert plan["children"] == []
    online = tree[2]["children"][2]
    assert online["applies_when"] == "has_online_public_services"
    assert online["source"] == "system"
