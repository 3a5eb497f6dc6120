"""historic_campaign_import with the tables Bình Định really published for 2023: the stored
ranks and ratios are the printed ones, the audit's findings are kept, and every bad input is
refused with every problem listed and nothing saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign, CampaignEvent, CampaignUnit, HistoricResult
from portal.publication.services import publication_request
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.core.seeds import printed_rows
from tests.portal.campaigns.conftest import BINHDINH_TABLES, BinhDinh, load_binhdinh

TITLE = "Đánh giá, xếp hạng chuyển đổi số năm 2023"
SO_TABLE = "bang-1-tong-the-cap-so.tsv"
HUYEN_TABLE = "bang-2-tong-the-cap-huyen.tsv"


def run_import(
    bd: BinhDinh,
    file_name: str = SO_TABLE,
    *,
    level: str = "so",
    data: bytes | None = None,
    framework_level: str | None = None,
    title: str = TITLE,
) -> Campaign:
    names = {"so": "Sở, ban, ngành", "huyen": "UBND huyện, thị xã, thành phố"}
    return historic_campaign_import(
        province=bd.province,
        year=2023,
        title=title,
        level=level,
        level_name=names[level],
        framework=bd.frameworks[framework_level or level],
        table_bytes=(BINHDINH_TABLES / file_name).read_bytes() if data is None else data,
        file_name=file_name,
        user=bd.admin,
        source="Quyết định số 1968/QĐ-UBND",
    )


def run_import_published(bd: BinhDinh, file_name: str = SO_TABLE, **options: Any) -> Campaign:
    """Imported, then published by the office as the public portal's first version."""
    campaign = run_import(bd, file_name, **options)
    publication_request(campaign=campaign, user=bd.admin)
    campaign.refresh_from_db()
    return campaign


def stored(campaign: Campaign, level: str) -> dict[str, HistoricResult]:
    results = HistoricResult.objects.filter(
        campaign_unit__campaign=campaign, campaign_unit__level=level
    ).select_related("campaign_unit__unit")
    return {r.campaign_unit.unit.name: r for r in results}


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Campaign, CampaignUnit, HistoricResult, CampaignEvent)
    )


def test_it_stores_the_printed_ranks_and_ratios_of_table_1(binhdinh):
    campaign = run_import(binhdinh)
    # Imported results are final; nobody outside the province sees them until the office
    # publishes them (portal.publication).
    assert (campaign.historic, campaign.state, campaign.year) == (
        True,
        CampaignState.FINALIZED,
        2023,
    )
    results = stored(campaign, "so")
    rows = printed_rows(BINHDINH_TABLES / SO_TABLE)
    assert len(results) == len(rows) == 21
    rank = None
    for printed in rows:
        # A blank rank is a tie with the row above, as Bình Định prints them.
        rank = int(printed.cells["Xếp hạng"]) if printed.cells["Xếp hạng"] else rank
        result = results[printed.name]
        assert result.rank == rank, printed.name
        assert result.value == printed.number("Tỷ lệ"), printed.name
        assert result.total == printed.number("Tổng điểm"), printed.name
        assert result.percent
        assert result.source_table == SO_TABLE


def test_it_keeps_the_applicable_maximum_and_the_index_scores_as_printed(binhdinh):
    results = stored(run_import(binhdinh), "so")
    noi_vu = results["Sở Nội vụ"]
    assert noi_vu.applicable_max == Decimal("475")  # online public services, no applications
    assert results["Văn phòng UBND tỉnh"].applicable_max == Decimal("445")
    assert noi_vu.index_scores["nhan_luc_so"] == "30.5"
    assert noi_vu.index_scores["hoat_dong_chinh_quyen_so"] == "155"
    assert noi_vu.class_label == ""  # Bình Định 2023 does not classify


def test_it_records_who_imported_what(binhdinh):
    campaign = run_import(binhdinh)
    event = campaign.events.get()
    assert (event.action, event.actor) == ("historic_import", binhdinh.admin)
    assert SO_TABLE in event.note and "21 đơn vị" in event.note


def test_a_consistent_table_has_no_findings(binhdinh):
    assert run_import(binhdinh).levels.get().published_findings == []


def test_it_keeps_the_audit_findings_of_the_table(binhdinh):
    campaign = run_import(binhdinh, HUYEN_TABLE, level="huyen")
    findings = campaign.levels.get().published_findings
    assert [(f["kind"], f["unit"]) for f in findings] == [("sum", "UBND huyện Hoài Ân")]
    assert (findings[0]["published"], findings[0]["expected"]) == ("626.23", "626.24")
    assert "626,23" in findings[0]["message"] and "626,24" in findings[0]["message"]
    # The stored total is the framework's sum of the printed components, not the typo.
    assert stored(campaign, "huyen")["UBND huyện Hoài Ân"].total == Decimal("626.24")


def test_a_second_level_joins_the_same_historic_campaign(binhdinh):
    first = run_import(binhdinh)
    second = run_import(binhdinh, HUYEN_TABLE, level="huyen")
    assert first.pk == second.pk
    assert sorted(second.levels.values_list("level", flat=True)) == ["huyen", "so"]
    assert len(stored(second, "huyen")) == 11


