"""Creating and editing a unit: the office admin only, through the services' checks."""

from __future__ import annotations

from datetime import date

import pytest

from portal.units.models import Unit
from tests.portal.conftest import Cast
from tests.portal.units.conftest import LOGIN, READ_ONLY

CREATE = "/don-vi/tinh/tinh-mau/them/"


def form(**overrides: str) -> dict[str, str]:
    data = {
        "code": "xa-an-nhon", "name": "UBND xã An Nhơn", "level": "xa", "parent": "",
        "attributes": "has_online_public_services = true\ndan_so = 12500\nty_le = 3,5\nvung = miền núi",
        "aliases": "Xã An Nhơn\nUBND xã An Nhơn (mới)", "active_from": "01/07/2025",
        "active_until": "",
    }  # fmt: skip
    return data | overrides


def edit_url(unit: Unit) -> str:
    return f"/don-vi/{unit.pk}/sua/"


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast, unchanged, method):
    for url in (CREATE, edit_url(cast.noi_vu)):
        response = getattr(cast.client(None), method)(url, form())
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((r, 403) for r in READ_ONLY), ("khoa", 404)])
def test_it_refuses_everyone_but_the_office_admin(cast: Cast, unchanged, who, status):
    client = cast.client(getattr(cast, who))
    assert client.get(CREATE).status_code == status
    assert client.post(CREATE, form()).status_code == status
    assert client.get(edit_url(cast.noi_vu)).status_code == status
    assert client.post(edit_url(cast.noi_vu), form(code="so-noi-vu")).status_code == status


def test_it_answers_404_for_a_province_that_does_not_exist(cast: Cast):
    assert cast.client(cast.quang).get("/don-vi/tinh/khong-co/them/").status_code == 404


def test_the_office_admin_creates_a_unit(cast: Cast):
    response = cast.client(cast.quang).post(CREATE, form(parent=str(cast.noi_vu.pk)))
    unit = Unit.objects.get(code="xa-an-nhon")
    assert response.status_code == 302 and response["Location"] == f"/don-vi/{unit.pk}/"
    assert unit.province == cast.province and unit.parent == cast.noi_vu
    assert unit.attributes == {
        "has_online_public_services": True,
        "dan_so": 12500,
        "ty_le": 3.5,
        "vung": "miền núi",
    }
    assert unit.aliases == ["Xã An Nhơn", "UBND xã An Nhơn (mới)"]
    assert unit.active_from == date(2025, 7, 1) and unit.active_until is None


def test_the_office_admin_edits_a_unit(cast: Cast):
    data = form(
        code="so-noi-vu",
        name="Sở Nội vụ (mới)",
        level="so",
        active_until="30/06/2025",
        active_from="",
    )
    response = cast.client(cast.quang).post(edit_url(cast.noi_vu), data)
    assert response.status_code == 302
    cast.noi_vu.refresh_from_db()
    assert cast.noi_vu.name == "Sở Nội vụ (mới)" and cast.noi_vu.active_until == date(2025, 6, 30)


def test_the_edit_form_shows_the_unit_as_typed(cast: Cast):
    cast.noi_vu.attributes = {"has_online_public_services": True, "ty_le": 3.5}
    cast.noi_vu.active_from = date(2020, 1, 1)
    cast.noi_vu.save()
    page = cast.client(cast.quang).get(edit_url(cast.noi_vu)).content.decode()
    assert "has_online_public_services = true\nty_le = 3,5" in page
    assert "01/01/2020" in page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"code": "so-tu-phap"}, "Mã đơn vị “so-tu-phap” đã có trong tỉnh."),
    ({"code": "xã an nhơn"}, "Mã chỉ gồm chữ cái không dấu, chữ số, dấu - và dấu _"),
    ({"name": ""}, "Trường này là bắt buộc"),
    ({"level": "cấp xã"}, "Mã khối chỉ gồm chữ cái không dấu"),
    ({"attributes": "co dich vu = true"}, "tên thuộc tính “co dich vu”"),
    ({"attributes": "has_online_public_services"}, "phải có dạng tên = giá trị"),
    ({"attributes": "a = 1\na = 2"}, "thuộc tính “a” bị lặp lại"),
    ({"aliases": "Xã A; Xã B"}, "Tên khác không được chứa dấu “;”"),
    ({"active_from": "31/02/2025"}, "Ngày không hợp lệ (cần dạng dd/mm/yyyy)."),
    ({"active_from": "01/07/2025", "active_until": "30/06/2025"}, "Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động."),
    ({"active_from": "01/01/0001"}, "Ngày 01/01/0001 nằm ngoài khoảng năm 1900–2100"),
    ({"active_until": "31/12/9999"}, "Ngày 31/12/9999 nằm ngoài khoảng năm 1900–2100"),
])  # fmt: skip
def test_it_refuses_bad_input_with_a_clear_message_and_changes_nothing(
    cast: Cast, unchanged, overrides, message
):
    response = cast.client(cast.quang).post(CREATE, form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_offers_only_units_of_the_same_province_as_parent(cast: Cast, unchanged):
    elsewhere = Unit.objects.create(
        province=cast.other_province, code="so-khac", name="Sở Khác", level="so"
    )
    response = cast.client(cast.quang).post(CREATE, form(parent=str(elsewhere.pk)))
    assert response.status_code == 200
    assert "Sở Khác" not in response.content.decode()
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    elsewhere.delete()


def test_it_refuses_a_cycle_of_parents(cast: Cast):
    child = Unit.objects.create(
        province=cast.province, code="phong", name="Phòng", level="phong", parent=cast.noi_vu
    )
    response = cast.client(cast.quang).post(
        edit_url(cast.noi_vu), form(code="so-noi-vu", parent=str(child.pk))
    )
    assert (
        "không được là chính đơn vị này hoặc một đơn vị cấp dưới của nó"
        in response.content.decode()
    )
    cast.noi_vu.refresh_from_db()
    assert cast.noi_vu.parent is None
