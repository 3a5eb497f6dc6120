"""The one-query answer to "whose submissions may I see" that the API and the campaign page
ask (portal.campaigns.permissions.viewer_in) agrees with the portal's rule
(portal.accounts.permissions.roles_for_unit) for every person of the cast."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.accounts.permissions import roles_for_unit
from portal.campaigns.permissions import viewer_in
from tests.portal.conftest import Cast


@pytest.mark.parametrize("name", ["lan", "minh", "thao", "hung", "hoa", "quang", "khoa", None])
def test_visible_units_follow_roles_for_unit(cast: Cast, name):
    person = getattr(cast, name) if name else AnonymousUser()
    viewer = viewer_in(person, cast.province.pk)
    for unit in (cast.noi_vu, cast.tu_phap):
        sees = viewer.sees_unit(unit.pk)
        assert sees == bool(roles_for_unit(person, cast.province.pk, unit.pk)), unit
