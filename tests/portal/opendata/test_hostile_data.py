"""Hostile names published through the real path reach the open data harmless: no cell of
a workbook meant for people is a formula (headers included: a main index's name is a
column's title), no CSV cell starts a formula, the JSON and the data package stay valid
JSON carrying the names as typed, the sitemap stays valid XML."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from lxml import etree
from openpyxl import load_workbook

from tests.portal.public.hostile import FORMULAS, INDEX_NAMES, NAMES, Hostile, hostile_publication

FORMULA_START = ("=", "+", "-", "@")


@pytest.fixture
def hostile(db: None) -> Hostile:
    return hostile_publication()


def _download(url: str) -> bytes:
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content


def _formulas(workbook: bytes) -> list[str]:
    """Every formula in the workbook's sheets, as stored in the file."""
    found = []
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                root = etree.fromstring(archive.read(name))
                found += [f.text or "" for f in root.iter("{*}f")]
    return found


@pytest.mark.parametrize("table", ["tong-the", "chi-so-{index}", "nhom-co_dvctt"])
def test_no_cell_of_a_table_workbook_is_a_formula(hostile: Hostile, table: str):
    url = hostile.url(f"so/{table.format(index=hostile.index_codes[0])}.xlsx")
    content = _download(url)
    assert _formulas(content) == []
    sheet = load_workbook(io.BytesIO(content)).active
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    for text in texts:
        assert not text.startswith("="), text
    assert any("'" + name in texts for name in FORMULAS)  # shown as a spreadsheet shows it


def test_a_main_index_named_like_a_formula_is_a_plain_column_title(hostile: Hostile):
    sheet = load_workbook(io.BytesIO(_download(hostile.url("so/tong-the.xlsx")))).active
    titles = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert any(str(title).startswith("'" + INDEX_NAMES[1]) for title in titles), titles
    assert all(cell.data_type == "s" for cell in next(sheet.iter_rows(min_row=2, max_row=2)))


def test_the_report_workbook_has_no_formula_either(hostile: Hostile):
    assert _formulas(_download(hostile.url("bao-cao.xlsx"))) == []


def test_no_csv_cell_starts_a_formula_and_each_is_read_back_as_typed(hostile: Hostile):
    content = _download(hostile.url("so/tong-the.csv")).decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(content)))
    names = [line["unit"] for line in lines]
    assert all(not name.startswith(FORMULA_START) for name in names)
    assert sorted(name[1:] if name.startswith("'") else name for name in names) == sorted(NAMES)


def test_json_and_data_package_carry_the_names_as_typed(hostile: Hostile):
    rows = json.loads(_download(hostile.url("so/tong-the.json")))["rows"]
    assert sorted(row["unit"] for row in rows) == sorted(NAMES)
    package = json.loads(_download(hostile.url("datapackage.json")))
    titles = [f["title"] for r in package["resources"] for f in r["schema"]["fields"]]
    assert any(title.startswith(INDEX_NAMES[0]) for title in titles)


def test_the_sitemaps_stay_valid_xml(hostile: Hostile):
    index = etree.fromstring(_download("/sitemap.xml"))
    for loc in index.iter("{*}loc"):
        path = loc.text.split("://", 1)[1].split("/", 1)[1]
        etree.fromstring(_download("/" + path))
