"""Recording and removing lineage (merged into / split from / renamed): office admin only."""

from __future__ import annotations

from datetime import date

import pytest

from portal.units.models import Lineage, Unit
from tests.portal.conftest import Cast
from tests.portal.units.conftest import LOGIN, READ_ONLY

CREATE = "/don-vi/tinh/tinh-mau/ke-thua/them/"


@pytest.fixture
def so_moi(cast: Cast) -> Unit:
    return Unit.objects.create(
        province=cast.province, code="so-noi-vu-moi", name="Sở Nội vụ (sau sáp nhập)", level="so"
    )


def form(cast: Cast, to: Unit, **overrides: str) -> dict[str, str]:
    data = {
        "predecessor": str(cast.noi_vu.pk), "kind": "merged_into", "successor": str(to.pk),
        "effective": "01/03/2025", "note": "Quyết định số 120/QĐ-UBND",
    }  # fmt: skip
    return data | overrides


@pytest.fixture
def link(cast: Cast, so_moi: Unit) -> Lineage:
    return Lineage.objects.create(
        predecessor=cast.noi_vu, successor=so_moi, kind="merged_into", effective=date(2025, 3, 1)
    )


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast, so_moi, link, unchanged):
    for response in (
        cast.client(None).get(CREATE),
        cast.client(None).post(CREATE, form(cast, so_moi)),
        cast.client(None).post(f"/don-vi/ke-thua/{link.pk}/xoa/"),
    ):
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((r, 403) for r in READ_ONLY), ("khoa", 404)])
def test_it_refuses_everyone_but_the_office_admin(cast: Cast, so_moi, link, unchanged, who, status):
    client = cast.client(getattr(cast, who))
    assert client.get(CREATE).status_code == status
    assert client.post(CREATE, form(cast, so_moi, kind="renamed")).status_code == status
    assert client.post(f"/don-vi/ke-thua/{link.pk}/xoa/").status_code == status


def test_the_office_admin_records_a_merger(cast: Cast, so_moi):
    response = cast.client(cast.quang).post(CREATE, form(cast, so_moi))
    assert response.status_code == 302
    link = Lineage.objects.get()
    assert (link.predecessor, link.successor, link.kind) == (cast.noi_vu, so_moi, "merged_into")
    assert link.effective == date(2025, 3, 1) and link.note == "Quyết định số 120/QĐ-UBND"


def test_the_form_starts_from_the_unit_it_was_opened_from(cast: Cast):
    page = cast.client(cast.quang).get(f"{CREATE}?truoc={cast.tu_phap.pk}").content.decode()
    assert f'<option value="{cast.tu_phap.pk}" selected>' in page


def test_the_office_admin_removes_a_link(cast: Cast, link):
    response = cast.client(cast.quang).post(f"/don-vi/ke-thua/{link.pk}/xoa/")
    assert response.status_code == 302 and not Lineage.objects.exists()


def test_removing_is_a_post(cast: Cast, link):
    assert cast.client(cast.quang).get(f"/don-vi/ke-thua/{link.pk}/xoa/").status_code == 405
    assert Lineage.objects.exists()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"successor": "self"}, "Một đơn vị không thể kế thừa chính nó."),
    ({"effective": "2025"}, "Ngày không hợp lệ (cần dạng dd/mm/yyyy)."),
    ({"effective": ""}, "Trường này là bắt buộc"),
    ({"kind": "absorbed"}, "Hãy chọn một lựa chọn hợp lệ"),
])  # fmt: skip
def test_it_refuses_bad_input_and_changes_nothing(
    cast: Cast, so_moi, unchanged, overrides, message
):
    if overrides.get("successor") == "self":
        overrides = overrides | {"successor": str(cast.noi_vu.pk)}
    response = cast.client(cast.quang).post(CREATE, form(cast, so_moi, **overrides))
    assert response.status_code == 200 and message in response.content.decode()


def test_it_refuses_the_same_link_twice(cast: Cast, so_moi, link, unchanged):
    response = cast.client(cast.quang).post(CREATE, form(cast, so_moi))
    assert "Quan hệ kế thừa này đã được ghi nhận." in response.content.decode()
