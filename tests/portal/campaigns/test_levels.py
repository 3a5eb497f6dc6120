"""Adding a level to a campaign: a framework version of the same province, made for that
level, while the campaign is being prepared."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.campaigns.services import campaign_level_add
from portal.frameworks.models import FrameworkVersion
from tests.portal.campaigns.conftest import REFUSED, person, snapshot
from tests.portal.conftest import framework_document


def framework(cast, province=None, level="xa", code="mau-2026-xa") -> FrameworkVersion:
    return FrameworkVersion.objects.create(
        province=province or cast.province,
        year=2026,
        level=level,
        code=code,
        name="Bộ chỉ số cấp xã 2026",
        document=framework_document(),
    )


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_it_refuses_everyone_but_the_provinces_office_admin(cast, draft, who, status):
    version = framework(cast)
    client = cast.client(person(cast, who))
    url = f"/dot-danh-gia/{draft.pk}/khoi/"
    before = snapshot(draft)
    assert client.get(url).status_code == status
    data = {"level": "xa", "name": "UBND xã", "framework": version.pk}
    assert client.post(url, data).status_code == status
    assert snapshot(draft) == before


def test_the_office_admin_adds_a_level_with_its_framework(cast, draft):
    version = framework(cast)
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{draft.pk}/khoi/",
        {"level": "xa", "name": "UBND xã, phường", "framework": version.pk},
    )
    assert response.url == f"/dot-danh-gia/{draft.pk}/"
    level = draft.levels.get(level="xa")
    assert (level.name, level.framework) == ("UBND xã, phường", version)
    # the change log names the level, not its code "(xa)"
    assert draft.events.get().note == "UBND xã, phường: Bộ chỉ số cấp xã 2026"
    html = cast.client(cast.quang).get(f"/dot-danh-gia/{draft.pk}/").content.decode()
    assert "UBND xã, phường: Bộ chỉ số cấp xã 2026" in html and "(xa)" not in html


def test_a_framework_made_for_another_level_is_refused(cast, draft):
    version = framework(cast, level="huyen")
    before = snapshot(draft)
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{draft.pk}/khoi/",
        {"level": "xa", "name": "UBND xã", "framework": version.pk},
    )
    assert (
        "Bộ chỉ số “Bộ chỉ số cấp xã 2026” dành cho khối “huyen”, không phải khối “xa”."
        in response.content.decode()
    )
    assert snapshot(draft) == before


def test_a_framework_of_another_province_is_not_offered_nor_accepted(cast, draft):
    version = framework(cast, province=cast.other_province)
    url = f"/dot-danh-gia/{draft.pk}/khoi/"
    assert "Bộ chỉ số cấp xã 2026" not in cast.client(cast.quang).get(url).content.decode()
    before = snapshot(draft)
    with pytest.raises(ValidationError, match="không thuộc Tỉnh Mẫu"):
        campaign_level_add(
            campaign=draft, level="xa", name="xã", framework=version, user=cast.quang
        )
    assert snapshot(draft) == before


def test_a_level_is_added_once(cast, draft):
    with pytest.raises(ValidationError, match="Đợt đánh giá đã có khối “so”"):
        campaign_level_add(
            campaign=draft, level="so", name="Sở", framework=cast.framework, user=cast.quang
        )


def test_levels_are_fixed_once_the_campaign_is_open(cast):
    version = framework(cast)
    before = snapshot(cast.campaign)
    with pytest.raises(ValidationError, match="Không thể thêm khối khi đợt đánh giá đang ở"):
        campaign_level_add(
            campaign=cast.campaign, level="xa", name="xã", framework=version, user=cast.quang
        )
    assert snapshot(cast.campaign) == before
