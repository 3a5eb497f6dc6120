"""An import of system values writes in bulk: its queries do not grow with its rows (a
province's file of 150 units × several criteria, or a push of 20,000 values, is a handful of
statements, not two per value), and what it writes is what one value at a time would."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.assessments.models import Submission
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.campaigns.models import CampaignUnit
from portal.indicators.models import SystemValue
from portal.indicators.services import system_values_upload
from portal.units.models import Unit
from tests.portal.indicators.conftest import csv_bytes


def communes(cast, count: int, prefix: str = "so-them") -> list[str]:  # type: ignore[no-untyped-def]
    """`count` more units of the cast's level in its campaign, offering online services."""
    codes = []
    for n in range(count):
        unit = Unit.objects.create(
            province=cast.province, code=f"{prefix}-{n}", name=f"Sở {prefix} {n}", level="so",
            attributes={"has_online_public_services": True},
        )  # fmt: skip
        campaign_unit = CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
        Submission.objects.create(campaign_unit=campaign_unit)
        codes.append(unit.code)
    return codes


def rows_for(codes: list[str], online: int) -> list[tuple[str, ...]]:
    return [
        row
        for code in codes
        for row in (
            (code, "cqs_dvctt", "online", str(online), "30/06/2025 08:00", ""),
            (code, "cqs_dvctt", "total", "2000", "30/06/2025 08:00", ""),
        )
    ]


def imported(cast, rows: list[tuple[str, ...]]) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        system_values_upload(
            campaign=cast.campaign, actor=cast.quang, data=csv_bytes(rows),
            file_name="so-lieu.csv", source="Cổng dịch vụ công tỉnh",
        )  # fmt: skip
    return len(queries)


def test_an_import_costs_the_same_queries_for_two_units_or_forty(cast):
    few, many = communes(cast, 2, "so-it"), communes(cast, 40, "so-nhieu")
    small = imported(cast, rows_for(few, 1200))
    large = imported(cast, rows_for(many, 1200))
    assert large == small, (small, large)
    # and again, replacing every value: the same
    assert imported(cast, rows_for(many, 1500)) == small
    values = SystemValue.objects.filter(campaign_unit__unit__code__in=many)
    assert len(values) == 40
    assert all(v.value == {"online": "1500", "total": "2000"} for v in values)


def test_each_value_written_in_bulk_is_audited_with_its_old_and_new_value(cast):
    codes = communes(cast, 3)
    imported(cast, rows_for(codes, 1200))
    imported(cast, rows_for(codes, 1500))
    entries = AuditEntry.objects.filter(entity="system_value").order_by("pk")
    last = list(entries)[-3:]
    assert [e.unit.code for e in last] == codes
    assert all(e.old == {"online": "1200", "total": "2000"} for e in last)
    assert all(e.new == {"online": "1500", "total": "2000"} for e in last)
    ids = {str(v.pk) for v in SystemValue.objects.filter(campaign_unit__unit__code__in=codes)}
    assert {e.entity_id for e in last} == ids
    assert audit_log_verify().intact
