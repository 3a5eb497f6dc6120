"""How a signed-in person is read on each request: Django's ModelBackend, with the person's
row read by a query composed once (portal.compiled) rather than composed again by the ORM
for every request. Signing in, permissions and who may sign in are ModelBackend's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from portal.accounts.models import User
from portal.compiled import Compiled

__all__ = ["PersonBackend"]

_PERSON = Compiled(lambda person: User.objects.filter(pk=person), "person")


class PersonBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        """The person the session names, if they may still sign in (an inactive account
        is signed out, as ModelBackend does)."""
        if type(user_id) is not int:  # not as the session stores it: as ModelBackend reads it
            return super().get_user(user_id)
        found = _PERSON.objects(person=user_id)
        return found[0] if found and self.user_can_authenticate(found[0]) else None
