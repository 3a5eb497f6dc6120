"""Per-main-index rankings rank on the precision the framework states for each index, with
its ties; by default as the general ranking compares. Checked on the seeds' printed
numbers, on small exact cases for each comparison and tie policy, and in the loader."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from dti.campaign import Campaign, load_campaign
from dti.framework.documents import DocumentError
from dti.framework.loader import build_framework
from dti.framework.model import Framework, IndexCompare, IndexRanking, Ties
from dti.inputs import UnitInput, build_inputs
from dti.names import normalize_label
from dti.reports.data import build_report
from dti.reports.levels import value_text
from dti.reports.sources import results_from_tables
from dti.results import LevelResult, evaluate
from tests.conftest import TABLES
from tests.core.reports import results
from tests.core.seeds import BINHDINH, BINHPHUOC, printed_rows, table

GENERAL_TABLES = {
    BINHDINH: {"so": "bang-1-tong-the-cap-so.tsv", "huyen": "bang-2-tong-the-cap-huyen.tsv"},
    BINHPHUOC: {"so": "phu-luc-1-cap-tinh.tsv", "huyen": "phu-luc-4-cap-huyen.tsv"},
}
DIRECTORIES = {BINHDINH: "binhdinh-2023", BINHPHUOC: "binhphuoc-2024"}


# ---- the seeds' printed numbers ------------------------------------------------------------


def half_up(value: Fraction, decimals: int) -> Fraction:
    scaled = value * 10**decimals
    return Fraction((2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)) / (
        10**decimals
    )


def printed_points(path: Path, campaign: Campaign, level: str) -> dict[str, dict[str, Fraction]]:
    """Main index code -> unit id -> the points the general table prints for it."""
    framework = campaign.level(level).framework
    names = campaign.level(level).names
    rows = printed_rows(table(DIRECTORIES[path], GENERAL_TABLES[path][level]))
    columns = {}
    for index in framework.main_indices:
        labels = {normalize_label(label) for label in (index.name, *index.aliases)}
        columns[index.code] = next(h for h in rows[0].cells if normalize_label(h) in labels)
    return {
        code: {
            names.find(row.name): Fraction(row.number(header))
            for row in rows
            if row.cells[header].strip()
        }
        for code, header in columns.items()
    }


def expected_ranks(keys: dict[str, Fraction], ties: Ties) -> dict[str, int]:
    """Dense: 1 + the number of distinct better keys; competition: 1 + the better units."""
    better = sorted(set(keys.values()), reverse=True)
    if ties is Ties.DENSE:
        return {unit: better.index(key) + 1 for unit, key in keys.items()}
    return {unit: 1 + sum(other > key for other in keys.values()) for unit, key in keys.items()}


def check_ranks_on_printed_points(path: Path, campaign: Campaign, found: dict[str, LevelResult]):
    """Every index ranking of every level ranks as its stated policy does on the printed
    points: units share a rank exactly when their compared values, rounded to the stated
    decimals, are equal. Returns the ranks, index -> unit -> rank."""
    ranks = {}
    for level, result in found.items():
        points = printed_points(path, campaign, level)
        for code, ranking in result.indices.items():
            stated = result.framework.index_rankings.for_index(code)
            rows = ranking.rows(result.scores.unit_ids)
            maxima = {row.unit: Fraction(row.applicable_max) for row in rows}
            exact = {
                unit: 100 * points[code][unit] / maxima[unit]
                if stated.compare is IndexCompare.RATIO
                else points[code][unit]
                for unit in maxima
            }
            keys = {unit: half_up(value, stated.decimals) for unit, value in exact.items()}
            assert {row.unit: row.rank for row in rows} == expected_ranks(keys, stated.ties), code
            assert all(row.value == D(keys[row.unit].numerator) / keys[row.unit].denominator
                       for row in rows), code  # fmt: skip
            ranks[f"{level}:{code}"] = {row.unit: row.rank for row in rows}
    return ranks


def variant(tmp_path: Path, path: Path, index_rankings: dict[str, Any] | None) -> Campaign:
    """The seed campaign with each level's `index_rankings` replaced (None: left out)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for level in data["levels"]:
        level["framework"].pop("index_rankings", None)
        if index_rankings is not None:
            level["framework"]["index_rankings"] = index_rankings
    written = tmp_path / path.name
    written.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return load_campaign(written)


