"""The portal's sessions: Django's sessions in the database (SESSION_ENGINE), each request's
read with a query composed once (portal.compiled), not composed again by the ORM for every
request a signed-in person makes. What is stored, and when it is written, is Django's."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.compiled import Compiled

__all__ = ["SessionStore"]

_SESSION = Compiled(
    lambda session_key: Session.objects.filter(session_key=session_key), texts=("session_key",)
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        """The session's row, unless it has expired (then, as Django does, the key is
        forgotten and a new one given if anything is stored)."""
        key = self.session_key
        found = _SESSION.objects(session_key=key) if type(key) is str else []
        if found and found[0].expire_date > timezone.now():
            session: Session = found[0]
            return session
        self._session_key = None
        return None
