"""Reads the ORM composes once (portal.compiled): the rows and the model instances are the
queryset's own, for any values given, the queryset is composed once whatever the number of
reads (instances: once a thread), and each read is still one query where queries are
counted."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, router, transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.safestring import SafeString

from portal.accounts.models import Membership, User
from portal.assessments.models import Answer, Submission
from portal.campaigns.models import Campaign, CampaignUnit
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


@pytest.mark.django_db(transaction=True)
def test_a_query_that_locks_its_rows_is_refused_outside_a_transaction_every_time(cast: Cast):
    """Django refuses it only as it composes the query: here, every call is refused."""
    locked = Compiled(
        lambda user: Membership.objects.select_for_update().filter(user_id=user),
        "user",
    )
    with transaction.atomic():
        assert locked.objects(user=cast.lan.pk)
        assert locked.rows(user=cast.lan.pk)
    for read in (locked.objects, locked.rows):
        with pytest.raises(TransactionManagementError):
            read(user=cast.lan.pk)


# ---- model instances (`objects`) --------------------------------------------------------


def _campaign_units(campaign_unit: int) -> QuerySet[Any, Any]:
    return CampaignUnit.objects.select_related("campaign", "unit", "submission").filter(
        pk=campaign_unit
    )


def _fields(instance: Any) -> dict[str, Any]:
    """An instance's columns, as read (each field's value after the ORM's conversions)."""
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_the_instances_are_the_querysets_with_the_models_read_with_them(cast: Cast):
    """Times, dates and JSON converted as the ORM converts them; a campaign unit never saved
    has no submission, as the ORM says it."""
    cast.campaign.self_assessment_deadline = timezone.now() + timedelta(days=3)
    cast.campaign.save()
    Submission.objects.filter(campaign_unit=cast.tu_phap_campaign_unit).delete()
    compiled = Compiled(_campaign_units, "campaign_unit")
    for campaign_unit in (cast.noi_vu_campaign_unit, cast.tu_phap_campaign_unit):
        (expected,) = _campaign_units(campaign_unit.pk)
        (got,) = compiled.objects(campaign_unit=campaign_unit.pk)
        assert type(got) is CampaignUnit
        assert _fields(got) == _fields(expected)
        assert not got._state.adding and got._state.db == expected._state.db
        for related in ("campaign", "unit"):
            assert CampaignUnit._meta.get_field(related).is_cached(got)
            assert _fields(getattr(got, related)) == _fields(getattr(expected, related))
        assert got.campaign.self_assessment_deadline == cast.campaign.self_assessment_deadline
        assert got.campaign.self_assessment_deadline.tzinfo is not None
    noi_vu_submission = Submission.objects.get().pk
    with CaptureQueriesContext(connection) as queries:
        (saved,) = compiled.objects(campaign_unit=cast.noi_vu_campaign_unit.pk)
        (never,) = compiled.objects(campaign_unit=cast.tu_phap_campaign_unit.pk)
        assert saved.submission.pk == noi_vu_submission
        with pytest.raises(Submission.DoesNotExist):
            never.submission  # noqa: B018  (read with it: no query)
        assert saved.campaign.province_id == cast.province.pk
    assert len(queries) == 2


def test_the_instances_json_is_decoded_as_the_orm_decodes_it(cast: Cast):
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    values = [None, True, "12,5", {"a": "1", "b": "2"}, 'Có "ngoặc" và \\']
    for number, value in enumerate(values):
        Answer.objects.create(
            submission=submission, criterion=f"c{number}", value=value, updated_by=cast.lan
        )
    compiled = Compiled(
        lambda submission: Answer.objects.filter(submission_id=submission).order_by("criterion"),
        "submission",
    )
    got = compiled.objects(submission=submission.pk)
    assert [_fields(answer) for answer in got] == [
        _fields(answer)
        for answer in Answer.objects.filter(submission=submission).order_by("criterion")
    ]
    assert [answer.value for answer in got] == values


