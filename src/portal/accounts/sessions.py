"""The portal's sessions: Django's sessions in the database (SESSION_ENGINE), each request's
read with a query composed once (portal.compiled), not composed again by the ORM for every
request a signed-in person makes. What is stored, and when it is written, is Django's."""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.compiled import Compiled

__all__ = ["SessionStore"]

_KEY_LENGTH = Session._meta.get_field("session_key").max_length or 40
_SESSION = Compiled(
    lambda session_key: Session.objects.filter(session_key=session_key), texts=("session_key",)
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        """The session's row, unless it has expired (then, as Django does, the key is
        forgotten and a new one given if anything is stored)."""
        key = self.session_key
        # Django's keys are 32 of [a-z0-9]: anything else (a NUL from a cookie's octal
        # escape, which PostgreSQL refuses with an error) is no session, read or not
        found = _SESSION.objects(session_key=key) if _well_formed(key) else []
        if found and found[0].expire_date > timezone.now():
            session: Session = found[0]
            return session
        self._session_key = None
        return None


def _well_formed(key: object) -> TypeGuard[str]:
    return type(key) is str and len(key) <= _KEY_LENGTH and key.isascii() and key.isalnum()