def variant_results(campaign: Campaign, path: Path) -> dict[str, LevelResult]:
    return results_from_tables(campaign, TABLES / DIRECTORIES[path])


def unit(campaign: Campaign, level: str, name: str) -> str:
    return campaign.level(level).names.find(name)


def test_binhdinh_stating_whole_percents_ties_units_with_different_points_as_published():
    """Bảng 1.7 ranks eight agencies first at 100 %: Sở Công Thương's 69,75 of 70 among
    them; Bảng 2.6 ranks Vĩnh Thạnh's 150,2 and An Lão's 149,85 of 160 both at 94 %."""
    campaign = load_campaign(BINHDINH)
    ranks = check_ranks_on_printed_points(BINHDINH, campaign, results(BINHDINH))
    society = ranks["so:hoat_dong_xa_hoi_so"]
    assert sorted(society.values()).count(1) == 8
    assert society[unit(campaign, "so", "Sở Công Thương")] == 1
    government = ranks["huyen:hoat_dong_chinh_quyen_so"]
    vinh_thanh = unit(campaign, "huyen", "UBND huyện Vĩnh Thạnh")
    assert government[vinh_thanh] == government[unit(campaign, "huyen", "UBND huyện An Lão")]


def test_binhdinh_without_a_statement_inherits_the_general_ranking_and_separates_them(tmp_path):
    campaign = variant(tmp_path, BINHDINH, None)
    for level in ("so", "huyen"):
        framework = campaign.level(level).framework
        assert framework.index_rankings.default == IndexRanking(IndexCompare.RATIO, 1, Ties.DENSE)
        assert not framework.index_rankings.per_index
    ranks = check_ranks_on_printed_points(BINHDINH, campaign, variant_results(campaign, BINHDINH))
    society = ranks["so:hoat_dong_xa_hoi_so"]
    assert sorted(society.values()).count(1) == 7  # 70 of 70
    assert society[unit(campaign, "so", "Sở Công Thương")] == 2  # 99,6 %
    government = ranks["huyen:hoat_dong_chinh_quyen_so"]
    vinh_thanh = unit(campaign, "huyen", "UBND huyện Vĩnh Thạnh")  # 93,9 % and 93,7 %
    assert government[vinh_thanh] < government[unit(campaign, "huyen", "UBND huyện An Lão")]


@pytest.mark.parametrize("ties", ["dense", "competition"])
def test_binhdinh_ranked_on_points_ties_only_equal_points(tmp_path, ties):
    campaign = variant(tmp_path, BINHDINH, {"compare": "points", "ties": ties})
    assert campaign.level("so").framework.index_rankings.default == IndexRanking(
        IndexCompare.POINTS, 2, Ties(ties)
    )
    found = variant_results(campaign, BINHDINH)
    ranks = check_ranks_on_printed_points(BINHDINH, campaign, found)
    points = printed_points(BINHDINH, campaign, "so")["hoat_dong_xa_hoi_so"]
    society = ranks["so:hoat_dong_xa_hoi_so"]
    for first in society:
        for second in society:
            assert (society[first] == society[second]) == (points[first] == points[second])


