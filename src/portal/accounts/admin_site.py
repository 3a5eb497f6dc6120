"""The admin site behind the same sign-in as the portal: its login is the portal's (one
lockout, one second factor), and it opens only to staff whose session is verified by an OTP
device (django-otp's OTPAdminSite). Installed as the default site, so every ModelAdmin
registered with `admin.site` stays where it is
(portal.accounts.apps.PortalAdminConfig).

The site is also where the admin becomes read-only for every model, the portal's and those
other apps register (django-axes' sign-in records, django-otp's devices): `register` puts
`ReadOnlyMixin` before every admin class and its inlines, so no registration, however it is
written, can add, change or delete (portal.read_only_admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.admin import OTPAdminSite

from portal.accounts.second_factor import ENROL, STATE, VERIFY, totp_device_of
from portal.read_only_admin import read_only


class PortalAdminSite(OTPAdminSite):  # type: ignore[misc]  # django-otp ships no types: Any
    def __init__(self, name: str = "admin") -> None:  # OTPAdminSite's own is "otpadmin"
        super().__init__(name)

    def register(
        self,
        model_or_iterable: Any,
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        super().register(model_or_iterable, read_only(admin_class or admin.ModelAdmin), **options)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(target, reverse("accounts:login"))
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if user.is_verified():  # type: ignore[attr-defined]  # set by accounts.middleware
            return redirect(target)
        # Staff signed in without a verified device (made staff after signing in, or the
        # device is gone): the second step, then back here.
        request.session[STATE] = VERIFY if totp_device_of(user) is not None else ENROL
        name = "verify" if request.session[STATE] == VERIFY else "enrol"
        return redirect(
            f"{reverse(f'accounts:second_factor_{name}')}?{urlencode({'next': target})}"
        )
