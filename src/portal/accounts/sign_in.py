"""Who must give a second factor, decided once at sign-in (the session remembers it).

An interface module: the rule reads the appraisal team (portal.appraisals), which sits above
the accounts, so it lives here, beside the middleware that enforces it, and not in the
accounts' domain code (docs/architecture.md). `portal.accounts.apps` connects the receiver."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from portal.accounts.models import Membership, User
from portal.accounts.second_factor import ENROL, LAST_SEEN, NONE, STATE, VERIFY, totp_device_of
from portal.appraisals.models import TeamMember
from portal.roles import Role

# Roles that change what a province's results are: they may not rest on a password alone.
ROLES_THAT_NEED_IT = (Role.OFFICE_ADMIN, Role.APPRAISER)


def second_factor_required(user: User) -> bool:
    """Office admins, appraisers and whoever sits on an appraisal team (chair or member),
    and staff of the admin site."""
    if user.is_staff:
        return True
    if Membership.objects.filter(user=user, role__in=ROLES_THAT_NEED_IT).exists():
        return True
    return TeamMember.objects.filter(user=user).exists()


def second_factor_owed(user: User) -> str:
    """What the second step asks of this person at sign-in: a person who enrolled a device
    of their own will is asked for it too."""
    if totp_device_of(user) is not None:
        return VERIFY
    return ENROL if second_factor_required(user) else NONE


@receiver(user_logged_in)
def remember_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[STATE] = second_factor_owed(user)
    request.session[LAST_SEEN] = int(time.time())