def test_binhphuoc_ranks_on_points_and_its_one_index_of_differing_max_on_the_ratio():
    campaign = load_campaign(BINHPHUOC)
    rankings = campaign.level("so").framework.index_rankings
    assert rankings.default == IndexRanking(IndexCompare.POINTS, 2, Ties.COMPETITION)
    assert rankings.for_index("hoat_dong_chinh_quyen_so") == IndexRanking(
        IndexCompare.RATIO, 2, Ties.COMPETITION
    )
    ranks = check_ranks_on_printed_points(BINHPHUOC, campaign, results(BINHPHUOC))
    # 167,04 and 166,99 of 200: 83,52 % and 83,50 % (both 83,5 % at one decimal)
    government = ranks["so:hoat_dong_chinh_quyen_so"]
    first = government[unit(campaign, "so", "Sở Thông tin và Truyền thông")]
    assert first < government[unit(campaign, "so", "Sở Nông nghiệp và Phát triển nông thôn")]


def test_a_points_appendix_shows_the_compared_points_and_statements_their_decimals():
    level = build_report(load_campaign(BINHPHUOC), results(BINHPHUOC)).level("so")
    tables = {t.key: t for t in level.appendices[-1].tables}
    points = tables["index:nhan_luc_so"]
    assert [c.header for c in points.columns] == ["Hạng", "Đơn vị", "Điểm", "Điểm tối đa áp dụng"]
    assert points.columns[2].decimals == 2
    assert all(len(row[2].text.split(",")[1]) == 2 for row in points.rows)  # "37,00"
    ratio = tables["index:hoat_dong_chinh_quyen_so"]
    assert [c.header for c in ratio.columns][-1] == "Tỷ lệ"
    assert ratio.columns[-1].decimals == 2
    ranking = results(BINHPHUOC)["so"].indices["nhan_luc_so"]
    assert value_text(ranking, D("37.00")) == "37,00 điểm"
    assert value_text(ranking, D(37)) == "37,00 điểm"


# ---- small exact cases -------------------------------------------------------------------


def framework(index_rankings: dict[str, Any], ranking: str = "plain_total") -> Framework:
    return build_framework(
        {
            "code": "thu",
            "name": "Bộ thử",
            "ranking": {"comparability": ranking},
            "nodes": [
                {
                    "code": "a",
                    "name": "Chỉ số A",
                    "children": [
                        {"code": "a1", "name": "A1", "max": 40},
                        {"code": "a2", "name": "A2", "max": 10, "applies_when": "dvc"},
                    ],
                },
                {"code": "b", "name": "Chỉ số B", "max": 50},
            ],
            "index_rankings": index_rankings,
        },
        file="thu.yaml",
        path="framework",
    )


# Index A (max 40, plus 10 with online services): u1 49,9 of 50, u2 49,5 of 50, u3 39,6 of
# 40 (no online services), u4 and u5 39,6 of 50.
UNITS = [
    ("u1", True, D("39.9"), D(10)),
    ("u2", True, D("39.5"), D(10)),
    ("u3", False, D("39.6"), D(0)),
    ("u4", True, D("39.6"), D(0)),
    ("u5", True, D("29.6"), D(10)),
]


