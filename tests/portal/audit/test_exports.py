"""Exports of the filtered log: CSV in UTF-8 with a byte order mark (Excel reads the
Vietnamese letters), XLSX with times as dates; the rows the person may read and the filters
keep, every one of them; text is never run as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from portal.audit.models import AuditEntry
from portal.audit.rows import LogRow
from portal.audit.services import audit_record
from portal.auditlog import exports
from tests.portal.audit.conftest import Log
from tests.portal.conftest import Cast
from tests.portal.jobs import made_file

pytestmark = pytest.mark.django_db


def export(cast: Cast, who: str, fmt: str, **query: object):  # type: ignore[no-untyped-def]
    """The CSV, streamed; the XLSX, made by the worker from the page's filters (a job)."""
    client = cast.client(getattr(cast, who))
    if fmt == "xlsx":
        started = client.post(
            reverse("audit:export_xlsx", args=[cast.campaign.pk]), {"query": urlencode(query)}
        )
        return made_file(client, started)
    return client.get(reverse("audit:export", args=[cast.campaign.pk, fmt]), query)


def streamed(response) -> bytes:  # type: ignore[no-untyped-def]
    assert response.streaming  # sent as it is made, never held whole
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    data = streamed(response)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_has_a_bom_a_header_and_every_entry(cast: Cast, log: Log):
    response = export(cast, "quang", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="nhat-ky-dot-{cast.campaign.pk}.csv"'
    )
    header, *rows = csv_rows(response)
    assert header[:9] == [
        "Mã mục",
        "Thời điểm",
        "Người thực hiện",
        "Đơn vị",
        "Tiêu chí",
        "Thay đổi",
        "Giá trị cũ",
        "Giá trị mới",
        "Lý do",
    ]
    assert [int(row[0]) for row in rows] == list(reversed(log.ids))  # newest first
    answer = next(row for row in rows if row[0] == str(log.ids[1]))
    assert answer[2:8] == [
        "Nguyễn Thị Lan",
        "Sở Nội vụ",
        "cqs_ky_so",
        "Giá trị tự đánh giá: lưu nháp",
        "60",
        "87,5; thuyết minh: Theo báo cáo",
    ]
    assert answer[9:11] == ['{"note":"","value":"60"}', '{"note":"Theo báo cáo","value":"87.5"}']


def test_a_unit_exports_only_its_own_entries_whatever_it_asks(cast: Cast, log: Log):
    _, *rows = csv_rows(export(cast, "thao", "csv", unit=cast.noi_vu.pk))
    assert rows == []
    _, *rows = csv_rows(export(cast, "thao", "csv"))
    assert {row[3] for row in rows} == {"Sở Tư pháp"}


def test_the_export_keeps_the_filters(cast: Cast, log: Log):
    _, *rows = csv_rows(export(cast, "quang", "csv", unit=cast.noi_vu.pk, criterion="cqs_ky_so"))
    assert [int(row[0]) for row in rows] == [log.ids[1], log.ids[0]]


