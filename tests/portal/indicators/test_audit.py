"""Every imported value is written to the audit trail inside the import's transaction: who
(the person, or "API: <token name>" for a push), the value before and after, and why (the
source and when it was measured). A refused import leaves no entry (test_import_refusals)."""

from __future__ import annotations

import json

from portal.audit.models import AuditEntry
from portal.indicators.models import SystemValue
from tests.portal.indicators.conftest import GOOD_ROWS, csv_bytes, json_item, upload


def system_value_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(entity="system_value").order_by("pk"))


def test_an_upload_records_who_what_and_why_for_each_value(cast):
    upload(cast.client(cast.quang), cast.campaign, "a.csv", csv_bytes(GOOD_ROWS))
    (entry,) = system_value_entries()
    value = SystemValue.objects.get()
    assert (entry.action, entry.actor, entry.actor_name) == (
        "import",
        cast.quang,
        "Đặng Minh Quang",
    )
    assert (
        entry.campaign_id,
        entry.unit_id,
        entry.criterion,
        entry.entity_id,
    ) == (
        cast.campaign.pk,
        cast.noi_vu.pk,
        "cqs_dvctt",
        str(value.pk),
    )
    assert entry.province_id == cast.province.pk
    assert (entry.old, entry.new) == (None, {"online": "1200", "total": "2000"})
    assert entry.reason == "Cổng dịch vụ công tỉnh, đo lúc 30/06/2025 08:00"


def test_a_new_import_records_the_value_it_replaces(cast):
    client = cast.client(cast.quang)
    upload(client, cast.campaign, "a.csv", csv_bytes(GOOD_ROWS))
    later = [(*GOOD_ROWS[0][:3], "1500", "31/07/2025 17:30", ""), GOOD_ROWS[1]]
    upload(client, cast.campaign, "b.csv", csv_bytes(later), source="Cổng DVC quốc gia")
    first, second = system_value_entries()
    assert second.old == first.new == {"online": "1200", "total": "2000"}
    assert second.new == {"online": "1500", "total": "2000"}
    assert second.reason == "Cổng DVC quốc gia, đo lúc 31/07/2025 17:30"


def test_a_push_names_its_token(cast, client, token):
    _, text = token
    document = {
        "campaign": cast.campaign.pk,
        "source": "Cổng DVC",
        "values": [json_item(r) for r in GOOD_ROWS],
    }
    response = client.post(
        "/api/indicators",
        json.dumps(document),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {text}",
    )
    assert response.status_code == 200
    (entry,) = system_value_entries()
    assert (entry.actor, entry.actor_name, entry.reason) == (
        None,
        "API: Cổng DVC",
        "Cổng DVC, đo lúc 30/06/2025 08:00",
    )
