"""The API's one-query answer to "whose submissions may I see" agrees with the portal's
rule (portal.accounts.permissions.roles_for_unit) for every person of the cast."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.accounts.permissions import roles_for_unit
from portal.api.permissions import visible_unit_ids
from tests.portal.conftest import Cast


@pytest.mark.parametrize("name", ["lan", "minh", "thao", "hung", "hoa", "quang", "khoa", None])
def test_visible_units_follow_roles_for_unit(cast: Cast, name):
    person = getattr(cast, name) if name else AnonymousUser()
    visible = visible_unit_ids(person, cast.province.pk)
    for unit in (cast.noi_vu, cast.tu_phap):
        sees = visible is None or unit.pk in visible
        assert sees == bool(roles_for_unit(person, cast.province.pk, unit.pk)), unit
