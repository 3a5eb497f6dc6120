"""The list of campaigns: a member's provinces, or what is published."""

from __future__ import annotations

from portal.campaigns.models import Campaign
from portal.workflow import CampaignState
from tests.portal.conftest import Cast

TITLE = "Đánh giá chuyển đổi số năm 2025"


def listing(cast: Cast, user) -> str:
    response = cast.client(user).get("/dot-danh-gia/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_the_campaigns_of_the_members_province(cast):
    for user in (cast.lan, cast.thao, cast.hung, cast.hoa, cast.quang):
        assert TITLE in listing(cast, user)


def test_it_hides_unpublished_campaigns_from_outsiders_and_anonymous_visitors(cast):
    assert TITLE not in listing(cast, cast.khoa)
    assert TITLE not in listing(cast, None)


def test_anonymous_visitors_see_no_campaign_even_published(cast):
    """Published results are read on the public portal, from their published version."""
    cast.campaign.state = CampaignState.PUBLISHED
    cast.campaign.save()
    assert TITLE not in listing(cast, None)


def test_only_office_admins_are_offered_to_create_or_import(cast):
    assert "Tạo đợt đánh giá" in listing(cast, cast.quang)
    assert "Nhập kết quả đã công bố" in listing(cast, cast.quang)
    for user in (cast.lan, cast.hung, cast.hoa, None):
        assert "Tạo đợt đánh giá" not in listing(cast, user)


def test_the_list_reads_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for year in range(2000, 2025):
        Campaign.objects.create(province=cast.province, year=year, title=f"Đợt {year}")
    client = cast.client(cast.quang)
    # session, user, the provinces where the user is office admin, the campaigns with their
    # province, the navigation's memberships.
    with django_assert_max_num_queries(6):
        assert "Đợt 2000" in client.get("/dot-danh-gia/").content.decode()
