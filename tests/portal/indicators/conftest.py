"""What the system-value tests share: import files in each format, the upload as the office
admin posts it, and the state of everything an import may write (to prove a refused one
wrote nothing).

In the cast's framework the only system-sourced criterion is cqs_dvctt ("Tỷ lệ hồ sơ trực
tuyến trên tổng số hồ sơ", 20 points): a formula of the inputs online and total, applying to
units with online public services (Sở Nội vụ: yes; Sở Tư pháp: no)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from portal.audit.models import AuditEntry
from portal.campaigns.models import Campaign
from portal.indicators.models import ImportBatch, SystemValue

SOURCE = "Cổng dịch vụ công tỉnh"
HEADER = ("unit", "criterion", "input", "value", "measured_at", "source")
# Sở Nội vụ: 1 200 of 2 000 records online (60 %, scored 60 / 80 × 20 = 15 points).
GOOD_ROWS = [
    ("so-noi-vu", "cqs_dvctt", "online", "1200", "30/06/2025 08:00", ""),
    ("Sở Nội vụ", "cqs_dvctt", "total", "2000", "30/06/2025", ""),
]


def csv_bytes(
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ";",
    bom: bool = False,
    header: Sequence[str] = HEADER,
) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in row) for row in rows]
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def json_item(row: Sequence[Any]) -> dict[str, Any]:
    return {key: value for key, value in zip(HEADER, row, strict=True) if value != ""}


def json_bytes(rows: Sequence[Sequence[Any]], **top: Any) -> bytes:
    return json.dumps({**top, "values": [json_item(row) for row in rows]}).encode()


def page(campaign: Campaign) -> str:
    return f"/chi-so-he-thong/dot/{campaign.pk}/"


def upload(client, campaign: Campaign, name: str, data: bytes, source: str = SOURCE):  # type: ignore[no-untyped-def]
    file = SimpleUploadedFile(name, data)
    return client.post(f"{page(campaign)}nhap/", {"file": file, "source": source})


def stored() -> tuple[object, ...]:
    """Everything an import writes: values, batches, audit entries."""
    return (
        sorted(SystemValue.objects.values_list("campaign_unit", "criterion", "value", "source")),
        ImportBatch.objects.count(),
        AuditEntry.objects.count(),
    )


def values(campaign: Campaign) -> dict[tuple[str, str], Any]:
    return {
        (v.campaign_unit.unit.code, v.criterion): v.value
        for v in SystemValue.objects.filter(campaign_unit__campaign=campaign).select_related(
            "campaign_unit__unit"
        )
    }


# Who a page of the office must refuse, and how (cast member or None, status). Anonymous
# visitors go to the login page; outsiders learn nothing; members without the role: 403.
REFUSED_WRITE = [
    pytest.param(None, 302, id="anonymous"),
    pytest.param("khoa", 404, id="khoa-other-province"),
    pytest.param("lan", 403, id="lan-reporter"),
    pytest.param("minh", 403, id="minh-approver"),
    pytest.param("thao", 403, id="thao-reporter"),
    pytest.param("hung", 403, id="hung-appraiser"),
    pytest.param("hoa", 403, id="hoa-leadership"),
]


def person(cast, who: str | None):  # type: ignore[no-untyped-def]
    return getattr(cast, who) if who else None


@pytest.fixture
def token(cast):  # type: ignore[no-untyped-def]
    """An active token of Tỉnh Mẫu (any campaign) and its text."""
    from portal.indicators.services import api_token_create

    return api_token_create(province=cast.province, actor=cast.quang, name="Cổng DVC")
