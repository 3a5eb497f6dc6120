"""The demo's open data equals the tables Bình Định (2023) and Bình Phước (2024) printed, unit
by unit, rank and value, wherever the printed row is consistent. Where the audit found a
printed total that does not add up (the level's published findings), the file carries the
figure recomputed from the printed index scores instead, which the finding names."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from portal.publication import selectors
from tests.core.seeds import printed_rows, table


@dataclass(frozen=True)
class Printed:
    province: str
    year: int
    level: str
    file: str
    rank: str  # the printed column ranking the units ("" in a row: tied with the row above)
    value: str  # the printed column of the ranked value
    total: str
    class_column: str | None = None


TABLES = [
    Printed("binh-dinh", 2023, "so", "bang-1-tong-the-cap-so.tsv", "Xếp hạng", "Tỷ lệ", "Tổng điểm"),
    Printed("binh-dinh", 2023, "huyen", "bang-2-tong-the-cap-huyen.tsv", "Xếp hạng", "Tỷ lệ", "Tổng"),
    Printed(
        "binh-phuoc", 2024, "so", "phu-luc-1-cap-tinh.tsv", "STT",
        "Tổng điểm năm 2024", "Tổng điểm năm 2024", "Xếp hạng 2024",
    ),
    Printed(
        "binh-phuoc", 2024, "huyen", "phu-luc-4-cap-huyen.tsv", "STT",
        "Tổng điểm năm 2024", "Tổng điểm năm 2024", "Xếp hạng năm 2024",
    ),
]  # fmt: skip
CLASSES = {"TB": "Trung bình"}  # how the printed tables abbreviate


def published_csv(printed: Printed) -> dict[str, dict[str, str]]:
    address = f"/ket-qua/{printed.province}/{printed.year}/{printed.level}/tong-the.csv"
    response = Client().get(address)
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {row["unit"]: row for row in rows}


def findings(printed: Printed) -> dict[str, dict[str, str]]:
    """The audit's findings on the printed table, by unit."""
    version = selectors.version_at(printed.province, printed.year)
    level = selectors.level_of(version, printed.level)
    return {finding["unit"]: finding for finding in level.findings}


@pytest.mark.django_db
@pytest.mark.parametrize("printed", TABLES, ids=lambda p: f"{p.province}-{p.level}")
def test_the_open_data_equals_the_printed_table_where_it_is_consistent(demo, printed):
    published = published_csv(printed)
    found = findings(printed)
    rows = printed_rows(table(printed.province.replace("-", "") + f"-{printed.year}", printed.file))
    assert len(rows) == len(published)
    consistent = 0
    rank = None
    for row in rows:
        rank = row.cells[printed.rank] or rank  # a blank rank is a tie with the row above
        ours = published[row.name]
        if row.name in found:
            finding = found[row.name]
            column = "value" if finding["column"] == printed.value else "total"
            assert Decimal(ours[column]) == Decimal(finding["expected"]), row.name
            assert Decimal(ours[column]) != Decimal(finding["published"]), row.name
            continue
        consistent += 1
        assert ours["rank"] == rank, row.name
        assert Decimal(ours["value"]) == row.number(printed.value), row.name
        assert Decimal(ours["total"]) == row.number(printed.total), row.name
        if printed.class_column:
            label = row.cells[printed.class_column]
            assert ours["class"] == CLASSES.get(label, label), row.name
    assert consistent >= 1


@pytest.mark.django_db
def test_binh_dinh_2023_has_no_class_column_as_its_framework_has_no_classes(demo):
    published = published_csv(TABLES[0])
    first = next(iter(published.values()))
    assert "class" not in first and "previous_class" not in first
