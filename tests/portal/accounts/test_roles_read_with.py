"""A person's roles read in the statement that reads what they act on
(portal.accounts.permissions.held_in_province, roles_reaching) are the roles
`roles_for_unit` gives, for every person of the cast, every unit, both provinces: the
page of a unit's self-assessment reads them with the unit, a save with its submission's
lock."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import OuterRef
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import Membership, Province
from portal.accounts.permissions import held_in_province, roles_for_unit, roles_reaching
from portal.assessments.permissions import campaign_unit_and_roles
from portal.roles import Role
from portal.units.models import Unit
from tests.portal.assessments.conftest import url
from tests.portal.conftest import Cast

PEOPLE = ["lan", "minh", "thao", "hung", "hoa", "quang", "khoa"]


def _held(person_id: int, province_id: int) -> str | None:
    """The text as a query reads it with a province's row (the province an OuterRef)."""
    return (
        Province.objects.filter(pk=province_id)
        .annotate(held=held_in_province(person_id, OuterRef("pk")))
        .values_list("held", flat=True)
        .get()
    )


@pytest.mark.parametrize("name", PEOPLE)
def test_the_roles_read_with_a_row_are_those_of_roles_for_unit(cast: Cast, name):
    person = getattr(cast, name)
    for province in (cast.province, cast.other_province):
        held = _held(person.pk, province.pk)
        for unit in Unit.objects.all():
            assert roles_reaching(held, unit.pk) == roles_for_unit(person, province.pk, unit.pk)


def test_several_roles_in_several_units_and_a_province_wide_one_are_told_apart(cast: Cast):
    # the reporter of one unit who approves another and appraises the whole province
    Membership.objects.create(
        user=cast.lan, province=cast.province, role=Role.APPROVER, unit=cast.tu_phap
    )
    Membership.objects.create(user=cast.lan, province=cast.province, role=Role.APPRAISER)
    held = _held(cast.lan.pk, cast.province.pk)
    assert roles_reaching(held, cast.noi_vu.pk) == {Role.REPORTER, Role.APPRAISER}
    assert roles_reaching(held, cast.tu_phap.pk) == {Role.APPROVER, Role.APPRAISER}
    for unit in (cast.noi_vu, cast.tu_phap):
        assert roles_reaching(held, unit.pk) == roles_for_unit(cast.lan, cast.province.pk, unit.pk)
    # a constant province id reads the same as one taken from the row
    by_id = (
        Unit.objects.filter(pk=cast.noi_vu.pk)
        .annotate(held=held_in_province(cast.lan.pk, cast.province.pk))
        .values_list("held", flat=True)
        .get()
    )
    assert roles_reaching(by_id, cast.noi_vu.pk) == roles_reaching(held, cast.noi_vu.pk)


def test_no_role_in_the_province_is_none_and_reaches_nothing(cast: Cast):
    Membership.objects.filter(user=cast.lan).delete()
    assert _held(cast.lan.pk, cast.province.pk) is None
    assert roles_reaching(None, cast.noi_vu.pk) == set()


def test_the_unit_and_the_persons_roles_are_one_statement_and_refuse_as_before(cast: Cast):
    with CaptureQueriesContext(connection) as queries:
        unit, roles = campaign_unit_and_roles(cast.lan, cast.noi_vu_campaign_unit.pk, write=True)
    assert unit == cast.noi_vu_campaign_unit and roles == {Role.REPORTER}
    assert len(queries.captured_queries) == 1
    assert 'FROM "accounts_membership"' in queries.captured_queries[0]["sql"]
    # another unit's reporter learns nothing of this one (404), as roles_for_unit decides
    tu_phap = cast.tu_phap_campaign_unit.pk
    assert not roles_for_unit(cast.lan, cast.province.pk, cast.tu_phap.pk)
    with pytest.raises(Http404):
        campaign_unit_and_roles(cast.lan, tu_phap)


@pytest.mark.parametrize("page", ["form", "status"])
@pytest.mark.parametrize(
    ("name", "can_save"), [("lan", True), ("minh", False), ("quang", False), ("hoa", False)]
)
def test_a_units_pages_read_the_persons_roles_once_with_the_unit(cast: Cast, page, name, can_save):
    client = cast.client(getattr(cast, name))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(page, cast.noi_vu_campaign_unit))
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    # the roles read with the unit, and not again in a statement of their own (the menu's
    # look at what the person does anywhere is another question)
    [unit] = [text for text in sql if text.startswith('SELECT "campaigns_campaignunit"."id"')]
    assert 'FROM "accounts_membership"' in unit
    assert not [text for text in sql if '"accounts_membership"."province_id"' in text]
    if (
        page == "form"
    ):  # and shows what those roles allow: the answers read-only but to the reporter
        read_only = "Bạn chỉ có quyền xem bản này." in response.content.decode()
        assert read_only != can_save


def test_a_role_the_portal_does_not_know_is_not_read_as_the_roles_it_names(cast: Cast):
    # a row no form can write (its role is none of Role's, a province-wide one as the
    # database's constraint then asks): it reaches nothing, as in roles_for_unit, and is
    # not taken for the reporter and the leadership it names
    Membership.objects.filter(user=cast.lan).update(role="reporter,leadership", unit=None)
    held = _held(cast.lan.pk, cast.province.pk)
    assert roles_for_unit(cast.lan, cast.province.pk, cast.noi_vu.pk) == set()
    assert roles_reaching(held, cast.noi_vu.pk) == set()


@pytest.mark.parametrize("page", ["form", "status"])
@pytest.mark.parametrize("name", ["thao", "khoa"])  # another unit's reporter, province's admin
def test_outsiders_learn_nothing_of_a_units_pages(cast: Cast, page, name):
    response = cast.client(getattr(cast, name)).get(url(page, cast.noi_vu_campaign_unit))
    assert response.status_code == 404
