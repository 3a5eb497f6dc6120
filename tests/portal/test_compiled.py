"""Reads the ORM composes once (portal.compiled): the rows are the queryset's own, for any
values given, the queryset is composed once whatever the number of reads, and each read is
still one query where queries are counted."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, router, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import Membership
from portal.campaigns.models import Campaign
from portal.compiled import Compiled
from portal.roles import Role
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db


def held(user: int, province: int) -> QuerySet[Any, Any]:
    return Membership.objects.filter(user_id=user, province_id=province).values_list(
        "role", "unit_id"
    )


def test_the_rows_are_the_querysets_for_every_person_and_province(cast: Cast):
    Membership.objects.create(user=cast.lan, province=cast.other_province, role=Role.LEADERSHIP)
    Membership.objects.create(
        user=cast.lan, province=cast.province, role=Role.REPORTER, unit=cast.tu_phap
    )
    compiled = Compiled(held, "user", "province")
    people = [cast.lan, cast.minh, cast.hung, cast.khoa]
    for person in people:
        for province in (cast.province, cast.other_province):
            expected = sorted(held(person.pk, province.pk), key=str)
            got = sorted(compiled.rows(user=person.pk, province=province.pk), key=str)
            assert got == expected, (person, province)
    lan_here = compiled.rows(user=cast.lan.pk, province=cast.province.pk)
    assert sorted(lan_here) == sorted(
        [(Role.REPORTER.value, cast.noi_vu.pk), (Role.REPORTER.value, cast.tu_phap.pk)]
    )
    assert compiled.rows(user=cast.lan.pk, province=cast.other_province.pk) == [
        (Role.LEADERSHIP.value, None)
    ]


def test_the_queryset_is_composed_once_whatever_the_reads(cast: Cast):
    calls = []

    def counted(user: int, province: int) -> QuerySet[Any, Any]:
        calls.append((user, province))
        return held(user, province)

    compiled = Compiled(counted, "user", "province")
    for person in (cast.lan, cast.minh, cast.hung, cast.khoa) * 5:
        compiled.rows(user=person.pk, province=cast.province.pk)
    # once, with the markers; never with a person's own values
    assert len(calls) == 1
    assert {cast.lan.pk, cast.minh.pk, cast.hung.pk, cast.khoa.pk}.isdisjoint(
        user for user, _ in calls
    )


def test_a_constant_in_the_query_stays_as_written(cast: Cast):
    reporters = Compiled(
        lambda province: Membership.objects.filter(
            province_id=province, role=Role.REPORTER
        ).values_list("user_id"),
        "province",
    )
    assert sorted(reporters.rows(province=cast.province.pk)) == sorted(
        [(cast.lan.pk,), (cast.thao.pk,)]
    )
    assert reporters.rows(province=cast.other_province.pk) == []


def test_each_read_is_one_query_where_queries_are_counted(cast: Cast):
    compiled = Compiled(held, "user", "province")
    compiled.rows(user=cast.lan.pk, province=cast.province.pk)  # composed here
    with CaptureQueriesContext(connection) as queries:
        compiled.rows(user=cast.minh.pk, province=cast.province.pk)
        compiled.rows(user=cast.hung.pk, province=cast.province.pk)
    assert len(queries) == 2
    assert all("accounts_membership" in query["sql"] for query in queries.captured_queries)


def test_a_parameter_the_query_does_not_take_is_refused_by_name(cast: Cast):
    unused = Compiled(
        lambda user, unit: Membership.objects.filter(user_id=user).values_list("role"),
        "user",
        "unit",
    )
    with pytest.raises(ValueError, match="unit"):
        unused.rows(user=cast.lan.pk, unit=cast.noi_vu.pk)
    compiled = Compiled(held, "user", "province")
    with pytest.raises(TypeError, match="province"):
        compiled.rows(user=cast.lan.pk)


def test_an_id_written_in_the_query_stays_as_written(cast: Cast):
    """A whole number in the query that is no marker is a constant, not a parameter."""
    noi_vu = cast.noi_vu.pk
    reporters_here = Compiled(
        lambda province: Membership.objects.filter(
            province_id=province, unit_id=noi_vu
        ).values_list("user_id", "role"),
        "province",
    )
    assert sorted(reporters_here.rows(province=cast.province.pk)) == sorted(
        [(cast.lan.pk, Role.REPORTER.value), (cast.minh.pk, Role.APPROVER.value)]
    )
    assert reporters_here.rows(province=cast.other_province.pk) == []


def test_a_value_that_is_no_id_is_refused_rather_than_matching_nothing(cast: Cast):
    compiled = Compiled(held, "user", "province")
    for value in (None, "1", True, 1.0):
        with pytest.raises(TypeError, match="user"):
            compiled.rows(user=value, province=cast.province.pk)  # type: ignore[arg-type]


def test_a_column_the_marker_cannot_be_in_is_refused_when_composed(cast: Cast):
    years = Compiled(
        lambda year: Campaign.objects.filter(year=year).values_list("pk"),  # positive only
        "year",
    )
    with pytest.raises(ValueError, match="year"):
        years.rows(year=2025)


def test_a_query_that_locks_its_rows_goes_where_writes_go(cast: Cast, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(
        router, "db_for_write", lambda model, **hints: asked.append("write") or "default"
    )
    monkeypatch.setattr(
        router, "db_for_read", lambda model, **hints: asked.append("read") or "default"
    )
    locked = Compiled(
        lambda user: Membership.objects.select_for_update()
        .filter(user_id=user)
        .values_list("role"),
        "user",
    )
    with transaction.atomic():
        assert locked.rows(user=cast.lan.pk) == [(Role.REPORTER.value,)]
    assert Compiled(held, "user", "province").rows(user=cast.lan.pk, province=cast.province.pk)
    assert asked == ["write", "read"]
