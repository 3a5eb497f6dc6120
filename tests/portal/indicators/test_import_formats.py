"""The office admin imports system values from a CSV (";" or ",", with or without a BOM),
an XLSX or a JSON file on the campaign's page: one row per unit × criterion × formula input,
units by code or by name, numbers with a decimal comma or point. A new import replaces the
value; the batch says who, when, from which source and file."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.utils import timezone

from portal.indicators.models import ImportBatch, SystemValue
from tests.portal.indicators.conftest import (
    GOOD_ROWS,
    SOURCE,
    csv_bytes,
    json_bytes,
    page,
    upload,
    values,
    xlsx_bytes,
)

FILES = {
    "semicolon.csv": lambda rows: csv_bytes(rows),
    "comma-bom.csv": lambda rows: csv_bytes(rows, delimiter=",", bom=True),
    "so-lieu.xlsx": lambda rows: xlsx_bytes(rows),
    "so-lieu.json": lambda rows: json_bytes(rows),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_it_imports_each_format(cast, name):
    client = cast.client(cast.quang)
    response = upload(client, cast.campaign, name, FILES[name](GOOD_ROWS))
    assert response.status_code == 302
    assert values(cast.campaign) == {
        ("so-noi-vu", "cqs_dvctt"): {"online": "1200", "total": "2000"}
    }
    value = SystemValue.objects.get()
    assert value.source == SOURCE
    # the latest of the inputs' measuring times, in the portal's time zone
    assert timezone.localtime(value.measured_at).replace(tzinfo=None) == datetime(2025, 6, 30, 8)
    batch = ImportBatch.objects.get()
    assert (batch.count, batch.file_name, batch.created_by, batch.actor_name) == (
        1,
        name,
        cast.quang,
        "Đặng Minh Quang",
    )
    assert batch.format == name.rsplit(".", 1)[1]
    shown = client.get(page(cast.campaign)).content.decode()
    assert "Đã nhập 1 giá trị" in shown
    assert name in shown and SOURCE in shown


def test_numbers_take_a_decimal_comma_or_point_and_spreadsheet_numbers_as_they_are(cast):
    rows = [("so-noi-vu", "cqs_dvctt", "online", "1234,5", "2025-06-30T08:00:00+07:00", "")]
    rows.append(("so-noi-vu", "cqs_dvctt", "total", "2000.25", "2025-06-30", ""))
    upload(cast.client(cast.quang), cast.campaign, "a.csv", csv_bytes(rows))
    assert values(cast.campaign)[("so-noi-vu", "cqs_dvctt")] == {
        "online": "1234.5",
        "total": "2000.25",
    }
    numbers = [("so-noi-vu", "cqs_dvctt", "online", 1500, datetime(2025, 7, 1, 9, 30), "")]
    numbers.append(("so-noi-vu", "cqs_dvctt", "total", 2500.5, datetime(2025, 7, 1), ""))
    upload(cast.client(cast.quang), cast.campaign, "b.xlsx", xlsx_bytes(numbers))
    assert values(cast.campaign)[("so-noi-vu", "cqs_dvctt")] == {
        "online": "1500",
        "total": "2500.5",
    }


def test_vietnamese_column_names_and_a_source_per_row_are_accepted(cast):
    header = ("Đơn vị", "Tiêu chí", "Đầu vào", "Giá trị", "Thời điểm đo", "Nguồn")
    rows = [(*row[:5], "Hệ thống một cửa điện tử") for row in GOOD_ROWS]
    response = upload(
        cast.client(cast.quang), cast.campaign, "vi.csv", csv_bytes(rows, header=header)
    )
    assert response.status_code == 302
    assert SystemValue.objects.get().source == "Hệ thống một cửa điện tử"
    assert ImportBatch.objects.get().source == SOURCE  # the form's source names the batch


def test_a_json_file_may_name_its_source_and_campaign(cast):
    data = json_bytes(GOOD_ROWS, source="Hệ thống quản lý văn bản", campaign=cast.campaign.pk)
    response = upload(cast.client(cast.quang), cast.campaign, "x.json", data, source="Khác")
    assert response.status_code == 302
    assert SystemValue.objects.get().source == "Khác"  # the form's source comes first
    document = json.loads(data)
    document.pop("campaign")
    response = upload(
        cast.client(cast.quang), cast.campaign, "y.json", json.dumps(document).encode(), source=""
    )
    assert response.status_code == 400  # the form asks for a source whatever the file says


def test_a_new_import_replaces_the_value_and_the_batches_keep_the_history(cast):
    client = cast.client(cast.quang)
    upload(client, cast.campaign, "june.csv", csv_bytes(GOOD_ROWS))
    later = [
        ("so-noi-vu", "cqs_dvctt", "online", "1800", "31/07/2025 17:00", ""),
        ("so-noi-vu", "cqs_dvctt", "total", "2000", "31/07/2025 17:00", ""),
    ]
    upload(client, cast.campaign, "july.csv", csv_bytes(later), source="Cổng DVC quốc gia")
    value = SystemValue.objects.get()
    assert value.value == {"online": "1800", "total": "2000"}
    assert value.source == "Cổng DVC quốc gia"
    assert value.batch.file_name == "july.csv"
    assert list(ImportBatch.objects.values_list("file_name", flat=True)) == [
        "july.csv",
        "june.csv",
    ]
    shown = client.get(page(cast.campaign)).content.decode()
    batches = shown[shown.index('id="batches"') :]
    assert batches.index("july.csv") < batches.index("june.csv")
