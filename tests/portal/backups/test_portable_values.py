"""A PostgreSQL backup's values as pg_restore prints them (COPY text), read into the fields
of this release: each as its type, and anything that does not read (a crafted or damaged
backup: a non-finite or malformed number, a date that is no date, broken JSON, a truth value
that is neither) refused with its table and column, never written as something else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portal.accounts.models import User
from portal.backups.portable import _unescape, _value
from portal.backups.snapshot import BackupError
from portal.campaigns.models import CampaignReportTexts, HistoricResult
from portal.units.models import Unit


def field(model, name):  # type: ignore[no-untyped-def]  # a test helper on any model
    return model._meta.get_field(name)


def test_values_read_as_their_fields_types():
    assert _value(field(User, "is_superuser"), "t") is True
    assert _value(field(HistoricResult, "total"), "432.86") == Decimal("432.86")
    assert _value(field(HistoricResult, "rank"), "7") == 7
    assert _value(field(Unit, "active_from"), "2025-07-01") == date(2025, 7, 1)
    assert _value(field(Unit, "attributes"), '{"dan_so": 12500}') == {"dan_so": 12500}
    assert _value(field(Unit, "attributes"), "null") is None  # JSON's own null
    assert _value(field(CampaignReportTexts, "template"), "\\x504b") == b"PK"
    stamp = _value(field(User, "date_joined"), "2026-12-04 10:11:12.123456+07")
    assert stamp == datetime(2026, 12, 4, 3, 11, 12, 123456, tzinfo=UTC)
    assert _value(field(Unit, "name"), _unescape("Xã\\tA\\\\B")) == "Xã\tA\\B"
    assert _value(field(Unit, "name"), None) is None  # \N


@pytest.mark.parametrize(
    ("model", "name", "text"),
    [
        (HistoricResult, "total", "NaN"),
        (HistoricResult, "total", "Infinity"),
        (HistoricResult, "total", "4e99999999"),
        (HistoricResult, "rank", "7; DROP TABLE"),
        (User, "is_superuser", "yes"),
        (Unit, "active_from", "2025-13-45"),
        (User, "date_joined", "hôm qua"),
        (Unit, "attributes", "{not json"),
        (CampaignReportTexts, "template", "PK"),
    ],
)
def test_a_value_that_does_not_read_is_a_damaged_backup(model, name, text):
    with pytest.raises(BackupError) as refused:
        _value(field(model, name), text)
    assert model._meta.db_table in str(refused.value)
    assert field(model, name).column in str(refused.value)
