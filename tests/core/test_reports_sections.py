"""Long lists in sections (by former district, by peer group) and levels without results:
every unit exactly once, sections in order, ranks untouched; the office's reason for a
level not assessed, and nothing claimed for it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

import pytest

from dti.campaign import Campaign, Level, Unit
from dti.inputs import UnitInput, build_inputs
from dti.reports.data import build_report
from dti.reports.model import AppendixTable, Report
from dti.reports.statements import unassessed_heading, unassessed_sentence
from dti.reports.texts import Grouping, ReportTexts
from dti.results import LevelResult, evaluate
from tests.core.reports import campaign, report, results
from tests.core.seeds import BINHPHUOC
from tests.core.test_reports_details import MAU, XA

D = Decimal
WITH = {"has_online_public_services": True}
WITHOUT = {"has_online_public_services": False}
# (unit, parent, online public services, appraisers' score of xhs_danh_gia)
COMMUNES = [
    ("xa-1", "huyen-b", True, 20), ("xa-2", "huyen-a", False, 25), ("xa-3", None, True, 7),
    ("xa-4", "huyen-a", True, 20), ("xa-5", "huyen-x", True, 12), ("xa-6", "huyen-b", False, 3),
    ("xa-7", "huyen-a", True, 18), ("xa-8", None, False, 16),
]  # fmt: skip
DISTRICTS = (Unit("huyen-a", "Huyện A (cũ)", "huyen"), Unit("huyen-b", "Huyện B (cũ)", "huyen"))


def setting() -> tuple[Campaign, LevelResult]:
    """Communes under two former districts the campaign holds (a level not assessed), one it
    does not ("huyen-x"), two without a parent; ties on the score (xa-1, xa-4)."""
    units = tuple(
        Unit(unit, f"UBND xã {unit[-1]}", "xa", WITH if online else WITHOUT, parent=parent)
        for unit, parent, online, _ in COMMUNES
    )
    levels = {
        "huyen": Level("huyen", "UBND huyện (cũ)", XA, DISTRICTS),
        "xa": Level("xa", "UBND xã, phường", XA, units),
    }
    inputs = [
        UnitInput(unit.id, unit.attributes, values={"xhs_danh_gia": D(score)})
        for unit, (_, _, _, score) in zip(units, COMMUNES, strict=True)
    ]
    result = evaluate(XA, build_inputs(XA, inputs), [u.name for u in units])
    return replace(MAU, levels=levels), result


def general(report: Report, level: str = "xa") -> AppendixTable:
    return next(t for a in report.appendices if a.level == level for t in a.tables)


def ranks(table: AppendixTable) -> dict[str, str]:
    return {unit: row[0].text for unit, row in zip(table.unit_ids, table.rows, strict=True)}


def check_sections(grouped: AppendixTable, plain: AppendixTable) -> list[list[str]]:
    """The invariants of a grouped table; its sections' units."""
    assert sorted(grouped.unit_ids) == sorted(plain.unit_ids)
    assert len(set(grouped.unit_ids)) == len(grouped.unit_ids)
    assert ranks(grouped) == ranks(plain)
    assert [row[1].text for row in grouped.rows] == [
        dict(zip(plain.unit_ids, plain.rows, strict=True))[u][1].text for u in grouped.unit_ids
    ]
    starts = [start for start, _ in grouped.sections]
    assert starts[0] == 0 and starts == sorted(set(starts))
    bounds = [*starts, len(grouped.rows)]
    members = [list(grouped.unit_ids[a:b]) for a, b in pairwise(bounds)]
    order = list(plain.unit_ids)
    for units in members:  # rank order within each section
        assert units == sorted(units, key=order.index)
    return members


def test_by_former_district_in_the_campaigns_order_then_unknown_parents_then_others():
    core, result = setting()
    plain = general(build_report(core, {"xa": result}))
    grouped = general(
        build_report(core, {"xa": result}, texts=ReportTexts(grouping={"xa": Grouping.PARENT}))
    )
    members = check_sections(grouped, plain)
    assert [title for _, title in grouped.sections] == [
        "Huyện A (cũ)",
        "Huyện B (cũ)",
        "huyen-x",
        "Khác",
    ]
    parent = {unit: p for unit, p, _, _ in COMMUNES}
    assert [{parent[u] for u in units} for units in members] == [
        {"huyen-a"},
        {"huyen-b"},
        {"huyen-x"},
        {None},
    ]
    assert plain.sections == ()


def test_per_index_tables_follow_the_grouping():
    core, result = setting()
    texts = ReportTexts(grouping={"xa": Grouping.PARENT})
    plain = build_report(core, {"xa": result})
    grouped = build_report(core, {"xa": result}, texts=texts)
    tables = zip(plain.appendices[-1].tables, grouped.appendices[-1].tables, strict=True)
    for before, after in tables:
        check_sections(after, before)
        assert after.sections[-1][1] == "Khác"


