"""A deadline in year 0001 (or 9999) is refused with a clear message: stored, 0001-01-01 in
Asia/Ho_Chi_Minh cannot be moved to UTC and the save answered 500."""

from __future__ import annotations

import html

import pytest

from portal.campaigns.models import Campaign


@pytest.mark.parametrize("typed", ["01/01/0001 17:00", "01/01/0001", "31/12/9999 23:59"])
def test_a_deadline_outside_1900_to_2100_is_refused_and_no_campaign_is_made(cast, typed):
    data = {
        "province": cast.province.pk, "year": 2026, "title": "Đánh giá chuyển đổi số năm 2026",
        "self_assessment_deadline": typed, "source": "Kế hoạch số 12/KH-UBND",
    }  # fmt: skip
    response = cast.client(cast.quang).post("/dot-danh-gia/tao/", data)
    assert response.status_code == 200
    assert "nằm ngoài khoảng năm 1900–2100" in html.unescape(response.content.decode())
    assert not Campaign.objects.filter(year=2026).exists()
