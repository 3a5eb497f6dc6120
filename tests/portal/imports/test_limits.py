"""Every upload path is bounded before it is parsed: size, rows, nesting, the unpacked size
of a workbook, XML entities and YAML aliases. A file past a limit is refused with a message
that says which limit, in Vietnamese, quickly, and nothing is stored."""

from __future__ import annotations

import html
import json
import time

import openpyxl.xml
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.units.workbook import UNIT_COLUMNS
from tests.portal.conftest import Cast
from tests.portal.frameworks.conftest import versions_state
from tests.portal.frameworks.test_workbook import HAND_NODES, HAND_POLICY, filled
from tests.portal.imports.conftest import push
from tests.portal.imports.workbooks import (
    ENTITY_BOMB,
    SHEET,
    inline_row,
    many_entries,
    sheet_xml,
    titled_book,
    with_parts,
)
from tests.portal.indicators.conftest import (
    GOOD_ROWS,
    HEADER,
    csv_bytes,
    json_item,
    stored,
    upload,
    xlsx_bytes,
)
from tests.portal.units.conftest import registry_state

UNITS_URL = "/don-vi/tinh/tinh-mau/nhap/"
FRAMEWORK_XLSX_URL = "/bo-chi-so/tinh/tinh-mau/nhap-excel/"
FRAMEWORK_YAML_URL = "/bo-chi-so/tinh/tinh-mau/nhap-yaml/"
# 50 MB of one byte: a 50 KB part that unpacks a thousand times its size.
RATIO_BOMB = {"xl/media/bom.bin": b"0" * (50 * 1024 * 1024)}


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def post_units(cast: Cast, data: bytes):  # type: ignore[no-untyped-def]
    file = SimpleUploadedFile("don-vi.xlsx", data)
    return cast.client(cast.quang).post(UNITS_URL, {"file": file})


def post_framework(cast: Cast, url: str, name: str, data: bytes):  # type: ignore[no-untyped-def]
    form = {"year": "2026", "level": "so", "file": SimpleUploadedFile(name, data)}
    return cast.client(cast.quang).post(url, form)


def units_workbook(rows: int, *, same: bool = False) -> bytes:
    lines = [inline_row(UNIT_COLUMNS)]
    lines += [
        inline_row(("xa-a", "Xã A", "xa") if same else (f"xa-{n}", f"Xã {n}", "xa"))
        for n in range(2, rows + 2)
    ]
    return with_parts(titled_book("Đơn vị"), {SHEET: sheet_xml(lines)})


# ---- the units workbook --------------------------------------------------------------


def test_a_units_workbook_of_300000_rows_is_refused_in_seconds_and_nothing_changes(cast):
    data = units_workbook(300_000, same=True)
    assert len(data) < 200 * 1024  # small on the wire, as the reported file was
    before = registry_state()
    started = time.perf_counter()
    response = post_units(cast, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert "Danh mục không thay đổi" in text_of(response)
    assert "không đọc" in text_of(response)
    assert elapsed < 20, elapsed  # it held a worker for 9 minutes
    assert registry_state() == before


def test_a_units_workbook_past_the_row_limit_is_refused_by_its_sheet(cast):
    before = registry_state()
    response = post_units(cast, units_workbook(10_001))
    assert "Sheet Đơn vị: quá 10000 dòng, không đọc tiếp" in text_of(response)
    assert registry_state() == before


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("ratio", "nén quá mức (giải nén gấp hơn 200 lần): không đọc."),
        ("entries", "phần, tối đa 1000: không đọc."),
        ("entities", "Tệp không phải là tệp Excel (.xlsx) đọc được."),
    ],
)
def test_a_units_workbook_bomb_is_refused_before_it_is_parsed(cast, case, message):
    data = _bomb(titled_book("Đơn vị"), case)
    before = registry_state()
    response = post_units(cast, data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert registry_state() == before


def _bomb(base: bytes, case: str) -> bytes:
    if case == "ratio":
        return with_parts(base, RATIO_BOMB)
    if case == "entries":
        return many_entries(base, 1_001)
    return with_parts(base, {SHEET: ENTITY_BOMB.encode()})  # the first sheet


def test_a_units_workbook_larger_than_5_mb_is_refused_unread(cast):
    before = registry_state()
    response = post_units(cast, b"PK\x03\x04" + b"0" * (5 * 1024 * 1024 + 1))
    assert "Tệp quá lớn: tối đa 5 MB." in text_of(response)
    assert registry_state() == before


def test_openpyxl_reads_xml_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


# ---- the framework workbook and YAML ---------------------------------------------------


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("ratio", "nén quá mức (giải nén gấp hơn 200 lần): không đọc."),
        ("entries", "phần, tối đa 1000: không đọc."),
        ("entities", "Tệp không phải là tệp Excel (.xlsx) đọc được."),
    ],
)
def test_a_framework_workbook_bomb_is_refused_before_it_is_parsed(cast, unchanged, case, message):
    data = _bomb(filled(HAND_NODES, HAND_POLICY), case)
    response = post_framework(cast, FRAMEWORK_XLSX_URL, "bo-chi-so.xlsx", data)
    assert message in text_of(response)
    assert "Chưa có gì được lưu" in text_of(response)


