"""The request a view behind login_required receives: its `user` is a signed-in User, never
AnonymousUser, so it can be handed to the services and selectors that want a User. Views
reachable anonymously keep django.http.HttpRequest and check `user.is_authenticated`."""

from __future__ import annotations

from django.http import HttpRequest

from portal.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """Only an annotation: Django builds the request, login_required lets only a signed-in
    person through."""

    user: User
