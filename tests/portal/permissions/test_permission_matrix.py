"""Every URL of the portal × every role of the cast, against the permission matrix
(matrix.py): a URL added without an entry fails, naming it, and so does an entry for a URL
that is gone. Each URL is opened in a fresh world (scenario.py); each request runs in a
transaction rolled back after it, so that one role's POST changes nothing the next one sees.
The admin's generated URLs follow one rule: no one of the cast is staff, so none of them
is served."""

from __future__ import annotations

import itertools

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.portal.permissions.matrix import (
    FORBIDDEN,
    LOGIN,
    MATRIX,
    NOT_FOUND,
    OK,
    UNAUTHORIZED,
    Entry,
    Outcome,
)
from tests.portal.permissions.scenario import ROLES, World, add_results, build_world
from tests.portal.permissions.urlconf import admin_kwargs, admin_patterns, url_names

# The admin's sign-in page is served to everyone (it is how staff sign in), and so is its
# sign-out (it only ends one's own session): the rule covers every other admin URL.
ADMIN_SERVED = {"admin:login", "admin:logout"}


def observed(response: HttpResponse) -> str | int:
    """The outcome word a response matches, or its bare status."""
    status = response.status_code
    if status == 302:
        login = resolve_url(settings.LOGIN_URL)
        return LOGIN if response["Location"].startswith(login) else OK
    words = {200: OK, 400: OK, 409: OK, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND}
    return words.get(status, status)


def matches(expected: Outcome, response: HttpResponse) -> bool:
    if isinstance(expected, int):
        return response.status_code == expected
    return observed(response) == expected


def send(client: Client, method: str, path: str, campaign_unit: Entry) -> HttpResponse:
    """One request, its writes rolled back whatever it answers."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(path)
        elif campaign_unit.json:
            response = client.post(path, dict(campaign_unit.data), content_type="application/json")
        else:
            response = client.post(path, dict(campaign_unit.data))
        transaction.set_rollback(True)
    return response


def path_of(name: str, campaign_unit: Entry, world: World) -> str:
    kwargs = {argument: world.value(source) for argument, source in campaign_unit.args.items()}
    path = reverse(name, kwargs={**kwargs, **campaign_unit.fixed})
    return f"{path}?{campaign_unit.query}" if campaign_unit.query else path


def signed_in(world: World) -> dict[str, Client]:
    return {role: world.cast.client(world.person(role)) for role in ROLES}


def gaps(walked: set[str]) -> tuple[list[str], list[str]]:
    """The URLs without an entry in the matrix, and the entries for URLs that are gone."""
    pages = {name for name in walked if not name.startswith("admin:")}
    gone = (MATRIX.keys() - pages) | (ADMIN_SERVED - walked)
    return sorted(pages - MATRIX.keys()), sorted(gone)


def test_every_url_has_an_entry_and_every_entry_a_url():
    missing, gone = gaps(url_names())
    assert missing == [], "URLs without an entry in the matrix"
    assert gone == [], "matrix entries for URLs that are gone"


def test_a_url_added_or_removed_without_changing_the_matrix_is_named(settings):
    missing_before, gone_before = gaps(url_names())
    settings.ROOT_URLCONF = "tests.portal.permissions.changed_urls"
    missing, gone = gaps(url_names())
    assert sorted(set(missing) - set(missing_before)) == ["<unnamed vo-danh/>", "bao_cao_moi:xem"]
    assert sorted(set(gone) - set(gone_before)) == ["healthz"]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(name, appraised, request):
    campaign_unit = MATRIX[name]
    world = build_world(appraised)
    if {"results", "version"} & set(campaign_unit.args.values()):
        add_results(world, request.getfixturevalue("published"))
    path = path_of(name, campaign_unit, world)
    clients = signed_in(world)
    wrong = []
    for method in campaign_unit.methods:
        for role in ROLES:
            response = send(clients[role], method, path, campaign_unit)
            if not matches(campaign_unit.expect[role], response):
                got = f"{response.status_code} {response.get('Location', '')}".strip()
                wrong.append(
                    f"{name} ({method}) as {role}: expected {campaign_unit.expect[role]}, got {got}"
                )
    assert not wrong, "\n".join(wrong)


ADMIN_REQUEST = Entry(expect={})


def not_served(response: HttpResponse) -> bool:
    """403 or 404, or sent to a login page (the admin's, or whichever one it comes to use)."""
    if response.status_code in (403, 404):
        return True
    if response.status_code != 302:
        return False
    try:
        target = resolve(response["Location"].split("?")[0])
    except Resolver404:
        return False
    return "login" in (target.url_name or "")


def admin_part(name: str) -> str:
    """The app an admin URL is for (`admin:units_unit_change` -> "units"), or "site" for the
    admin's own pages (`admin:index`, `admin:password_change`, …)."""
    part = name.removeprefix("admin:").split("_")[0]
    return part if part in {config.label for config in apps.get_app_configs()} else "site"


@pytest.mark.parametrize("part", sorted({admin_part(name) for name in admin_patterns()}))
def test_the_admin_serves_none_of_the_cast(part, appraised):
    world = build_world(appraised)
    clients = signed_in(world)
    patterns = {n: p for n, p in admin_patterns().items() if admin_part(n) == part}
    wrong = []
    for name, pattern in sorted(patterns.items()):
        if name in ADMIN_SERVED:
            continue
        path = reverse(name, kwargs=admin_kwargs(name, pattern))
        for method, role in itertools.product(("GET", "POST"), ROLES):
            response = send(clients[role], method, path, ADMIN_REQUEST)
            if not not_served(response):
                got = f"{response.status_code} {response.get('Location', '')}".strip()
                wrong.append(f"{name} ({method}) as {role}: expected not served, got {got}")
    assert patterns, f"no admin URL of {part}"
    assert not wrong, "\n".join(wrong)