@pytest.mark.django_db(transaction=True)  # the other thread's connection sees the cast
def test_the_instances_are_composed_once_each_thread(cast: Cast):
    compiled = Compiled(_campaign_units, "campaign_unit")
    composed = []
    real = Compiled._composed

    def counted(self: Compiled, alias: str) -> Any:
        composed.append(threading.get_ident())
        return real(self, alias)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Compiled, "_composed", counted)
        for _ in range(5):
            compiled.objects(campaign_unit=cast.noi_vu_campaign_unit.pk)
        assert len(composed) == 1
        found: list[Any] = []

        def read() -> None:
            try:
                found.extend(compiled.objects(campaign_unit=cast.tu_phap_campaign_unit.pk))
            finally:
                connection.close()  # this thread's, as a request's is closed

        other = threading.Thread(target=read)
        other.start()
        other.join()
    # the other thread composed its own (its connection's conversions), and read the same
    assert len(composed) == 2 and composed[0] != composed[1]
    assert [campaign_unit.pk for campaign_unit in found] == [cast.tu_phap_campaign_unit.pk]


def test_objects_refuses_what_it_would_read_otherwise_than_the_orm(cast: Cast):
    prefetching = Compiled(
        lambda campaign: Campaign.objects.filter(pk=campaign).prefetch_related("units"),
        "campaign",
    )
    with pytest.raises(ValueError, match="prefetched"):
        prefetching.objects(campaign=cast.campaign.pk)
    with pytest.raises(ValueError, match="prefetched"):
        Compiled(held, "user", "province").objects(user=cast.lan.pk, province=cast.province.pk)


@pytest.mark.parametrize("huge", [2**63, -(2**63) - 1, 10**40])
def test_an_id_beyond_64_bits_matches_nothing_and_reads_nothing(cast: Cast, huge: int):
    compiled = Compiled(_campaign_units, "campaign_unit")
    rows = Compiled(held, "user", "province")
    with CaptureQueriesContext(connection) as queries:
        assert compiled.objects(campaign_unit=huge) == []
        assert rows.rows(user=huge, province=cast.province.pk) == []
    assert len(queries) == 0
    largest = 2**63 - 1  # the largest key: read, and not found
    assert compiled.objects(campaign_unit=largest) == []


def test_a_huge_number_in_an_address_is_not_found(cast: Cast):
    for path in ("/tu-danh-gia/99999999999999999999/", "/tu-danh-gia/9223372036854775808/"):
        assert cast.client(cast.lan).get(path).status_code == 404


def test_a_text_parameter_is_compared_as_text_and_refuses_anything_else(cast: Cast):
    named = Compiled(
        lambda username: User.objects.filter(username=username).values_list("pk"),
        texts=("username",),
    )
    assert named.rows(username=cast.lan.username) == [(cast.lan.pk,)]
    assert named.rows(username="") == []
    (lan,) = Compiled(
        lambda username: User.objects.filter(username=username), texts=("username",)
    ).objects(username=cast.lan.username)
    assert lan.pk == cast.lan.pk and lan.password == cast.lan.password
    for value in (None, 1, b"lan", SafeString("lan")):
        with pytest.raises(TypeError, match="username"):
            named.rows(username=value)  # type: ignore[arg-type]


def test_a_text_parameter_the_query_transforms_is_refused_when_composed(cast: Cast):
    containing = Compiled(
        lambda username: User.objects.filter(username__contains=username).values_list("pk"),
        texts=("username",),
    )
    with pytest.raises(ValueError, match="username"):
        containing.rows(username="lan")


def test_the_campaign_unit_of_a_page_is_read_without_sorting(cast: Cast):
    from portal.assessments.permissions import campaign_unit_and_roles

    with CaptureQueriesContext(connection) as queries:
        campaign_unit, roles = campaign_unit_and_roles(cast.lan, cast.noi_vu_campaign_unit.pk)
    assert campaign_unit.pk == cast.noi_vu_campaign_unit.pk and Role.REPORTER in roles
    (read,) = [q["sql"] for q in queries.captured_queries if "campaigns_campaignunit" in q["sql"]]
    assert "ORDER BY" not in read
