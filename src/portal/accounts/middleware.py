"""Two checks every request passes once a person is signed in: the session has not sat idle
past DTI_SESSION_IDLE_MINUTES, and a session that still owes its second factor reaches
nothing but the second-factor pages and logout (portal.accounts.second_factor)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from portal.accounts.second_factor import ENROL, LAST_SEEN, STATE, VERIFY, session_is_verified
from portal.accounts.sign_in import second_factor_owed

# Saving the session on every request costs a write per page; a minute's precision is
# enough for a 30-minute limit, so the last-seen time is written at most once a minute.
LAST_SEEN_PRECISION = 60
# What a session that owes its second factor may still reach.
OPEN_WHILE_OWED = {
    "accounts:second_factor_verify",
    "accounts:second_factor_enrol",
    "accounts:logout",
    "set_language",
}

Respond = Callable[[HttpRequest], HttpResponse]


class IdleSessionMiddleware:
    def __init__(self, get_response: Respond) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    gettext("Phiên làm việc đã hết do lâu không thao tác. Mời đăng nhập lại."),
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= LAST_SEEN_PRECISION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Installs django-otp's `request.user.is_verified()` (the admin site asks it), loading
    the device only when asked, and holds back sessions that still owe the second factor."""

    def __init__(self, get_response: Respond) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.user = SimpleLazyObject(partial(_with_verification, request, user))  # type: ignore[assignment]  # a lazy user, as AuthenticationMiddleware sets
        held_back = request.user.is_authenticated and _owes_second_factor(request)
        if held_back and _route_name(request) not in OPEN_WHILE_OWED:
            return _second_step(request)
        return self.get_response(request)


def _with_verification(request: HttpRequest, user: object) -> object:
    answer: list[bool] = []

    def is_verified() -> bool:
        if not answer:
            answer.append(_verified_device(request, user) is not None)
        return answer[0]

    user.otp_device = None  # type: ignore[attr-defined]  # django-otp's attribute on the user
    user.is_verified = is_verified  # type: ignore[attr-defined]  # django-otp's attribute on the user
    return user


def _verified_device(request: HttpRequest, user: object) -> Device | None:
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id or not getattr(user, "is_authenticated", False):
        return None
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != user.pk or not device.confirmed:  # type: ignore[attr-defined]  # a signed-in User here (checked above)
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        return None
    user.otp_device = device  # type: ignore[attr-defined]  # django-otp's attribute on the user
    return device


def _owes_second_factor(request: HttpRequest) -> bool:
    state = request.session.get(STATE)
    if state is None:  # a session from before the second factor: decide once
        state = request.session[STATE] = second_factor_owed(request.user)  # type: ignore[arg-type]  # asked only for a signed-in user (__call__)
    return state in (VERIFY, ENROL) and not session_is_verified(request)


def _route_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def _second_step(request: HttpRequest) -> HttpResponse:
    name = "verify" if request.session[STATE] == VERIFY else "enrol"
    url = reverse(f"accounts:second_factor_{name}")
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)
