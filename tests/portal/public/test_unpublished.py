"""Nothing unpublished is public: results awaiting leadership's approval, results leadership
refused, a correction still awaiting approval and a campaign never published answer 404 on
every public page, and appear on no landing, province or search page."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.portal.public.conftest import (
    Published,
    make_province,
    make_units,
    publish_year,
    published_province,
)
from tests.portal.public.reading import get, rows, text

from portal.accounts.models import Membership, User
from portal.campaigns.models import CampaignUnit
from portal.publication.corrections import result_correct
from portal.publication.models import PublicationSettings, Version
from portal.publication.services import publication_refuse, publication_request
from portal.roles import Role

TAILS = [
    "",
    "phien-ban-1/",
    "so/",
    "so/nhom-co_dvctt/",
    "so/chi-so-the_che_so/",
    "so/don-vi/so-001/",
    "so/so-sanh/?don-vi=so-001&don-vi=so-002",
    "phuong-phap/",
    "dinh-chinh/",
    "phien-ban-1/so/don-vi/so-001/",
]


def unpublished(how: str) -> Published:
    province, admin = make_province()
    units = make_units(province, 4)
    if how == "never":
        return Published(
            province, admin, units, publish_year(province, admin, units, publish=False)
        )
    PublicationSettings.objects.create(province=province, approval_required=True)
    campaign = publish_year(province, admin, units)  # a request, waiting for leadership
    assert Version.objects.get(campaign=campaign).is_pending
    if how == "refused":
        leader = User.objects.create_user(username="lanh-dao", full_name="Lãnh đạo tỉnh")
        Membership.objects.create(user=leader, province=province, role=Role.LEADERSHIP)
        publication_refuse(
            version=Version.objects.get(campaign=campaign), user=leader, note="Chưa đủ căn cứ"
        )
    return Published(province, admin, units, campaign)


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["pending", "refused", "never"])
def test_unpublished_results_are_not_found_anywhere(how: str):
    results = unpublished(how)
    client = Client()
    for tail in TAILS:
        get(client, results.url(tail), 404)
    get(client, "/ket-qua/tinh-thu/", 404)
    assert "Tỉnh Thử" not in text(get(client, "/ket-qua/"))
    assert "Không tìm thấy đơn vị nào" in text(get(client, "/ket-qua/tim-kiem/?q=thu+nghiem"))


@pytest.mark.django_db
def test_a_correction_awaiting_approval_stays_out_of_sight():
    published = published_province(4)
    PublicationSettings.objects.create(province=published.province, approval_required=True)
    campaign_unit = CampaignUnit.objects.get(campaign=published.campaign, unit=published.units[0])
    result_correct(
        campaign_unit=campaign_unit,
        scores={"nhan_thuc_so": "1"},
        reason="Sửa lỗi in",
        user=published.admin,
    )
    publication_request(campaign=published.campaign, user=published.admin, change_note="Sửa lỗi in")
    client = Client()
    get(client, published.url("phien-ban-2/"), 404)
    get(client, published.url("phien-ban-2/so/don-vi/so-001/"), 404)
    html = get(client, published.url())
    assert "Phiên bản 1" in text(html) and "Đã được thay thế" not in text(html)
    assert "Chưa có đính chính nào" in text(get(client, published.url("dinh-chinh/")))
    unit = {r["Chỉ số chính"]: r for r in rows(get(client, published.url("so/don-vi/so-001/")))}
    assert unit["Nhận thức số"]["Điểm"] != "1"
