"""Two people saving the same criterion at the same moment, each from the page they loaded:
one save wins, the other is refused with the winner's value (HTTP 409), and the database
holds exactly the winner's value, once, with one entry in the audit trail. Real threads on
real connections: the submission row is locked (SELECT … FOR UPDATE on PostgreSQL, an
IMMEDIATE transaction on SQLite), so the two saves run one after the other."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from portal.accounts.models import Membership, User
from portal.assessments import saving
from portal.assessments.models import Answer
from portal.roles import Role
from tests.portal.assessments.conftest import COMPLETE, form_fields, save_fields, url
from tests.portal.conftest import Cast


@pytest.fixture
def huong(cast: Cast) -> User:
    user = User.objects.create_user(username="huong", password="x" * 16, full_name="Đỗ Thu Hương")
    Membership.objects.create(
        user=user, province=cast.province, role=Role.REPORTER, unit=cast.noi_vu
    )
    return user


Person = tuple[Client, str]  # a signed-in browser and the value it types


def saved_at_once(cast: Cast, people: dict[str, Person], *, together: bool) -> dict[str, int]:
    """Each person loads the form, types their value for cqs_ky_so and presses save, each in
    a thread of their own on a connection of its own (`together`: the posts start at one
    moment); the answer each got."""
    pages = {
        name: form_fields(client.get(url("form", cast.noi_vu_campaign_unit)))
        for name, (client, _) in people.items()
    }
    start = threading.Barrier(len(people))
    status: dict[str, int] = {}

    def save(name: str) -> None:
        client, value = people[name]
        try:
            if together:
                start.wait(timeout=10)
            data = {**pages[name], "value:cqs_ky_so": value}
            status[name] = client.post(url("save", cast.noi_vu_campaign_unit), data).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return status


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_one_criterion_at_once_one_wins_and_the_other_is_told(
    cast: Cast, huong: User
):
    people = {"lan": (cast.client(cast.lan), "60"), "huong": (cast.client(huong), "75")}
    status = saved_at_once(cast, people, together=True)
    assert sorted(status.values()) == [302, 409], status
    winner = next(name for name, code in status.items() if code == 302)
    row = Answer.objects.select_related("updated_by").get(criterion="cqs_ky_so")
    assert (row.value, row.version, row.updated_by.username) == (people[winner][1], 1, winner)


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_one_criterion_of_a_draft_both_prepared_before_either_locks(
    cast: Cast, huong: User, monkeypatch: pytest.MonkeyPatch
):
    """A draft saved again reads only its state under the lock (saving, decision 24): that
    read must still lock the submission's row (FOR UPDATE on PostgreSQL), or the second
    save reads the versions before the first commits and overwrites its answer."""
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    people = {"lan": (cast.client(cast.lan), "11"), "huong": (cast.client(huong), "12")}
    both_prepared = threading.Barrier(len(people))
    prepare, seen = saving._prepare, threading.local()

    def prepared_then_wait(*args: Any, **kwargs: Any) -> Any:
        result = prepare(*args, **kwargs)
        if not getattr(seen, "waited", False):  # the preparation before the transaction
            seen.waited = True
            both_prepared.wait(timeout=10)
        return result

    monkeypatch.setattr(saving, "_prepare", prepared_then_wait)
    status = saved_at_once(cast, people, together=False)  # they meet once prepared
    assert sorted(status.values()) == [302, 409], status
    winner = next(name for name, code in status.items() if code == 302)
    row = Answer.objects.select_related("updated_by").get(criterion="cqs_ky_so")
    assert (row.value, row.updated_by.username) == (people[winner][1], winner)
    assert row.version == 2  # the draft's first save, then the winner's: nothing lost