def test_it_refuses_a_table_naming_a_unit_the_province_does_not_have(db):
    bd = load_binhdinh(skip=("ban-dan-toc",))
    before = counts()
    with pytest.raises(ValidationError) as error:
        run_import(bd)
    assert error.value.messages == [
        f"{SO_TABLE}, dòng 22, cột “Đơn vị”: không tìm thấy đơn vị “Ban Dân tộc***” "
        "trong khối Sở, ban, ngành"
    ]
    assert counts() == before


def test_it_lists_every_unreadable_cell_by_row_and_column(binhdinh):
    text = (BINHDINH_TABLES / SO_TABLE).read_text(encoding="utf-8")
    text = text.replace("481,45", "481,4x").replace("\t427,80\t", "\tbốn trăm\t")
    before = counts()
    with pytest.raises(ValidationError) as error:
        run_import(binhdinh, data=text.encode())
    messages = error.value.messages
    assert len(messages) == 2
    assert messages[0].startswith(f"{SO_TABLE}, dòng 2, cột “Tổng điểm”: ")
    assert messages[1].startswith(f"{SO_TABLE}, dòng 3, cột “Tổng điểm”: ")
    assert counts() == before


def test_it_refuses_a_file_that_is_not_a_table(binhdinh):
    before = counts()
    with pytest.raises(ValidationError) as error:
        run_import(binhdinh, "bao-cao.pdf", data=b"%PDF-1.7\x00\x01\x02")
    assert error.value.messages[0].startswith("bao-cao.pdf: tệp không phải bảng văn bản")
    assert counts() == before


def test_it_refuses_a_ranking_of_one_index(binhdinh):
    # Bảng 1.1 prints only the "Nhận thức số" points of each unit, under "Tổng điểm".
    with pytest.raises(ValidationError, match="không có cột điểm chỉ số chính nào"):
        run_import(binhdinh, "bang-1.1.tsv")
    assert not Campaign.objects.exists()


def test_it_refuses_a_ranking_of_one_index_named_in_its_title(binhdinh):
    text = (BINHDINH_TABLES / "bang-1.1.tsv").read_text(encoding="utf-8")
    titled = "Bảng 1.1 Xếp hạng chỉ số Nhận thức số\n" + text.replace("Tổng điểm", "Nhận thức số")
    with pytest.raises(ValidationError, match="bảng xếp hạng chỉ số “Nhận thức số”"):
        run_import(binhdinh, "bang-1.1.tsv", data=titled.encode())
    assert not Campaign.objects.exists()


def test_it_refuses_a_framework_of_another_level(binhdinh):
    with pytest.raises(ValidationError, match="dành cho khối “huyen”, không phải khối “so”"):
        run_import(binhdinh, framework_level="huyen")
    assert not Campaign.objects.exists()


def test_it_refuses_a_framework_of_another_province(binhdinh, cast):
    with pytest.raises(ValidationError, match="không thuộc Bình Định"):
        historic_campaign_import(
            province=binhdinh.province,
            year=2023,
            title=TITLE,
            level="so",
            level_name="Sở",
            framework=cast.framework,
            table_bytes=(BINHDINH_TABLES / SO_TABLE).read_bytes(),
            file_name=SO_TABLE,
            user=binhdinh.admin,
        )
    assert not Campaign.objects.filter(historic=True).exists()


def test_it_refuses_the_same_level_twice(binhdinh):
    run_import(binhdinh)
    before = counts()
    with pytest.raises(ValidationError, match="Đã nhập kết quả khối “so”"):
        run_import(binhdinh)
    assert counts() == before


def test_it_refuses_the_title_of_a_campaign_run_on_the_portal(binhdinh):
    Campaign.objects.create(province=binhdinh.province, year=2023, title=TITLE)
    with pytest.raises(ValidationError, match="đang thực hiện trên cổng"):
        run_import(binhdinh)
    assert not HistoricResult.objects.exists()


def test_it_names_a_unit_without_the_attributes_its_maximum_depends_on(binhdinh):
    Unit.objects.filter(code="so-noi-vu").update(attributes={})
    with pytest.raises(ValidationError) as error:
        run_import(binhdinh)
    assert error.value.messages == [
        f"{SO_TABLE}, dòng 4: đơn vị “Sở Nội vụ” thiếu thuộc tính has_online_applications, "
        "has_online_public_services, has_satisfaction_ratings (bộ chỉ số cần để tính điểm "
        "tối đa áp dụng)."
    ]
    assert not Campaign.objects.exists()


def test_it_refuses_a_score_above_its_maximum(binhdinh):
    text = (BINHDINH_TABLES / SO_TABLE).read_text(encoding="utf-8")
    text = text.replace("Sở Nội vụ**\t50\t", "Sở Nội vụ**\t55\t")
    with pytest.raises(ValidationError) as error:
        run_import(binhdinh, data=text.encode())
    assert error.value.messages[0].startswith(
        f"{SO_TABLE}, dòng 4: đơn vị “Sở Nội vụ”, Nhận thức số: "
    )
    assert not Campaign.objects.exists()
