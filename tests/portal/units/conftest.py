"""What the unit tests share: the roles as a table, and a snapshot of the registry to prove
that a refused write changed nothing."""

from __future__ import annotations

import pytest

from portal.units.models import Lineage, Unit

MEMBERS = ["lan", "minh", "thao", "hung", "hoa", "quang"]
READ_ONLY = ["lan", "minh", "thao", "hung", "hoa"]
LOGIN = "/tai-khoan/dang-nhap/"


def registry_state() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    units = Unit.objects.order_by("pk").values_list(
        "pk",
        "province_id",
        "code",
        "name",
        "level",
        "parent_id",
        "attributes",
        "aliases",
        "active_from",
        "active_until",
    )
    links = Lineage.objects.order_by("pk").values_list(
        "pk", "predecessor_id", "successor_id", "kind", "effective", "note"
    )
    return list(units), list(links)


@pytest.fixture
def unchanged(cast):  # the cast must exist before the snapshot
    """Asserts, after the test, that the registry is exactly as it was before."""
    before = registry_state()
    yield
    assert registry_state() == before


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The cast's seven accounts are hashed for every test: a fast hasher keeps this suite
    quick (the hasher is not what these tests are about)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
