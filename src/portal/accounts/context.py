"""Template context: the signed-in person's roles, for the navigation."""

from __future__ import annotations

from django.http import HttpRequest

from portal.accounts.models import Membership


def roles(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {"my_memberships": []}
    memberships = Membership.objects.filter(user=user).select_related("province", "unit")
    return {"my_memberships": list(memberships)}