def test_the_xlsx_has_the_rows_with_times_as_dates(cast: Cast, log: Log):
    response = export(cast, "hoa", "xlsx", entity="deadline")
    assert response["Content-Disposition"].endswith(f'nhat-ky-dot-{cast.campaign.pk}.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content))["Nhật ký thay đổi"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Nhật ký thay đổi — Đánh giá chuyển đổi số năm 2025")
    assert rows[1][0] == "Mã mục"
    [deadline] = rows[2:]
    assert deadline[0] == log.ids[5]
    local = timezone.localtime(log.entries[5].at).replace(tzinfo=None)
    assert abs(deadline[1] - local) < dt.timedelta(seconds=1)  # the time shown on the page
    assert deadline[6:9] == (
        "30/06/2025 17:00",
        "15/07/2025 17:00",
        "Gia hạn chung theo công văn 12/STTTT",
    )
    assert sheet.freeze_panes == "A3"
    assert sheet.cell(row=3, column=2).number_format == "dd/mm/yyyy hh:mm:ss"
    assert sheet.cell(row=3, column=5).value is None  # no criterion: an empty cell, not ""


def test_text_is_never_run_as_a_formula(cast: Cast):
    audit_record(
        actor=cast.lan,
        entity="answer",
        action="save",
        campaign=cast.campaign,
        unit=cast.noi_vu,
        reason='=HYPERLINK("http://x","bấm")',
        new="-5.5",
    )
    _, row = csv_rows(export(cast, "quang", "csv"))
    assert row[8] == '\'=HYPERLINK("http://x","bấm")'
    assert row[7] == "-5,5"  # a negative number stays a number
    sheet = load_workbook(io.BytesIO(export(cast, "quang", "xlsx").content)).active
    assert sheet.cell(row=3, column=9).data_type == "s"
    # the apostrophe too: a string cell is not run, but one edited and confirmed would be
    assert sheet.cell(row=3, column=9).value == '\'=HYPERLINK("http://x","bấm")'


def test_an_unknown_format_is_not_found(cast: Cast, log: Log):
    assert export(cast, "quang", "pdf").status_code == 404


def test_the_export_is_vietnamese_whatever_the_pages_language(cast: Cast, log: Log):
    target = reverse("audit:export", args=[cast.campaign.pk, "csv"])
    response = cast.client(cast.quang).get(target, HTTP_ACCEPT_LANGUAGE="en")
    assert "Giá trị tự đánh giá: lưu nháp" in streamed(response).decode("utf-8-sig")


def test_the_csv_starts_with_its_header_before_any_entry_is_read(
    cast: Cast, log: Log, monkeypatch, django_assert_max_num_queries
):
    """The first piece is the header, made before the database is asked for entries; then
    the entries come CSV_BATCH at a time, in a few queries whatever their number."""
    monkeypatch.setattr(exports, "CSV_BATCH", 2)
    response = export(cast, "quang", "csv")
    pieces = iter(response.streaming_content)
    with django_assert_max_num_queries(0):
        first = next(pieces)
    assert first == "\ufeff".encode() + (",".join(exports.COLUMNS) + "\r\n").encode()
    with django_assert_max_num_queries(3):
        rest = list(pieces)
    entries = AuditEntry.objects.filter(campaign=cast.campaign).count()
    assert len(rest) == -(-entries // 2)  # ceil: two entries a piece
    assert len(list(csv.reader(io.StringIO(b"".join(rest).decode())))) == entries


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_text_of_the_xlsx_can_start_as_a_formula(text: str):
    """A spreadsheet runs a text starting with "=" as a formula once it is pasted elsewhere:
    the texts the XLSX holds are made inert as the CSV's are."""
    row = LogRow(
        id=1, at=dt.datetime(2025, 7, 1, 8, 30, tzinfo=dt.UTC), actor=text, unit_id=None,
        unit=text, criterion=text, criterion_name=text, entity=text, what=text, old=text,
        new=text, old_plain=text, new_plain=text, changes_technical=text, reason=text,
        reason_plain=text, reason_technical=text, old_json=text, new_json=text,
    )  # fmt: skip
    [cells] = exports.xlsx_cells([row])
    assert cells[:2] == [1, dt.datetime(2025, 7, 1, 8, 30)]
    for cell in cells[2:]:
        assert cell is None if text == "" else isinstance(cell, str)
        assert cell is None or not cell.startswith("=")


def _row(text: str, pk: int = 1) -> LogRow:
    return LogRow(
        id=pk, at=dt.datetime(2025, 7, 1, 8, 30, tzinfo=dt.UTC), actor="Lan", unit_id=None,
        unit="Sở Nội vụ", criterion="c1", criterion_name="c1", entity="answer", what="Sửa",
        old="1", new="2", old_plain="1", new_plain="2", changes_technical="",
        reason=text, reason_plain=text, reason_technical="", old_json="1", new_json="2",
    )  # fmt: skip


def test_the_xlsx_holds_texts_as_texts_and_cuts_one_past_a_cells_room():
    """A number-like, a link-like and a formula-like text stay texts; a text longer than
    a cell holds (32,767 characters) is cut and ends with "…", never dropped silently."""
    texts = ["12,5", "https://vi.wikipedia.org", "=1+1", "x" * 40_000]
    book = load_workbook(
        io.BytesIO(exports.log_xlsx([_row(t, n) for n, t in enumerate(texts)], "T"))
    )
    sheet = book.active
    reasons = [sheet.cell(row=3 + n, column=9).value for n in range(len(texts))]
    assert reasons[:3] == ["12,5", "https://vi.wikipedia.org", "'=1+1"]
    assert len(reasons[3]) == exports.XLSX_CELL and reasons[3].endswith("…")
    assert all(sheet.cell(row=3 + n, column=9).data_type == "s" for n in range(len(texts)))


def test_more_entries_than_a_sheet_has_rows_say_to_filter_or_take_the_csv(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_ROWS", 5)  # a title, a header and 3 entries
    exports.log_xlsx([_row("a", n) for n in range(3)], "T")
    with pytest.raises(exports.TooManyRows, match=r"hãy lọc bớt .* hoặc tải tệp CSV"):
        exports.log_xlsx([_row("a", n) for n in range(4)], "T")
