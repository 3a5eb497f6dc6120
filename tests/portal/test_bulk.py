"""Writing many rows at once in plain SQL (portal.bulk): what is read back is what the ORM's
own save would have stored, field by field, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DataError, connection, transaction
from django.utils import timezone

from portal.bulk import INSERT_BATCH, insert_rows, update_rows
from portal.campaigns.models import CampaignUnit, HistoricResult
from portal.notifications.models import Notification
from portal.units.models import Unit
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db

SCORES = {"chi_so_1": "30.5", "chi_so_2": "24.75"}


def result(campaign_unit: CampaignUnit, n: int) -> HistoricResult:
    return HistoricResult(
        campaign_unit=campaign_unit,
        rank=n + 1,
        total=Decimal("55.25") + n,
        applicable_max=Decimal("80"),
        value=Decimal("0.6906"),
        percent=n % 2 == 0,
        class_label="Khá" if n else "",
        index_scores={**SCORES, "n": n},
        source_table="Kết quả thẩm định vòng cuối",
    )


def columns(row: HistoricResult) -> tuple[object, ...]:
    return (
        row.campaign_unit_id, row.rank, row.total, row.applicable_max, row.value, row.percent,
        row.class_label, row.index_scores, row.source_table,
    )  # fmt: skip


def test_inserted_rows_read_back_as_the_orm_saves_them(cast: Cast):
    first, second = cast.noi_vu_campaign_unit, cast.tu_phap_campaign_unit
    saved = result(first, 0)
    saved.save()
    expected = columns(HistoricResult.objects.get(pk=saved.pk))
    saved.delete()
    rows = [result(first, 0), result(second, 1)]
    insert_rows(rows)
    assert all(row.pk is not None and not row._state.adding for row in rows)
    assert columns(HistoricResult.objects.get(pk=rows[0].pk)) == expected
    other = HistoricResult.objects.get(pk=rows[1].pk)
    assert (other.rank, other.total, other.percent, other.class_label) == (
        2, Decimal("56.25"), False, "Khá",
    )  # fmt: skip
    assert other.index_scores == {**SCORES, "n": 1}


def test_more_rows_than_one_statement_takes_keep_their_order_and_ids(cast: Cast):
    units = Unit.objects.bulk_create(
        Unit(province=cast.province, code=f"so-{n}", name=f"Sở {n}", level="so")
        for n in range(2 * INSERT_BATCH + 1)
    )
    campaign_units = CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=cast.campaign, unit=unit, level="so") for unit in units
    )
    rows = [result(campaign_unit, n) for n, campaign_unit in enumerate(campaign_units)]
    insert_rows(rows)
    stored = {r.pk: r for r in HistoricResult.objects.all()}
    assert len(stored) == len(rows)
    assert all(stored[row.pk].campaign_unit_id == row.campaign_unit_id for row in rows)
    assert all(stored[row.pk].rank == n + 1 for n, row in enumerate(rows))


def test_a_time_set_on_saving_is_set(cast: Cast):
    before = timezone.now()
    row = Notification(user=cast.lan, kind="campaign_finalized", title="Đã chốt", key="k")
    insert_rows([row])
    stored = Notification.objects.get(pk=row.pk)
    assert before <= stored.created_at <= timezone.now() + timedelta(seconds=1)
    assert stored.created_at == row.created_at
    assert (stored.emailed, stored.read_at, stored.campaign_id) == (False, None, None)


def test_values_that_are_not_yet_text_are_converted(cast: Cast):
    row = result(cast.noi_vu_campaign_unit, 0)
    row.class_label = Decimal("1.5")  # type: ignore[assignment]  # not text: converted
    row.rank = True  # type: ignore[assignment]  # not a whole number: converted
    insert_rows([row])
    stored = HistoricResult.objects.get(pk=row.pk)
    assert (stored.class_label, stored.rank) == ("1.5", 1)


def test_updated_rows_read_back_as_set(cast: Cast):
    rows = [result(cast.noi_vu_campaign_unit, 0), result(cast.tu_phap_campaign_unit, 1)]
    insert_rows(rows)
    rows[0].total, rows[0].index_scores = Decimal("60.5"), {"chi_so_1": "40"}
    rows[1].class_label = "Tốt"
    update_rows(rows, ["total", "index_scores", "class_label"])
    first, second = (HistoricResult.objects.get(pk=row.pk) for row in rows)
    assert (first.total, first.index_scores) == (Decimal("60.5"), {"chi_so_1": "40"})
    assert second.class_label == "Tốt"


def test_nothing_to_insert_writes_nothing(cast: Cast, django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_rows([])


def test_empty_and_missing_values_stay_as_they_are(cast: Cast):
    rows = [
        Notification(user=cast.lan, kind="campaign_finalized", title=title, key=f"k{n}")
        for n, title in enumerate(["", "Đã chốt"])
    ]
    insert_rows(rows)  # every row's campaign and read_at missing: columns of nothing
    read = timezone.now()
    rows[1].read_at, rows[1].title = read, ""
    update_rows(rows, ["title", "read_at", "campaign"])
    stored = [Notification.objects.get(pk=row.pk) for row in rows]
    assert [(s.title, s.read_at, s.campaign_id) for s in stored] == [
        ("", None, None),
        ("", read, None),
    ]


def test_a_text_longer_than_its_column_is_never_cut(cast: Cast):
    """PostgreSQL refuses it, as a plain INSERT would (an array cast to varchar(40)[] would
    cut it silently); SQLite keeps it whole."""
    row = result(cast.noi_vu_campaign_unit, 0)
    row.class_label = "x" * 41  # max_length 40
    if connection.vendor == "postgresql":
        with pytest.raises(DataError), transaction.atomic():
            insert_rows([row])
        assert not HistoricResult.objects.exists()
    else:
        insert_rows([row])
        assert HistoricResult.objects.get(pk=row.pk).class_label == "x" * 41


def test_rows_with_their_own_ids_are_for_sqlite_alone(cast: Cast):
    row = result(cast.noi_vu_campaign_unit, 0)
    row.pk = 1000
    if connection.vendor == "sqlite":
        insert_rows([row], keys=True)
        assert HistoricResult.objects.get(pk=1000).rank == 1
    else:  # a sequence gives the ids there, and explicit ones would not move it
        with pytest.raises(ValueError, match="SQLite"):
            insert_rows([row], keys=True)