def test_by_peer_group_with_units_of_no_group_last():
    core, result = setting()
    only_with = replace(XA, groups=campaign(BINHPHUOC).level("so").framework.groups[:1])
    levels = {**core.levels, "xa": replace(core.levels["xa"], framework=only_with)}
    core = replace(core, levels=levels)
    units = core.levels["xa"].units
    inputs = [
        UnitInput(unit.id, unit.attributes, values={"xhs_danh_gia": D(score)})
        for unit, (_, _, _, score) in zip(units, COMMUNES, strict=True)
    ]
    result = evaluate(only_with, build_inputs(only_with, inputs), [u.name for u in units])
    plain = general(build_report(core, {"xa": result}))
    grouped = general(
        build_report(core, {"xa": result}, texts=ReportTexts(grouping={"xa": Grouping.GROUP}))
    )
    members = check_sections(grouped, plain)
    assert [title for _, title in grouped.sections] == [only_with.groups[0].name, "Khác"]
    online = {unit: flag for unit, _, flag, _ in COMMUNES}
    assert [{online[u] for u in units} for units in members] == [{True}, {False}]


def test_the_seeds_agencies_by_peer_group():
    texts = ReportTexts(grouping={"so": Grouping.GROUP, "huyen": Grouping.GROUP})
    grouped = build_report(campaign(BINHPHUOC), results(BINHPHUOC), texts=texts)
    plain = report(BINHPHUOC)
    members = check_sections(general(grouped, "so"), general(plain, "so"))
    framework = campaign(BINHPHUOC).level("so").framework
    assert [t for _, t in general(grouped, "so").sections] == [g.name for g in framework.groups]
    sizes = [len(results(BINHPHUOC)["so"].groups[g.code].units) for g in framework.groups]
    assert [len(units) for units in members] == sizes == [17, 6]
    # the districts have no peer groups: one list, as without grouping
    assert general(grouped, "huyen") == general(plain, "huyen")


def test_a_grouping_that_places_no_unit_keeps_one_list():
    texts = ReportTexts(grouping={"so": Grouping.PARENT})
    grouped = build_report(campaign(BINHPHUOC), results(BINHPHUOC), texts=texts)
    assert general(grouped, "so") == general(report(BINHPHUOC), "so")


def test_a_level_without_results_is_reported_with_the_offices_reason():
    core, result = setting()
    reason = "Các xã mới thành lập từ 01/7/2025, chưa đủ 6 tháng hoạt động."
    texts = ReportTexts(not_assessed={"huyen": reason})
    built = build_report(core, {"xa": result}, texts=texts)
    (level,) = built.unassessed
    assert (level.code, level.name, level.reason) == ("huyen", "UBND huyện (cũ)", reason)
    assert unassessed_heading(level, 2025) == "Khối UBND huyện (cũ) chưa được đánh giá năm 2025"
    assert unassessed_sentence(level, 2025) == reason
    assert [lv.code for lv in built.levels] == ["xa"]
    assert not any(a.level == "huyen" for a in built.appendices)


def test_without_a_reason_the_section_says_so_plainly():
    core, result = setting()
    (level,) = build_report(core, {"xa": result}).unassessed
    assert level.reason == ""
    assert unassessed_sentence(level, 2025) == (
        "Năm 2025, các đơn vị khối UBND huyện (cũ) chưa được đánh giá, xếp hạng."
    )


def test_a_level_not_assessed_gets_no_legal_basis():
    # Bình Phước's districts and agencies share one decision: leave the districts out
    # and their framework is no longer cited.
    core = campaign(BINHPHUOC)
    built = build_report(core, {"so": results(BINHPHUOC)["so"]})
    assert [lv.code for lv in built.unassessed] == ["huyen"]
    framework = core.level("huyen").framework
    assert not any(framework.name.lower()[1:] in basis for basis in built.legal_bases)
    assert "huyen" not in {lv.code for lv in built.levels}


def test_a_report_of_chosen_levels_names_no_other_level_unassessed():
    core = campaign(BINHPHUOC)
    built = build_report(core, {"so": results(BINHPHUOC)["so"]}, unassessed=())
    assert built.unassessed == ()


def test_a_level_with_results_cannot_be_called_unassessed():
    with pytest.raises(ValueError, match="có kết quả"):
        build_report(campaign(BINHPHUOC), results(BINHPHUOC), unassessed=("so",))


def test_the_seeds_have_every_level_assessed():
    assert report(BINHPHUOC).unassessed == ()
