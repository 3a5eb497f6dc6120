"""Publishing Bình Định's imported 2023 results as versions: written once, from the core's
figures, superseded by a correction that says why, approved by leadership where the province
asks for it; the office's and leadership's pages ask before anything irreversible."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from portal.accounts.models import Membership, User
from portal.audit.models import AuditEntry
from portal.campaigns.models import Campaign, CampaignUnit
from portal.campaigns.report import campaign_report_results
from portal.publication.corrections import correction_log, result_correct
from portal.publication.models import PublicationSettings, Version, VersionRow
from portal.publication.selectors import rows_of, version_at
from portal.publication.services import (
    publication_approve,
    publication_refuse,
    publication_request,
)
from portal.publication.snapshot import previous_figures, rebuilt
from portal.roles import Role
from portal.units.models import Lineage, Unit
from portal.workflow import CampaignState
from tests.portal.campaigns.conftest import BinhDinh
from tests.portal.campaigns.test_historic_import import run_import
from tests.portal.conftest import sign_in

pytestmark = pytest.mark.django_db


def leader(bd: BinhDinh) -> User:
    user = User.objects.create_user(username="lanh-dao", full_name="Lê Văn Lãnh")
    Membership.objects.create(user=user, province=bd.province, role=Role.LEADERSHIP)
    return user


def unit_of(campaign: Campaign, code: str) -> CampaignUnit:
    return CampaignUnit.objects.select_related("unit").get(campaign=campaign, unit__code=code)


def test_an_imported_campaign_is_invisible_until_the_office_publishes_it(binhdinh):
    campaign = run_import(binhdinh)
    assert campaign.state == CampaignState.FINALIZED
    assert version_at("binh-dinh", 2023) is None
    version = publication_request(campaign=campaign, user=binhdinh.admin)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.PUBLISHED
    assert version.is_current and version.number == 1
    assert version.approved_by is None  # the province asks for no approval
    assert version_at("binh-dinh", 2023) == version
    actions = AuditEntry.objects.filter(entity="publication").values_list("action", flat=True)
    assert list(actions) == ["request", "publish"]


def test_the_version_holds_the_cores_figures_and_rebuilds_from_itself(binhdinh):
    campaign = run_import(binhdinh)
    version = publication_request(campaign=campaign, user=binhdinh.admin)
    result = campaign_report_results(campaign)["so"]
    expected = result.general.rows(result.scores.unit_ids)
    rows = rows_of(version, "so")
    assert [(r.unit_code, r.rank, r.value, r.class_label or None) for r in rows] == [
        (e.unit, e.rank, e.value, e.class_label) for e in expected
    ]
    assert rows[0].unit_name == "Sở Thông tin và Truyền thông"
    level = version.levels.get()
    _, again = rebuilt("Bình Định", version.context, [(level, rows)])
    assert again["so"].general.rows(again["so"].scores.unit_ids) == expected


def test_a_published_row_is_never_changed(binhdinh):
    version = publication_request(campaign=run_import(binhdinh), user=binhdinh.admin)
    row = VersionRow.objects.filter(version=version).first()
    assert row is not None
    row.unit_name = "Sở khác"
    with pytest.raises(ValueError, match="never changed"):
        row.save()


def test_a_correction_publishes_a_new_version_and_logs_every_change(binhdinh):
    campaign = run_import(binhdinh)
    first = publication_request(campaign=campaign, user=binhdinh.admin)
    noi_vu = unit_of(campaign, "so-noi-vu")
    index = next(iter(noi_vu.historic_result.index_scores))
    before = Decimal(noi_vu.historic_result.index_scores[index])
    result_correct(
        campaign_unit=noi_vu,
        scores={index: str(before - 5)},
        reason="Khiếu nại được chấp nhận",
        user=binhdinh.admin,
    )
    # The public still reads the first version until the office publishes the correction.
    assert version_at("binh-dinh", 2023) == first
    with pytest.raises(ValidationError, match="lý do đính chính"):
        publication_request(campaign=campaign, user=binhdinh.admin)
    second = publication_request(
        campaign=campaign, user=binhdinh.admin, change_note="Sửa điểm Sở Nội vụ"
    )
    first.refresh_from_db()
    assert second.number == 2 and second.is_current
    assert first.superseded_at is not None and not first.is_current
    assert version_at("binh-dinh", 2023) == second
    assert version_at("binh-dinh", 2023, 1) == first  # the old one stays reachable
    (log,) = correction_log(campaign)
    assert (log.version, log.previous) == (second, first)
    mine = [c for c in log.changes if c.unit == "Sở Nội vụ"]
    assert any(
        c.old == f"{before.normalize():f}" and c.new == f"{(before - 5).normalize():f}"
        for c in mine
    )
    assert all(c.figure for c in log.changes)


def test_nothing_changed_is_not_a_correction(binhdinh):
    campaign = run_import(binhdinh)
    publication_request(campaign=campaign, user=binhdinh.admin)
    with pytest.raises(ValidationError, match="không khác"):
        publication_request(campaign=campaign, user=binhdinh.admin, change_note="Không sửa gì")


@pytest.mark.parametrize("bad", ["abc", "-1", "1e9", "NaN", "12.123456", "99999"])
def test_a_correction_outside_the_index_range_changes_nothing(binhdinh, bad):
    campaign = run_import(binhdinh)
    noi_vu = unit_of(campaign, "so-noi-vu")
    before = dict(noi_vu.historic_result.index_scores)
    index = next(iter(before))
    with pytest.raises(ValidationError):
        result_correct(campaign_unit=noi_vu, scores={index: bad}, reason="x", user=binhdinh.admin)
    noi_vu.historic_result.refresh_from_db()
    assert noi_vu.historic_result.index_scores == before


def test_with_approval_leadership_publishes_exactly_what_was_requested(binhdinh):
    PublicationSettings.objects.create(province=binhdinh.province, approval_required=True)
    campaign = run_import(binhdinh)
    boss = leader(binhdinh)
    pending = publication_request(campaign=campaign, user=binhdinh.admin)
    assert pending.is_pending and version_at("binh-dinh", 2023) is None
    with pytest.raises(PermissionDenied):
        publication_approve(version=pending, user=binhdinh.admin)
    publication_approve(version=pending, user=boss)
    pending.refresh_from_db()
    assert pending.is_current and pending.approved_by == boss
    assert version_at("binh-dinh", 2023) == pending


def test_approval_is_refused_when_the_results_changed_since_the_request(binhdinh):
    PublicationSettings.objects.create(province=binhdinh.province, approval_required=True)
    campaign = run_import(binhdinh)
    pending = publication_request(campaign=campaign, user=binhdinh.admin)
    noi_vu = unit_of(campaign, "so-noi-vu")
    index = next(iter(noi_vu.historic_result.index_scores))
    result_correct(campaign_unit=noi_vu, scores={index: "0"}, reason="x", user=binhdinh.admin)
    with pytest.raises(ValidationError, match="đã thay đổi"):
        publication_approve(version=pending, user=leader(binhdinh))
    assert version_at("binh-dinh", 2023) is None


def test_a_refused_request_is_never_public_and_the_office_may_ask_again(binhdinh):
    PublicationSettings.objects.create(province=binhdinh.province, approval_required=True)
    campaign = run_import(binhdinh)
    boss = leader(binhdinh)
    pending = publication_request(campaign=campaign, user=binhdinh.admin)
    with pytest.raises(ValidationError):
        publication_refuse(version=pending, user=boss, note="")
    publication_refuse(version=pending, user=boss, note="Chờ kết luận khiếu nại")
    pending.refresh_from_db()
    assert pending.refused_at is not None and not pending.is_public
    assert version_at("binh-dinh", 2023) is None and version_at("binh-dinh", 2023, 1) is None
    again = publication_request(campaign=campaign, user=binhdinh.admin)
    assert again.number == 2 and again.is_pending


def test_only_the_office_publishes(binhdinh):
    campaign = run_import(binhdinh)
    with pytest.raises(PermissionDenied):
        publication_request(campaign=campaign, user=leader(binhdinh))
    assert not Version.objects.exists()


def page_client(user: User) -> Client:
    return sign_in(Client(), user)


def test_the_office_publishes_from_its_page_after_confirming(binhdinh):
    campaign = run_import(binhdinh)
    client = page_client(binhdinh.admin)
    page = client.get(f"/cong-bo/{campaign.pk}/").content.decode()
    assert "Chưa công bố" in page and f'action="/cong-bo/{campaign.pk}/cong-bo/"' in page
    asked = client.post(f"/cong-bo/{campaign.pk}/cong-bo/", {"change_note": ""})
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    assert not Version.objects.exists()  # asked, nothing done
    client.post(f"/cong-bo/{campaign.pk}/cong-bo/", {"change_note": "", "confirmed": "1"})
    assert version_at("binh-dinh", 2023) is not None


def test_leadership_approves_and_refuses_from_the_page(binhdinh):
    PublicationSettings.objects.create(province=binhdinh.province, approval_required=True)
    campaign = run_import(binhdinh)
    pending = publication_request(campaign=campaign, user=binhdinh.admin)
    client = page_client(leader(binhdinh))
    page = client.get(f"/cong-bo/{campaign.pk}/").content.decode()
    assert "Phê duyệt và công bố" in page and "Trả lại Sở chủ trì" in page
    assert "Công bố kết quả</button>" not in page  # publishing is the office's
    client.post(f"/cong-bo/phien-ban/{pending.pk}/phe-duyet/", {"confirmed": "1"})
    assert version_at("binh-dinh", 2023) == pending


def test_the_office_corrects_a_unit_from_the_page(binhdinh):
    campaign = run_import(binhdinh)
    noi_vu = unit_of(campaign, "so-noi-vu")
    index, score = next(iter(noi_vu.historic_result.index_scores.items()))
    client = page_client(binhdinh.admin)
    url = f"/cong-bo/{campaign.pk}/sua-ket-qua/?campaign_unit={noi_vu.pk}"
    form = client.get(url).content.decode()
    assert "Sửa kết quả: Sở Nội vụ" in form
    kept = {f"diem_{code}": value for code, value in noi_vu.historic_result.index_scores.items()}
    refused = client.post(url, {**kept, f"diem_{index}": "nhiều", "reason": "x"})
    assert "không phải số điểm" in refused.content.decode()
    client.post(url, {**kept, f"diem_{index}": "0", "reason": "Khiếu nại"})
    noi_vu.historic_result.refresh_from_db()
    assert Decimal(noi_vu.historic_result.index_scores[index]) == 0 != Decimal(score)


def test_the_settings_page_saves_the_provinces_choices(binhdinh):
    campaign = run_import(binhdinh)
    client = page_client(binhdinh.admin)
    data = {
        "approval_required": "on",
        "license_name": "CC-BY-4.0",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "citation": "UBND tỉnh Bình Định, Kết quả DTI",
    }
    client.post(f"/cong-bo/{campaign.pk}/cai-dat/", data)
    stored = PublicationSettings.objects.get(province=binhdinh.province)
    assert stored.approval_required and stored.citation == data["citation"]
    bad = client.post(f"/cong-bo/{campaign.pk}/cai-dat/", {**data, "citation": "a\x0bb"})
    assert "ký tự điều khiển" in bad.content.decode()


def test_each_row_carries_last_years_published_rank_and_class(binhdinh):
    first = run_import(binhdinh)
    publication_request(campaign=first, user=binhdinh.admin)
    later = run_import(binhdinh, title="Kết quả DTI (bản năm sau)")
    Campaign.objects.filter(pk=later.pk).update(year=2024)
    later.refresh_from_db()
    version = publication_request(campaign=later, user=binhdinh.admin)
    last_year = {r.unit_code: r for r in rows_of(version_at("binh-dinh", 2023), "so")}
    for row in rows_of(version, "so"):
        assert row.previous["year"] == 2023
        assert row.previous["rank"] == last_year[row.unit_code].rank
        assert row.previous["through"] == []


def test_last_years_figures_follow_lineage_through_renames_and_mergers(binhdinh):
    first = run_import(binhdinh)
    publication_request(campaign=first, user=binhdinh.admin)
    published = {r.unit_code: r for r in rows_of(version_at("binh-dinh", 2023), "so")}
    units = {code: unit_of(first, code).unit for code in ("so-noi-vu", "so-tu-phap", "so-y-te")}
    renamed = Unit.objects.create(
        province=binhdinh.province, code="so-nv-moi", name="Sở Nội vụ (mới)", level="so"
    )
    merged = Unit.objects.create(
        province=binhdinh.province, code="so-hop-nhat", name="Sở hợp nhất", level="so"
    )
    renamed_again = Unit.objects.create(
        province=binhdinh.province, code="so-y-te-2", name="Sở Y tế 2", level="so"
    )
    step = Unit.objects.create(
        province=binhdinh.province, code="so-y-te-1", name="Sở Y tế 1", level="so"
    )
    day = date(2025, 7, 1)
    Lineage.objects.create(
        predecessor=units["so-noi-vu"], successor=renamed, kind="renamed", effective=day
    )
    for code in ("so-noi-vu", "so-tu-phap"):
        Lineage.objects.create(
            predecessor=units[code], successor=merged, kind="merged_into", effective=day
        )
    Lineage.objects.create(
        predecessor=units["so-y-te"], successor=step, kind="renamed", effective=day
    )
    Lineage.objects.create(predecessor=step, successor=renamed_again, kind="renamed", effective=day)
    later = Campaign.objects.create(province=binhdinh.province, year=2024, title="Năm sau")
    for unit in (renamed, merged, renamed_again):
        CampaignUnit.objects.create(campaign=later, unit=unit, level="so")
    figures = previous_figures(later)
    assert figures["so-nv-moi"]["rank"] == published["so-noi-vu"].rank
    assert figures["so-nv-moi"]["through"] == ["Sở Nội vụ"]
    assert figures["so-y-te-2"]["rank"] == published["so-y-te"].rank  # two steps back
    assert figures["so-hop-nhat"]["rank"] is None  # two predecessors: no one rank to compare
    assert sorted(figures["so-hop-nhat"]["through"]) == ["Sở Nội vụ", "Sở Tư pháp"]
