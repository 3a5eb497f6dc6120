"""The portal's workbooks and CSV keep text as text: a unit, framework or note that reads
like a formula comes out inert (an apostrophe first), a control character stored before the
portal refused them is dropped so the file still opens, and a workbook exported and
imported again keeps its names as typed."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from portal.audit.services import audit_record
from portal.frameworks.workbook import read_framework_workbook
from portal.units.models import Unit
from portal.units.workbook import read_registry
from tests.portal.conftest import Cast
from tests.portal.jobs import made_file

FORMULA = '=HYPERLINK("http://x","y")'
INERT = "'" + FORMULA


def cells_of(data: bytes, sheet: str | None = None) -> list[tuple[str, object]]:
    book = load_workbook(io.BytesIO(data))
    rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows()
    return [(cell.data_type, cell.value) for row in rows for cell in row]


def test_a_unit_named_like_a_formula_is_exported_as_text_and_imported_as_typed(cast: Cast):
    Unit.objects.filter(pk=cast.noi_vu.pk).update(name=FORMULA, aliases=["@SUM(A1)"])
    data = cast.client(cast.quang).get("/don-vi/tinh/tinh-mau/xuat.xlsx").content
    cells = cells_of(data, "Đơn vị")
    assert ("s", INERT) in cells and ("s", "'@SUM(A1)") in cells
    assert not [value for kind, value in cells if kind == "f"]
    units, _ = read_registry(data)
    assert {unit.code: (unit.name, unit.aliases) for unit in units}["so-noi-vu"] == (
        FORMULA,
        ["@SUM(A1)"],
    )


def test_a_unit_stored_with_a_control_character_still_exports(cast: Cast):
    Unit.objects.filter(pk=cast.noi_vu.pk).update(name="Sở\x0bNội vụ\x1f")
    data = cast.client(cast.quang).get("/don-vi/tinh/tinh-mau/xuat.xlsx").content
    assert ("s", "SởNội vụ") in cells_of(data, "Đơn vị")


def test_a_framework_named_like_a_formula_is_exported_as_text_and_imported_as_typed(cast: Cast):
    document = cast.framework.document
    document["name"] = FORMULA
    document["nodes"][0]["name"] = "+84 Nhận thức số"
    document["nodes"][1]["name"] = "Chính quyền\x0bsố"
    cast.framework.save()
    data = cast.client(cast.quang).get(f"/bo-chi-so/{cast.framework.pk}/bo-chi-so.xlsx").content
    cells = cells_of(data, "Tiêu chí") + cells_of(data, "Chính sách")
    assert ("s", INERT) in cells and ("s", "'+84 Nhận thức số") in cells
    assert ("s", "Chính quyềnsố") in cells
    assert not [value for kind, value in cells if kind == "f"]
    framework, _ = read_framework_workbook(data)
    assert (framework["name"], framework["nodes"][0]["name"]) == (FORMULA, "+84 Nhận thức số")


def export_log(cast: Cast, fmt: str) -> bytes:
    """The CSV, streamed; the XLSX, made by the worker (a job) and downloaded from its page."""
    client = cast.client(cast.quang)
    address = f"/nhat-ky/dot/{cast.campaign.pk}/nhat-ky.{fmt}"
    if fmt == "xlsx":
        return bytes(made_file(client, client.post(address)).content)
    response = client.get(address)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def test_a_note_stored_with_control_characters_still_exports_to_a_workbook(cast: Cast):
    audit_record(
        actor=cast.lan,
        entity="answer",
        action="save",
        campaign=cast.campaign,
        unit=cast.noi_vu,
        reason="Ghi\x0bchú\x1b cũ",
        new="1",
    )
    assert ("s", "Ghichú cũ") in cells_of(export_log(cast, "xlsx"))
    rows = list(csv.reader(io.StringIO(export_log(cast, "csv").decode("utf-8-sig"))))
    assert rows[1][8] == "Ghichú cũ"


def test_a_unit_named_like_a_formula_is_text_in_the_audit_exports(cast: Cast):
    Unit.objects.filter(pk=cast.noi_vu.pk).update(name=FORMULA)
    audit_record(
        actor=cast.lan,
        entity="answer",
        action="save",
        campaign=cast.campaign,
        unit=Unit.objects.get(pk=cast.noi_vu.pk),
        reason="x",
        new="1",
    )
    rows = list(csv.reader(io.StringIO(export_log(cast, "csv").decode("utf-8-sig"))))
    assert rows[1][3] == INERT
    assert ("s", INERT) in cells_of(export_log(cast, "xlsx"))