def test_a_framework_workbook_past_the_row_limit_is_refused_by_its_sheet(cast, unchanged):
    nodes = [["nts", None, "Nhận thức số", "Chỉ số chính"]]
    nodes += [[f"nts_{n}", "nts", f"Tiêu chí {n}", None, 1] for n in range(2_001)]
    response = post_framework(cast, FRAMEWORK_XLSX_URL, "lon.xlsx", filled(nodes, HAND_POLICY))
    assert "Sheet Tiêu chí: quá 2000 dòng, không đọc tiếp" in text_of(response)


def _laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


YAML_REFUSALS = {
    "billion-laughs": (_laughs(10), "quá nhiều giá trị (tính cả bí danh *tên): tối đa 200000"),
    "5000-levels": ("[" * 5000 + "]" * 5000, "lồng quá sâu: tối đa 40 cấp"),
    "100000-digits": ("kind: framework\nmax: " + "9" * 100_000, "số quá dài"),
    "1e309": ("kind: framework\nmax: 1.0e+309\n", "Số quá lớn"),
    "too-large": ("# " + "x" * (512 * 1024) + "\n", "Tệp quá lớn: tối đa 512 KB."),
}


@pytest.mark.parametrize("case", YAML_REFUSALS)
def test_a_hostile_yaml_file_is_refused_with_what_is_wrong(cast, unchanged, case):
    text, message = YAML_REFUSALS[case]
    response = post_framework(cast, FRAMEWORK_YAML_URL, "bo-chi-so.yaml", text.encode())
    assert response.status_code == 200
    assert message in text_of(response)
    assert versions_state() is not None


@pytest.fixture
def unchanged(cast):  # type: ignore[no-untyped-def]
    before = versions_state()
    yield
    assert versions_state() == before


# ---- system values: XLSX, JSON files and the API ---------------------------------------


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("ratio", "so-lieu.xlsx: Tệp Excel có phần “xl/media/bom.bin” nén quá mức"),
        ("entities", "so-lieu.xlsx: Tệp Excel bị hỏng, không đọc được."),
    ],
)
def test_a_system_values_workbook_bomb_is_refused(cast, case, message):
    before = stored()
    data = _bomb(xlsx_bytes(GOOD_ROWS), case)
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.xlsx", data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert stored() == before


def body(cast: Cast, **first: object) -> str:
    items = [json_item(row) for row in GOOD_ROWS]
    items[0].update(first)
    return json.dumps({"campaign": cast.campaign.pk, "source": "Cổng DVC", "values": items})


def test_a_pushed_body_nested_5000_deep_is_refused_by_name(cast, client, bearer):
    before = stored()
    response = push(client, bearer, "[" * 5000 + "]" * 5000)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "JSON lồng quá sâu: tối đa 20 cấp."
    assert stored() == before


@pytest.mark.parametrize("field", ["unit", "source", "measured_at"])
def test_a_pushed_lone_surrogate_is_refused_naming_the_item_and_field(cast, client, bearer, field):
    before = stored()
    text = body(cast, **{field: "Sở Nội vụ @"}).replace("@", "\\ud800")
    response = push(client, bearer, text)
    assert response.status_code == 400, response.content[:200]
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(1, field)]
    assert errors[0]["message"] == "chứa ký tự điều khiển U+D800"
    assert stored() == before


def test_a_lone_surrogate_in_a_json_file_is_refused_naming_the_item(cast):
    before = stored()
    data = body(cast, source="nguồn @").replace("@", "\\udfff").encode()
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.json", data)
    assert response.status_code == 400
    assert "so-lieu.json, mục 1, trường source: chứa ký tự điều khiển U+DFFF" in text_of(response)
    assert stored() == before


@pytest.mark.parametrize("moment", ["01/01/0001", "0001-01-01T00:00:00", "31/12/1899"])
def test_a_measurement_in_year_0001_is_refused_with_its_row(cast, moment):
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    rows[0][HEADER.index("measured_at")] = moment
    before = stored()
    data = csv_bytes(rows)
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.csv", data)
    assert response.status_code == 400
    assert "so-lieu.csv, dòng 2, cột measured_at: Ngày" in text_of(response)
    assert "nằm ngoài khoảng năm 1900–2100" in text_of(response)
    assert stored() == before


def test_a_pushed_measurement_in_year_0001_is_refused_naming_the_item(cast, client, bearer):
    before = stored()
    response = push(client, bearer, body(cast, measured_at="01/01/0001"))
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(1, "measured_at")]
    assert stored() == before
