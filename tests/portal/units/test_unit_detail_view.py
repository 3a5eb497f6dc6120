"""/don-vi/<pk>/: a unit with its attributes, parent, children and lineage."""

from __future__ import annotations

from datetime import date

import pytest

from portal.units.models import Lineage, Unit
from tests.portal.conftest import Cast
from tests.portal.units.conftest import LOGIN, MEMBERS


def url(unit: Unit) -> str:
    return f"/don-vi/{unit.pk}/"


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast):
    response = cast.client(None).get(url(cast.noi_vu))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((m, 200) for m in MEMBERS), ("khoa", 404)])
def test_it_shows_a_unit_to_members_of_its_province_only(cast: Cast, who, status):
    assert cast.client(getattr(cast, who)).get(url(cast.noi_vu)).status_code == status


def test_it_answers_404_for_a_unit_that_does_not_exist(cast: Cast):
    assert cast.client(cast.quang).get("/don-vi/999999/").status_code == 404


@pytest.fixture
def merged(cast: Cast) -> dict[str, Unit]:
    """Two communes merged in 2019 into B; B and C merged in 2025 into D."""
    units = {
        code: Unit.objects.create(
            province=cast.province, code=code, name=f"UBND xã {code.upper()}", level="xa"
        )
        for code in ("a", "a2", "b", "c", "d")
    }
    for before, after, when in (
        ("a", "b", date(2019, 12, 1)),
        ("a2", "b", date(2019, 12, 1)),
        ("b", "d", date(2025, 7, 1)),
        ("c", "d", date(2025, 7, 1)),
    ):
        Lineage.objects.create(
            predecessor=units[before],
            successor=units[after],
            kind=Lineage.Kind.MERGED_INTO,
            effective=when,
            note="Nghị quyết số 1662/NQ-UBTVQH15" if when.year == 2025 else "",
        )
    return units


def test_it_shows_predecessors_and_successors_with_date_and_legal_basis(cast: Cast, merged):
    page = cast.client(cast.lan).get(url(merged["b"])).content.decode()
    assert "UBND xã A" in page and "UBND xã A2" in page  # predecessors
    assert "UBND xã D" in page  # successor
    assert "01/07/2025" in page and "Nghị quyết số 1662/NQ-UBTVQH15" in page
    assert "Sáp nhập vào" in page


def test_it_follows_the_history_through_several_mergers(cast: Cast, merged):
    page = cast.client(cast.lan).get(url(merged["d"])).content.decode()
    assert "Toàn bộ lịch sử" in page
    assert "01/12/2019: UBND xã A sáp nhập vào UBND xã B" in page
    assert "01/07/2025: UBND xã C sáp nhập vào UBND xã D" in page


def test_it_writes_splits_and_renames_as_sentences(cast: Cast, merged):
    Lineage.objects.create(
        predecessor=merged["d"],
        successor=merged["c"],
        kind=Lineage.Kind.SPLIT_FROM,
        effective=date(2026, 1, 1),
    )
    Lineage.objects.create(
        predecessor=merged["a"],
        successor=merged["c"],
        kind=Lineage.Kind.RENAMED,
        effective=date(2018, 1, 1),
    )
    page = cast.client(cast.lan).get(url(merged["a"])).content.decode()
    assert "UBND xã C tách ra từ UBND xã D" in page
    assert "UBND xã A đổi tên thành UBND xã C" in page


@pytest.mark.parametrize(("who", "sees_edit"), [("quang", True), ("hoa", False), ("lan", False)])
def test_it_offers_edits_to_the_office_admin_only(cast: Cast, who, sees_edit):
    page = cast.client(getattr(cast, who)).get(url(cast.noi_vu)).content.decode()
    assert (f"/don-vi/{cast.noi_vu.pk}/sua/" in page) is sees_edit


def test_it_shows_the_parent_and_the_children(cast: Cast):
    child = Unit.objects.create(
        province=cast.province,
        code="phong",
        name="Phòng Tổ chức",
        level="phong",
        parent=cast.noi_vu,
    )
    assert "Phòng Tổ chức" in cast.client(cast.lan).get(url(cast.noi_vu)).content.decode()
    assert "Sở Nội vụ" in cast.client(cast.lan).get(url(child)).content.decode()
