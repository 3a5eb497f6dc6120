"""The rankings the demo publishes, read off the public pages, equal the tables Bình Định
(2023) and Bình Phước (2024) printed, wherever the printed tables are consistent; where a
printed figure is wrong (the import's findings list it, kept on the level), the page shows
the figure computed again from the printed index scores.

The printed tables are read with the project's own reader (dti.tables) and checked with its
own audit (dti.audit): a row the audit flags in a table the demo did not import (a peer
group's appendix, a main index's table) is left out of the comparison, as inconsistent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from tests.conftest import EXAMPLES, TABLES
from tests.portal.public.reading import get, headers, number, rows

from dti.audit import audit
from dti.campaign import Campaign as CoreCampaign
from dti.campaign import load_campaign
from dti.tables.model import PublishedRow, PublishedTable, Role
from dti.tables.published import interpret
from dti.tables.reader import read_table
from portal.publication.models import VersionLevel

RATIO = "Tỷ lệ so với điểm tối đa (%)"


@dataclass(frozen=True)
class Seed:
    province: str
    year: int
    campaign: str
    folder: str
    general: tuple[str, ...]  # the tables the demo imports

    def core(self) -> CoreCampaign:
        return load_campaign(EXAMPLES / self.campaign)

    def tables(self) -> list[PublishedTable]:
        core = self.core()
        paths = sorted((TABLES / self.folder).glob("*.tsv"))
        # khung-*.tsv are the frameworks as printed, not result tables
        return [interpret(read_table(p), core) for p in paths if not p.name.startswith("khung")]


BINH_DINH = Seed(
    "binh-dinh",
    2023,
    "binhdinh-2023.yaml",
    "binhdinh-2023",
    ("bang-1-tong-the-cap-so.tsv", "bang-2-tong-the-cap-huyen.tsv"),
)
BINH_PHUOC = Seed(
    "binh-phuoc",
    2024,
    "binhphuoc-2024.yaml",
    "binhphuoc-2024",
    ("phu-luc-1-cap-tinh.tsv", "phu-luc-4-cap-huyen.tsv"),
)
SEEDS = (BINH_DINH, BINH_PHUOC)


def page_of(seed: Seed, table: PublishedTable) -> str:
    base = f"/ket-qua/{seed.province}/{seed.year}/{table.level}/"
    if table.index:
        return f"{base}chi-so-{table.index}/"
    if table.group:
        return f"{base}nhom-{table.group}/"
    return base


def shown(client: Client, seed: Seed, table: PublishedTable) -> dict[str, dict[str, str]]:
    return {row["_unit"]: row for row in rows(get(client, page_of(seed, table)))}


def printed_ranks(table: PublishedTable) -> Iterator[tuple[PublishedRow, int]]:
    """Each row's printed rank: a blank one ties with the row above (Bình Định); a table
    without a rank column (Bình Phước) ranks by its printed order."""
    has_rank = table.column(Role.RANK) is not None
    rank = 0
    for row in table.rows:
        if has_rank:
            rank = rank if row.rank_blank else int(row.rank or 0)
        else:
            rank = int(row.position or 0)
        yield row, rank


def sum_findings(seed: Seed, level: str) -> dict[str, Decimal]:
    """The published level's findings on printed totals: unit name -> the right total."""
    stored = VersionLevel.objects.get(
        version__campaign__province__code=seed.province,
        version__superseded_at__isnull=True,
        version__published_at__isnull=False,
        level=level,
    )
    return {f["unit"]: Decimal(f["expected"]) for f in stored.findings if f["kind"] == "sum"}


def flagged(seed: Seed) -> set[tuple[str, str]]:
    """(table, printed unit name) of every row the audit finds inconsistent, across tables."""
    return {(f.table, f.unit) for f in audit(seed.core(), seed.tables())}


@pytest.fixture
def client(demo) -> Client:
    return Client()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: s.province)
def test_the_general_rankings_equal_the_printed_ones(client: Client, seed: Seed):
    checked = corrected = 0
    for table in seed.tables():
        if table.source not in seed.general:
            continue
        page = shown(client, seed, table)
        assert len(page) == len(table.rows), table.source
        wrong = sum_findings(seed, table.level)
        percent = table.column(Role.RATIO) is not None
        for printed, rank in printed_ranks(table):
            row = page[printed.unit]
            assert int(row["Hạng"]) == rank, (table.source, printed.printed_name)
            if table.column(Role.CLASS) is not None:
                assert row["Xếp loại"] == printed.class_label, printed.printed_name
            if percent:
                assert printed.ratio is not None
                assert number(row[RATIO]) == printed.ratio.value, printed.printed_name
            name = row["Đơn vị"]
            if name in wrong:
                assert printed.total != wrong[name]
                assert number(row["Tổng điểm"]) == wrong[name], name  # computed again
                corrected += 1
            else:
                assert number(row["Tổng điểm"]) == printed.total, name
            checked += 1
    assert checked == {"binh-dinh": 32, "binh-phuoc": 34}[seed.province]
    assert corrected == {"binh-dinh": 1, "binh-phuoc": 16}[seed.province]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: s.province)
def test_classes_appear_exactly_where_the_framework_defines_them(client: Client, seed: Seed):
    for level in ("so", "huyen"):
        html = get(client, f"/ket-qua/{seed.province}/{seed.year}/{level}/")
        assert ("Xếp loại" in headers(html)) is (seed is BINH_PHUOC)


@pytest.mark.django_db
def test_the_main_index_rankings_equal_bình_định_s_printed_tables(client: Client):
    inconsistent = flagged(BINH_DINH)
    checked = 0
    for table in BINH_DINH.tables():
        if table.index is None:
            continue
        page = shown(client, BINH_DINH, table)
        assert len(page) == len(table.rows), table.source
        for printed in table.rows:
            if (table.source, printed.printed_name.rstrip("*")) in inconsistent:
                continue
            row = page[printed.unit]
            assert printed.ratio is not None
            assert number(row[RATIO]) == printed.ratio.value, (table.source, printed.unit)
            assert number(row["Điểm"]) == table.score_of(printed, table.index), printed.unit
            checked += 1
    assert checked == 7 * 21 + 8 * 11 - 2  # Sở Nội vụ in bảng 1.7, Sở LĐTB&XH in bảng 1.3


@pytest.mark.django_db
def test_the_peer_group_rankings_equal_bình_phước_s_printed_appendices(client: Client):
    inconsistent = flagged(BINH_PHUOC)
    checked = 0
    for table in BINH_PHUOC.tables():
        if table.group is None:
            continue
        page = shown(client, BINH_PHUOC, table)
        assert len(page) == len(table.rows), table.source
        for printed in table.rows:
            if (table.source, printed.printed_name) in inconsistent:
                continue
            row = page[printed.unit]
            assert number(row["Điểm so sánh"]) == printed.total, printed.printed_name
            assert row["Xếp loại"] == printed.class_label, printed.printed_name
            checked += 1
    assert checked == 10  # of 23: the other 13 disagree with appendix 1 or with their order


def test_the_reference_tables_are_where_the_tests_read_them():
    for seed in SEEDS:
        for name in seed.general:
            assert Path(TABLES / seed.folder / name).is_file()
