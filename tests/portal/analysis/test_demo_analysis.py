"""The demo `make run` serves, analysed: Bình Phước's 2025 campaign (in appraisal, round 1
returned) is read as it stands, beside its published 2024 results, through the 2025
framework's declared correspondence (xa_hoi_so continues 2024's hoat_dong_xa_hoi_so)."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from tests.portal.analysis.test_views import rows
from tests.portal.conftest import Demo, sign_in


@pytest.mark.django_db
def test_bình_phước_2025_is_compared_with_2024_across_two_frameworks(demo: Demo):
    campaign = Campaign.objects.get(historic=False, province__code="binh-phuoc")
    client = sign_in(Client(), User.objects.get(username="phuoc"))
    html = client.get(f"/phan-tich/dot/{campaign.pk}/").content.decode()
    assert "vòng thẩm định 1" in html  # live: round 1's values
    trends = {
        row[0]: row for row in rows(html[html.index('id="overview-trends"') :], "trends-table")
    }
    assert trends["Xã hội số"][4] == "đổi tên từ “Hoạt động xã hội số”"
    assert trends["Nhận thức số"][4] == "cùng chỉ số" and trends["Nhận thức số"][2].endswith("%")
    assert "Hạ tầng số" in html[html.index("Chỉ số năm trước không còn:") :]
    past = client.get(f"/phan-tich/dot/{campaign.pk}/nam-truoc/").content.decode()
    assert len(rows(past, "past-table")) > 10
