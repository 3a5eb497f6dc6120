"""GET /api/units?province=CODE: a province's unit registry, for people holding a role there."""

from __future__ import annotations

import pytest

from portal.units.models import Unit
from tests.portal.conftest import Cast


def user(cast: Cast, name: str | None):
    return getattr(cast, name) if name else None


@pytest.mark.parametrize(
    ("name", "status"),
    [
        *[(m, 200) for m in ["lan", "minh", "thao", "hung", "hoa", "quang"]],
        ("khoa", 404),  # office admin of another province
        (None, 401),  # a login is needed whatever the province: this says nothing about it
    ],
)
def test_it_shows_the_registry_to_members_of_the_province_only(cast: Cast, name, status):
    response = cast.client(user(cast, name)).get("/api/units?province=tinh-mau")
    assert response.status_code == status
    if status == 200:
        assert [u["code"] for u in response.json()] == ["so-noi-vu", "so-tu-phap"]
    elif status == 404:
        assert response.json() == {"detail": "Không tìm thấy."}
    else:
        assert response.json() == {"detail": "Cần đăng nhập."}


def test_an_unknown_province_looks_like_one_you_may_not_see(cast: Cast):
    assert cast.client(cast.quang).get("/api/units?province=khong-co").status_code == 404


def test_the_province_is_required(cast: Cast):
    assert cast.client(cast.quang).get("/api/units").status_code == 422


def test_it_lists_units_with_parent_and_attributes(cast: Cast, django_assert_max_num_queries):
    commune = Unit.objects.create(
        province=cast.province,
        code="xa-a",
        name="UBND xã A",
        level="xa",
        parent=cast.noi_vu,
        aliases=["Xã A cũ"],
    )
    client = cast.client(cast.lan)
    # session, user, province, the user's roles, then the units joined with their parent
    with django_assert_max_num_queries(5):
        rows = client.get("/api/units?province=tinh-mau").json()
    by_code = {row["code"]: row for row in rows}
    assert by_code["xa-a"] == {
        "id": commune.pk,
        "code": "xa-a",
        "name": "UBND xã A",
        "level": "xa",
        "parent": {"id": cast.noi_vu.pk, "code": "so-noi-vu", "name": "Sở Nội vụ"},
        "attributes": {},
        "aliases": ["Xã A cũ"],
        "active_from": None,
        "active_until": None,
    }
    assert by_code["so-noi-vu"]["attributes"] == {"has_online_public_services": True}
    assert by_code["so-noi-vu"]["parent"] is None


def test_khoa_reads_his_own_province(cast: Cast):
    Unit.objects.create(province=cast.other_province, code="so-x", name="Sở X", level="so")
    rows = cast.client(cast.khoa).get("/api/units?province=tinh-khac").json()
    assert [row["code"] for row in rows] == ["so-x"]