def ranks_on_a(stated: dict[str, Any]) -> list[tuple[str, int, D]]:
    """(unit, rank, displayed value) in rank order."""
    built = framework(stated)
    inputs = build_inputs(
        built,
        [
            UnitInput(u, {"dvc": dvc}, scores={"a1": a1, "a2": a2, "b": D(0)})
            for u, dvc, a1, a2 in UNITS
        ],
    )
    found = evaluate(built, inputs, [u for u, *_ in UNITS])
    return [(r.unit, r.rank, r.value) for r in found.indices["a"].rows([u for u, *_ in UNITS])]


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        # points at two decimals: 49,90 > 49,50 > 39,60 (u3, u4, u5 tie, listed by name)
        ({"compare": "points", "ties": "dense"},
         [("u1", 1, D("49.90")), ("u2", 2, D("49.50")), ("u3", 3, D("39.60")),
          ("u4", 3, D("39.60")), ("u5", 3, D("39.60"))]),
        ({"compare": "points", "ties": "competition"},
         [("u1", 1, D("49.90")), ("u2", 2, D("49.50")), ("u3", 3, D("39.60")),
          ("u4", 3, D("39.60")), ("u5", 3, D("39.60"))]),
        # whole points: 50, 50 (49,5 half up), 40, 40, 40
        ({"compare": "points", "decimals": 0, "ties": "dense"},
         [("u1", 1, D(50)), ("u2", 1, D(50)), ("u3", 2, D(40)), ("u4", 2, D(40)),
          ("u5", 2, D(40))]),
        ({"compare": "points", "decimals": 0, "ties": "competition"},
         [("u1", 1, D(50)), ("u2", 1, D(50)), ("u3", 3, D(40)), ("u4", 3, D(40)),
          ("u5", 3, D(40))]),
        # ratio: 99,8 %; 99,0 % for u2 and u3 (their points differ, the policy ties them);
        # 79,2 % for u4 and u5, whom points tie with u3
        ({"compare": "ratio", "decimals": 1, "ties": "dense"},
         [("u1", 1, D("99.8")), ("u2", 2, D("99.0")), ("u3", 2, D("99.0")),
          ("u4", 3, D("79.2")), ("u5", 3, D("79.2"))]),
        ({"compare": "ratio", "decimals": 1, "ties": "competition"},
         [("u1", 1, D("99.8")), ("u2", 2, D("99.0")), ("u3", 2, D("99.0")),
          ("u4", 4, D("79.2")), ("u5", 4, D("79.2"))]),
        # two decimals change nothing here: the ratios are exact
        ({"compare": "ratio", "decimals": 2, "ties": "dense"},
         [("u1", 1, D("99.80")), ("u2", 2, D("99.00")), ("u3", 2, D("99.00")),
          ("u4", 3, D("79.20")), ("u5", 3, D("79.20"))]),
        # whole percents: 100, 99, 99, 79, 79
        ({"compare": "ratio", "decimals": 0, "ties": "competition"},
         [("u1", 1, D(100)), ("u2", 2, D(99)), ("u3", 2, D(99)), ("u4", 4, D(79)),
          ("u5", 4, D(79))]),
    ],
)  # fmt: skip
def test_index_ranks_on_the_stated_precision_and_ties(stated, expected):
    found = ranks_on_a(stated)
    assert found == expected
    assert [str(value) for *_, value in found] == [str(value) for *_, value in expected]


# ---- the loader ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranking", "stated", "default", "a"),
    [
        # nothing stated: inherited from the general ranking
        ("plain_total", {}, (IndexCompare.POINTS, 2, Ties.DENSE), None),
        ("ratio_to_applicable_max", {}, (IndexCompare.RATIO, 1, Ties.DENSE), None),
        # the older form: decimals alone are the ratio's
        ("plain_total", {"decimals": 0}, (IndexCompare.RATIO, 0, Ties.DENSE), None),
        ("plain_total", {"ties": "competition"}, (IndexCompare.POINTS, 2, Ties.COMPETITION), None),
        # compare without decimals: that comparison's default
        ("plain_total", {"compare": "ratio"}, (IndexCompare.RATIO, 1, Ties.DENSE), None),
        ("ratio_to_applicable_max", {"compare": "points"}, (IndexCompare.POINTS, 2, Ties.DENSE),
         None),
        ("plain_total", {"compare": "points", "decimals": 1, "ties": "competition"},
         (IndexCompare.POINTS, 1, Ties.COMPETITION), None),
        # overrides: a number is ratio decimals; a mapping changes what it states
        ("plain_total", {"overrides": {"a": 1}}, (IndexCompare.POINTS, 2, Ties.DENSE),
         (IndexCompare.RATIO, 1, Ties.DENSE)),
        ("plain_total", {"ties": "competition", "overrides": {"a": {"compare": "ratio"}}},
         (IndexCompare.POINTS, 2, Ties.COMPETITION), (IndexCompare.RATIO, 1, Ties.COMPETITION)),
        ("plain_total", {"decimals": 0, "overrides": {"a": {"ties": "competition"}}},
         (IndexCompare.RATIO, 0, Ties.DENSE), (IndexCompare.RATIO, 0, Ties.COMPETITION)),
        ("ratio_to_applicable_max", {"overrides": {"a": {"compare": "points", "decimals": 0}}},
         (IndexCompare.RATIO, 1, Ties.DENSE), (IndexCompare.POINTS, 0, Ties.DENSE)),
    ],
)  # fmt: skip
def test_the_loader_resolves_each_key_and_the_inherited_default(ranking, stated, default, a):
    rankings = framework(stated, ranking).index_rankings
    assert rankings.default == IndexRanking(*default)
    assert rankings.for_index("b") == IndexRanking(*default)
    assert rankings.for_index("a") == (IndexRanking(*a) if a else IndexRanking(*default))
    assert rankings.decimals_for("a") == rankings.for_index("a").decimals


