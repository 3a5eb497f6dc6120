"""The units in a campaign's scope: all units of a level in the province or a selection,
added while the campaign is prepared or open, removed only while it is prepared."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.audit.models import AuditEntry
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit, HistoricResult
from portal.campaigns.services import campaign_units_add
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.portal.campaigns.conftest import REFUSED, person, snapshot


def in_scope(campaign) -> list[str]:
    return sorted(campaign.units.values_list("unit__name", flat=True))


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_adding_refuses_everyone_but_the_provinces_office_admin(cast, draft, who, status):
    client = cast.client(person(cast, who))
    url = f"/dot-danh-gia/{draft.pk}/don-vi/"
    assert client.get(url).status_code == status
    assert client.post(url, {"level": "so", "everyone": "on"}).status_code == status
    assert in_scope(draft) == []


def test_the_office_admin_adds_every_unit_of_the_level(cast, draft):
    Unit.objects.create(province=cast.province, code="ubnd-xa-a", name="UBND xã A", level="xa")
    Unit.objects.create(
        province=cast.province,
        code="so-cu",
        name="Sở đã giải thể",
        level="so",
        active_until=date(2024, 12, 31),
    )
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{draft.pk}/don-vi/", {"level": "so", "everyone": "on"}
    )
    assert response.url == f"/dot-danh-gia/{draft.pk}/"
    assert in_scope(draft) == ["Sở Nội vụ", "Sở Tư pháp"]
    assert draft.events.get().note == "Sở Nội vụ, Sở Tư pháp"


def test_the_office_admin_adds_a_selection(cast, draft):
    cast.client(cast.quang).post(
        f"/dot-danh-gia/{draft.pk}/don-vi/", {"level": "so", "units": [cast.tu_phap.pk]}
    )
    assert in_scope(draft) == ["Sở Tư pháp"]
    # Adding everyone afterwards adds the others and leaves the first where it is.
    campaign_units_add(campaign=draft, level="so", units=None, user=cast.quang)
    assert in_scope(draft) == ["Sở Nội vụ", "Sở Tư pháp"]


def test_choosing_nothing_is_refused_clearly(cast, draft):
    response = cast.client(cast.quang).post(f"/dot-danh-gia/{draft.pk}/don-vi/", {"level": "so"})
    assert "Hãy chọn đơn vị, hoặc chọn tất cả đơn vị của khối." in response.content.decode()
    assert in_scope(draft) == []


def test_a_unit_of_another_level_or_province_is_refused_by_name(cast, draft):
    commune = Unit.objects.create(province=cast.province, code="xa-a", name="UBND xã A", level="xa")
    foreign = Unit.objects.create(
        province=cast.other_province, code="so-nv", name="Sở Nội vụ tỉnh Khác", level="so"
    )
    before = snapshot(draft)
    with pytest.raises(ValidationError) as error:
        campaign_units_add(
            campaign=draft, level="so", units=[cast.noi_vu, commune, foreign], user=cast.quang
        )
    assert error.value.messages == [
        "Không thuộc khối Sở, ban, ngành của Tỉnh Mẫu: UBND xã A, Sở Nội vụ tỉnh Khác."
    ]
    assert snapshot(draft) == before


def test_a_level_the_campaign_does_not_have_is_refused(cast, draft):
    with pytest.raises(ValidationError, match="Đợt đánh giá chưa có khối “xa”"):
        campaign_units_add(campaign=draft, level="xa", units=None, user=cast.quang)


def test_no_unit_joins_a_campaign_being_appraised(cast):
    cast.campaign.state = CampaignState.IN_APPRAISAL
    cast.campaign.save()
    extra = Unit.objects.create(province=cast.province, code="so-y-te", name="Sở Y tế", level="so")
    with pytest.raises(ValidationError, match="Không thể thêm đơn vị khi đợt đánh giá"):
        campaign_units_add(campaign=cast.campaign, level="so", units=[extra], user=cast.quang)
    assert "Sở Y tế" not in in_scope(cast.campaign)


def test_a_new_unit_carries_last_years_class(cast, draft):
    past = Campaign.objects.create(
        province=cast.province,
        year=2025,
        title="Kết quả 2025",
        historic=True,
        state=CampaignState.PUBLISHED,
    )
    CampaignLevel.objects.create(campaign=past, level="so", name="Sở", framework=cast.framework)
    campaign_unit = CampaignUnit.objects.create(campaign=past, unit=cast.noi_vu, level="so")
    HistoricResult.objects.create(
        campaign_unit=campaign_unit,
        rank=1,
        total=Decimal("95"),
        applicable_max=Decimal("100"),
        value=Decimal("95"),
        class_label="Tốt",
        source_table="bang.xlsx",
    )
    campaign_units_add(campaign=draft, level="so", units=None, user=cast.quang)
    classes = dict(draft.units.values_list("unit__name", "previous_class"))
    assert classes == {"Sở Nội vụ": "Tốt", "Sở Tư pháp": ""}


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_removing_refuses_everyone_but_the_provinces_office_admin(cast, draft, who, status):
    [campaign_unit] = campaign_units_add(
        campaign=draft, level="so", units=[cast.noi_vu], user=cast.quang
    )
    url = f"/dot-danh-gia/{draft.pk}/don-vi/{campaign_unit.pk}/bo/"
    assert cast.client(person(cast, who)).post(url).status_code == status
    assert in_scope(draft) == ["Sở Nội vụ"]


def test_the_office_admin_removes_a_unit_while_preparing(cast, draft):
    [campaign_unit] = campaign_units_add(
        campaign=draft, level="so", units=[cast.noi_vu], user=cast.quang
    )
    client = cast.client(cast.quang)
    assert client.get(f"/dot-danh-gia/{draft.pk}/don-vi/{campaign_unit.pk}/bo/").status_code == 405
    response = client.post(f"/dot-danh-gia/{draft.pk}/don-vi/{campaign_unit.pk}/bo/", follow=True)
    assert "Đã bỏ Sở Nội vụ khỏi đợt đánh giá." in response.content.decode()
    assert in_scope(draft) == []
    assert draft.events.latest("pk").note == "Sở Nội vụ"


def test_a_unit_stays_once_the_campaign_is_open(cast):
    url = f"/dot-danh-gia/{cast.campaign.pk}/don-vi/{cast.noi_vu_campaign_unit.pk}/bo/"
    response = cast.client(cast.quang).post(url, follow=True)
    assert (
        "Không thể bỏ đơn vị khỏi đợt khi đợt đánh giá đang ở trạng thái “Đang tự đánh giá”."
        in response.content.decode()
    )
    assert in_scope(cast.campaign) == ["Sở Nội vụ", "Sở Tư pháp"]


def test_a_unit_of_another_campaign_is_404(cast, draft):
    url = f"/dot-danh-gia/{draft.pk}/don-vi/{cast.noi_vu_campaign_unit.pk}/bo/"
    assert cast.client(cast.quang).post(url).status_code == 404
    assert CampaignUnit.objects.filter(pk=cast.noi_vu_campaign_unit.pk).exists()


def test_the_remove_buttons_show_only_while_preparing(cast, draft):
    campaign_units_add(campaign=draft, level="so", units=None, user=cast.quang)
    assert (
        "Bỏ khỏi đợt" in cast.client(cast.quang).get(f"/dot-danh-gia/{draft.pk}/").content.decode()
    )
    open_page = cast.client(cast.quang).get(f"/dot-danh-gia/{cast.campaign.pk}/").content.decode()
    assert "Bỏ khỏi đợt" not in open_page


@pytest.mark.parametrize("count", [3, 60])
def test_adding_units_costs_the_same_queries_for_3_as_for_60(cast, draft, count):
    """No query per unit: each unit gets its row and its audit entry in bulk (a province
    adds its 3,300 communes at once)."""
    Unit.objects.bulk_create(
        Unit(province=cast.province, code=f"xa-{n}", name=f"UBND xã {n}", level="so")
        for n in range(count - 2)
    )
    with CaptureQueriesContext(connection) as captured:
        added = campaign_units_add(campaign=draft, level="so", units=None, user=cast.quang)
    assert len(added) == count and len(in_scope(draft)) == count
    assert AuditEntry.objects.filter(entity="unit", action="add").count() == count
    assert len(captured) <= QUERIES_TO_ADD, "\n".join(q["sql"] for q in captured.captured_queries)
    assert [e.unit_id for e in AuditEntry.objects.filter(entity="unit").order_by("pk")] == [
        u.unit_id for u in added
    ]


QUERIES_TO_ADD = 20  # 17 measured for 3 units and for 60 alike; it was 9 a unit
