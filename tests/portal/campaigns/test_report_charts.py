"""The report's charts on the campaign's page: per level, units per class and each main
index's average, as PNG images served to whoever may read the campaign."""

from __future__ import annotations

import pytest

from portal.campaigns.models import Campaign
from portal.workflow import CampaignState
from tests.portal.campaigns.conftest import person
from tests.portal.campaigns.test_report_download import published  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n"


def chart(campaign: Campaign, kind: str, level: str = "so") -> str:
    return f"/dot-danh-gia/{campaign.pk}/bieu-do/{level}/{kind}.png"


@pytest.mark.parametrize("who", ["quang", "hoa", "hung", "lan", "minh", "thao"])
def test_members_see_the_charts(cast, published, who):  # noqa: F811
    client = cast.client(getattr(cast, who))
    for kind in ("classes", "indices"):
        response = client.get(chart(published, kind))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response.content.startswith(PNG)
        assert "private" in response["Cache-Control"]
    page = client.get(f"/dot-danh-gia/{published.pk}/").content.decode()
    assert f'src="{chart(published, "classes")}"' in page
    assert f'src="{chart(published, "indices")}"' in page


@pytest.mark.parametrize("who", [None, "khoa"], ids=["anonymous", "khoa-other-province"])
def test_outsiders_learn_nothing_of_an_unpublished_campaign(cast, published, who):  # noqa: F811
    Campaign.objects.filter(pk=published.pk).update(state=CampaignState.FINALIZED)
    client = cast.client(person(cast, who))
    for kind in ("classes", "indices"):
        assert client.get(chart(published, kind)).status_code == 404


def test_the_live_charts_are_the_provinces_only(cast, published):  # noqa: F811
    """The public sees the published version's charts (portal.public), never these."""
    assert cast.client(None).get(chart(published, "classes")).status_code == 404
    response = cast.client(cast.hoa).get(chart(published, "classes"))
    assert response.status_code == 200 and response.content.startswith(PNG)


def test_an_unknown_level_or_kind_is_not_found(cast, published):  # noqa: F811
    client = cast.client(cast.quang)
    assert client.get(chart(published, "classes", level="xa")).status_code == 404
    assert client.get(chart(published, "pie")).status_code == 404


def test_a_campaign_without_results_has_no_charts(cast):
    client = cast.client(cast.quang)
    page = client.get(f"/dot-danh-gia/{cast.campaign.pk}/").content.decode()
    assert "/bieu-do/" not in page
    assert client.get(chart(cast.campaign, "classes")).status_code == 404


def test_a_units_profile_is_linked_from_the_page_and_served(cast, published):  # noqa: F811
    client = cast.client(cast.quang)
    profile = chart(published, "unit-so-noi-vu")
    assert f'href="{profile}"' in client.get(f"/dot-danh-gia/{published.pk}/").content.decode()
    response = client.get(profile)
    assert response.status_code == 200 and response.content.startswith(PNG)
    assert client.get(chart(published, "unit-khong-co")).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lan", 200),
        ("minh", 200),
        ("hung", 200),
        ("hoa", 200),
        ("quang", 200),
        ("thao", 404),
        ("khoa", 404),
    ],
)
def test_before_publication_a_units_profile_is_for_who_may_see_the_unit(
    cast,
    published,  # noqa: F811
    who,
    status,
):
    Campaign.objects.filter(pk=published.pk).update(state=CampaignState.FINALIZED)
    response = cast.client(person(cast, who)).get(chart(published, "unit-so-noi-vu"))
    assert response.status_code == status
