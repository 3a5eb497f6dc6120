"""A hostile number is refused on every path, with where it was, and nothing is stored.

`1e309` (an infinity once a float), `1E+999999999` (a Decimal that overflows when scaled),
NaN, Infinity and numbers of 100,000 digits were stored by some paths (the API, JSON and
XLSX files) or answered 500; a stored one made every page scoring the unit fail. They now
all go through dti.numbers.read_number: finite, |x| ≤ 10^12, at most four decimals."""

from __future__ import annotations

import html
import io
import json
import zipfile

import pytest

from portal.assessments.models import Answer
from tests.portal.assessments.conftest import save_fields, url
from tests.portal.conftest import Cast
from tests.portal.imports.conftest import push
from tests.portal.indicators.conftest import (
    GOOD_ROWS,
    csv_bytes,
    json_item,
    page,
    stored,
    upload,
    xlsx_bytes,
)

# As JSON literals (the API and JSON files carry numbers as numbers).
HOSTILE_LITERALS = {
    "1e309": "1e309",
    "minus-1e309": "-1e309",
    "1E+999999999": "1E+999999999",
    "100000-digits": "9" * 100_000,
    "10^13": "10000000000000",
}
# JSON has no NaN or Infinity; a sender writing them gets the document refused, by name.
NOT_JSON_NUMBERS = ("NaN", "Infinity", "-Infinity")


def document(cast: Cast, literal: str) -> str:
    """A push of the cast's two good rows, the first value replaced by `literal` as is."""
    items = [json_item(row) for row in GOOD_ROWS]
    items[0]["value"] = "@VALUE@"
    body = {"campaign": cast.campaign.pk, "source": "Cổng DVC", "values": items}
    return json.dumps(body).replace('"@VALUE@"', literal)


def assert_pages_answer(cast: Cast) -> None:
    assert cast.client(cast.quang).get(page(cast.campaign)).status_code == 200
    assert cast.client(cast.lan).get(url("form", cast.noi_vu_campaign_unit)).status_code == 200


@pytest.mark.parametrize("literal", HOSTILE_LITERALS.values(), ids=HOSTILE_LITERALS.keys())
def test_a_pushed_hostile_number_is_refused_naming_the_item_and_nothing_is_stored(
    cast, client, bearer, literal
):
    before = stored()
    response = push(client, bearer, document(cast, literal))
    assert response.status_code == 400, response.content[:300]
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(1, "value")]
    assert "Số quá lớn" in errors[0]["message"] or "Không phải" in errors[0]["message"]
    assert stored() == before
    assert_pages_answer(cast)


@pytest.mark.parametrize("literal", NOT_JSON_NUMBERS)
def test_a_pushed_nan_or_infinity_is_refused_by_name(cast, client, bearer, literal):
    before = stored()
    response = push(client, bearer, document(cast, literal))
    assert response.status_code == 400
    assert f"không nhận {literal}" in response.json()["errors"][0]["message"]
    assert stored() == before


@pytest.mark.parametrize("literal", HOSTILE_LITERALS.values(), ids=HOSTILE_LITERALS.keys())
def test_a_hostile_number_in_a_json_file_is_refused_naming_the_item(cast, literal):
    before = stored()
    data = document(cast, literal).encode()
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.json", data)
    assert response.status_code == 400
    assert "so-lieu.json, mục 1, trường value:" in html.unescape(response.content.decode())
    assert stored() == before
    assert_pages_answer(cast)


def _xlsx_with_number(text: str) -> bytes:
    """The good rows as a workbook whose first value cell holds the number `text`, written
    into the sheet's XML as a spreadsheet program would (openpyxl cannot write 1E+309)."""
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    rows[0][3] = 424242  # a marker, replaced in the XML below
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<v>424242</v>", f"<v>{text}</v>".encode())
            target.writestr(member, data)
    return out.getvalue()


@pytest.mark.parametrize("number", ["1E+309", "-1E+309", "1E+15", "9" * 400], ids=lambda n: n[:12])
def test_a_hostile_number_cell_in_an_xlsx_file_is_refused_naming_row_and_column(cast, number):
    before = stored()
    data = _xlsx_with_number(number)
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.xlsx", data)
    assert response.status_code == 400
    assert "so-lieu.xlsx, dòng 2, cột value:" in html.unescape(response.content.decode())
    assert stored() == before
    assert_pages_answer(cast)


def test_a_nan_cell_in_an_xlsx_file_refuses_the_file_as_damaged(cast):
    """No spreadsheet program writes NaN into a cell; openpyxl cannot read the sheet."""
    before = stored()
    data = _xlsx_with_number("NaN")
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.xlsx", data)
    assert response.status_code == 400
    assert "so-lieu.xlsx: Tệp Excel bị hỏng" in html.unescape(response.content.decode())
    assert stored() == before


@pytest.mark.parametrize(
    "text", ["1e309", "-1e309", "NaN", "Infinity", "1E+999999999", "9" * 100_000,
             "10000000000000"],
    ids=lambda t: t[:12],
)  # fmt: skip
def test_a_hostile_number_in_a_csv_file_is_refused_naming_row_and_column(cast, text):
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    rows[0][3] = text
    before = stored()
    data = csv_bytes(rows)
    response = upload(cast.client(cast.quang), cast.campaign, "so-lieu.csv", data)
    assert response.status_code == 400
    assert "so-lieu.csv, dòng 2, cột value:" in html.unescape(response.content.decode())
    assert stored() == before


@pytest.mark.parametrize(
    "text",
    ["1e309", "NaN", "Infinity", "1E+999999999", "9" * 100_000, "10000000000000"],
    ids=lambda t: t[:12],
)
def test_a_hostile_number_typed_in_the_self_assessment_is_refused_next_to_its_field(cast, text):
    field = "value:nts_tuyen_truyen"  # a count: no upper bound of its own
    response = save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, {field: text})
    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    error_at = content.index(f'data-error-for="{field}"')
    assert "số" in content[error_at : error_at + 400].lower()
    assert Answer.objects.count() == 0
    assert_pages_answer(cast)
