"""The units a person works on (for the home page and /tu-danh-gia/), without N+1 queries."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from portal.accounts.models import Membership, User
from portal.assessments.selectors import own_campaign_units
from portal.campaigns.models import Campaign, CampaignUnit
from portal.roles import Role
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.portal.conftest import Cast


@pytest.mark.parametrize(
    ("who", "units"),
    [
        ("lan", ["Sở Nội vụ"]),
        ("minh", ["Sở Nội vụ"]),
        ("thao", ["Sở Tư pháp"]),
        ("hung", []),
        ("hoa", []),
        ("quang", []),
        ("khoa", []),
    ],
)
def test_it_lists_the_units_the_person_reports_or_approves_for(cast: Cast, who, units):
    campaign_units = own_campaign_units(getattr(cast, who))
    assert [campaign_unit.unit.name for campaign_unit in campaign_units] == units


def test_anonymous_visitors_have_no_units(cast: Cast):
    from django.contrib.auth.models import AnonymousUser

    assert list(own_campaign_units(AnonymousUser())) == []


def test_campaigns_not_yet_opened_are_left_out(cast: Cast):
    cast.campaign.state = CampaignState.DRAFT
    cast.campaign.save()
    assert list(own_campaign_units(cast.lan)) == []


def test_the_page_lists_many_units_in_a_few_queries(cast: Cast, django_assert_max_num_queries):
    """A reporter for 20 units: session, user, the entries with campaign, unit and submission
    in one query, plus the layout's memberships."""
    for number in range(20):
        unit = Unit.objects.create(
            province=cast.province, code=f"don-vi-{number}", name=f"Đơn vị {number}", level="so"
        )
        CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
        Membership.objects.create(
            user=cast.lan, province=cast.province, role=Role.REPORTER, unit=unit
        )
    client = cast.client(cast.lan)
    with django_assert_max_num_queries(5):
        response = client.get("/tu-danh-gia/")
    page = response.content.decode()
    assert page.count("Còn thiếu gì?") == 21
    assert "Chưa bắt đầu" in page


def test_the_page_asks_anonymous_visitors_to_log_in(cast: Cast):
    response = cast.client(None).get("/tu-danh-gia/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_the_home_snippet_links_the_form_and_the_status_page(cast: Cast):
    html = render_to_string(
        "assessments/_my_entries.html", {"my_campaign_units": own_campaign_units(cast.lan)}
    )
    assert f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/" in html
    assert f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/tinh-trang/" in html
    assert "Sở Nội vụ" in html and "Sở Tư pháp" not in html


def test_the_snippet_shows_a_later_extension_as_the_deadline(cast: Cast):
    from datetime import timedelta

    campaign_unit = cast.noi_vu_campaign_unit
    campaign_unit.extension_until = cast.campaign.self_assessment_deadline + timedelta(days=2)
    campaign_unit.save()
    html = render_to_string(
        "assessments/_my_entries.html", {"my_campaign_units": own_campaign_units(cast.lan)}
    )
    assert "(gia hạn)" in html


def test_historic_campaigns_are_left_out(cast: Cast):
    old = Campaign.objects.create(
        province=cast.province,
        year=2023,
        title="Kết quả 2023",
        state=CampaignState.PUBLISHED,
        historic=True,
    )
    CampaignUnit.objects.create(campaign=old, unit=cast.noi_vu, level="so")
    assert [e.campaign for e in own_campaign_units(cast.lan)] == [cast.campaign]


def test_a_person_holding_both_roles_sees_the_unit_once(cast: Cast):
    Membership.objects.create(
        user=cast.lan, province=cast.province, role=Role.APPROVER, unit=cast.noi_vu
    )
    assert len(own_campaign_units(cast.lan)) == 1
    assert isinstance(cast.lan, User)
