"""/don-vi/: the registry of the user's provinces, by level."""

from __future__ import annotations

import pytest

from portal.units.models import Unit
from tests.portal.conftest import Cast
from tests.portal.units.conftest import LOGIN, MEMBERS


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast):
    response = cast.client(None).get("/don-vi/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("who", MEMBERS)
def test_it_lists_the_units_of_the_province_to_every_member(cast: Cast, who):
    page = cast.client(getattr(cast, who)).get("/don-vi/").content.decode()
    assert "Sở Nội vụ" in page and "Sở Tư pháp" in page
    assert "Sở, ban, ngành" in page  # the level's name


def test_it_shows_an_outsider_nothing_of_the_province(cast: Cast):
    page = cast.client(cast.khoa).get("/don-vi/").content.decode()
    assert "Sở Nội vụ" not in page
    assert "Tỉnh Mẫu" not in page


@pytest.mark.parametrize(
    ("who", "sees_admin_links"), [("quang", True), ("hoa", False), ("lan", False)]
)
def test_it_offers_writes_to_the_office_admin_only(cast: Cast, who, sees_admin_links):
    page = cast.client(getattr(cast, who)).get("/don-vi/").content.decode()
    assert ("Thêm đơn vị" in page) is sees_admin_links
    assert ("Nhập từ Excel" in page) is sees_admin_links


def test_it_groups_units_by_level_with_parents_and_attributes(cast: Cast):
    district = Unit.objects.create(
        province=cast.province, code="huyen-a", name="UBND huyện A", level="huyen"
    )
    Unit.objects.create(
        province=cast.province,
        code="xa-a1",
        name="UBND xã A1",
        level="xa",
        parent=district,
        attributes={"has_online_public_services": True, "dan_so": 12500},
        aliases=["Xã A1"],
    )
    page = cast.client(cast.hoa).get("/don-vi/").content.decode()
    assert "UBND huyện, thị xã, thành phố" in page and "UBND xã, phường, thị trấn" in page
    assert "dan_so=12500; has_online_public_services=true" in page
    assert "Xã A1" in page


def test_it_reads_the_registry_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries
):
    for n in range(30):
        Unit.objects.create(
            province=cast.province,
            code=f"xa-{n}",
            name=f"UBND xã {n}",
            level="xa",
            parent=cast.noi_vu,
        )
    client = cast.client(cast.quang)
    # session, user, the navigation's memberships, the registry's memberships, units with
    # parents, predecessor links, successor links
    with django_assert_max_num_queries(8):
        assert client.get("/don-vi/").status_code == 200
