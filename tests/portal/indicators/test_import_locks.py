"""An import of system values reads and checks its file before its transaction, which on
SQLite holds the database's one write lock from its first statement: a file of 20,000 values
is checked while sign-ins and saves go on. Under the lock the campaign is checked again, and
the rows are planned again if its units changed meanwhile (docs/decisions.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from portal.campaigns.models import CampaignUnit
from portal.indicators import services
from portal.indicators.models import SystemValue
from portal.indicators.rows import ImportRefused
from portal.indicators.services import system_values_upload
from tests.portal.indicators.conftest import csv_bytes
from tests.portal.indicators.test_import_queries import communes, rows_for

pytestmark = pytest.mark.django_db(transaction=True)


def upload(cast: Any, rows: list[tuple[str, ...]]) -> None:
    system_values_upload(
        campaign=cast.campaign, actor=cast.quang, data=csv_bytes(rows),
        file_name="so-lieu.csv", source="Cổng dịch vụ công tỉnh",
    )  # fmt: skip


def planning_watched(monkeypatch: pytest.MonkeyPatch, then: Any = None) -> list[bool]:
    """Whether each planning of the rows ran inside a transaction; `then` runs after the
    first, as another person's change committed meanwhile."""
    inside: list[bool] = []
    plan = services.plan_import

    def watched(*args: Any, **kwargs: Any) -> Any:
        inside.append(connection.in_atomic_block)
        planned = plan(*args, **kwargs)
        if then is not None and len(inside) == 1:
            then()
        return planned

    monkeypatch.setattr(services, "plan_import", watched)
    return inside


def test_the_file_is_checked_before_the_transaction(cast, monkeypatch):
    codes = communes(cast, 3)
    inside = planning_watched(monkeypatch)
    upload(cast, rows_for(codes, 1200))
    assert inside == [False]  # once, outside: nothing changed meanwhile
    assert SystemValue.objects.filter(campaign_unit__unit__code__in=codes).count() == 3


def test_a_refused_file_opens_no_transaction(cast, monkeypatch):
    inside = planning_watched(monkeypatch)
    with pytest.raises(ImportRefused):
        upload(cast, rows_for(["khong-co"], 1200))
    assert inside == [False]


def test_units_changed_meanwhile_are_planned_again_under_the_lock(cast, monkeypatch):
    codes = communes(cast, 3)

    def leaves_the_campaign() -> None:  # the office takes a unit out after the check
        CampaignUnit.objects.filter(campaign=cast.campaign, unit__code=codes[0]).delete()

    inside = planning_watched(monkeypatch, then=leaves_the_campaign)
    with pytest.raises(ImportRefused) as refused:
        upload(cast, rows_for(codes, 1200))
    assert inside == [False, True]
    said = " ".join(str(problem) for problem in refused.value.problems)
    assert "đơn vị “Sở so-them 0” không tham gia đợt đánh giá này" in said
    assert not SystemValue.objects.filter(campaign_unit__unit__code__in=codes).exists()