@pytest.mark.parametrize(
    ("stated", "path", "message"),
    [
        ({"comparee": "points"}, "framework.index_rankings.comparee",
         "khoá 'comparee' không được phép ở đây; dùng: compare, decimals, ties, overrides"),
        ({"compare": "percent"}, "framework.index_rankings.compare",
         "giá trị 'percent' không hợp lệ; chọn một trong: points, ratio"),
        ({"ties": "olympic"}, "framework.index_rankings.ties",
         "giá trị 'olympic' không hợp lệ; chọn một trong: dense, competition"),
        ({"decimals": 5}, "framework.index_rankings.decimals",
         "phải là số nguyên từ 0 đến 4, không phải 5"),
        ({"decimals": "1"}, "framework.index_rankings.decimals", "không phải '1'"),
        ({"decimals": True}, "framework.index_rankings.decimals", "không phải True"),
        ({"decimals": 1.5}, "framework.index_rankings.decimals", "không phải 1.5"),
        ([], "framework.index_rankings", "phải là một bảng khoá: giá trị"),
        ({"overrides": [1]}, "framework.index_rankings.overrides", "phải là một bảng khoá"),
        ({"overrides": {"a": -1}}, "framework.index_rankings.overrides.a",
         "phải là số chữ số thập phân của tỷ lệ (từ 0 đến 4) hoặc một bảng khoá"),
        ({"overrides": {"a": "points"}}, "framework.index_rankings.overrides.a", "'points'"),
        ({"overrides": {"a": {"compare": "points", "max": 4}}},
         "framework.index_rankings.overrides.a.max",
         "khoá 'max' không được phép ở đây; dùng: compare, decimals, ties"),
        ({"overrides": {"a": {"overrides": {}}}}, "framework.index_rankings.overrides.a.overrides",
         "không được phép"),
        ({"overrides": {"a": {"decimals": 9}}}, "framework.index_rankings.overrides.a.decimals",
         "phải là số nguyên từ 0 đến 4"),
        ({"overrides": {"a": {"ties": None}}}, "framework.index_rankings.overrides.a.ties",
         "giá trị None không hợp lệ"),
        ({"overrides": {"a1": {"compare": "points"}}}, "framework.index_rankings.overrides.a1",
         "'a1' không phải chỉ số chính"),
        ({"overrides": {"zz": 1}}, "framework.index_rankings.overrides.zz",
         "'zz' không phải chỉ số chính"),
    ],
)  # fmt: skip
def test_the_loader_names_each_bad_key_and_value(stated, path, message):
    with pytest.raises(DocumentError) as caught:
        framework(stated)
    text = str(caught.value)
    assert "thu.yaml" in text and path in text and message in text, text


def test_the_loader_reports_every_bad_key_at_once():
    with pytest.raises(DocumentError) as caught:
        framework({"compare": "x", "ties": "y", "overrides": {"b": {"decimals": -2}, "zz": 1}})
    assert len(caught.value.problems) == 4
