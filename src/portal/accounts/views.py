"""Signing in and out, the account page and passwords. The second step lives in
second_factor_views.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from portal.accounts.forms import ProfileForm
from portal.accounts.permissions import people_scope_of
from portal.accounts.requests import AuthenticatedHttpRequest
from portal.accounts.second_factor import ENROL, STATE, VERIFY, recovery_codes_left, totp_device_of
from portal.accounts.services import profile_update
from portal.signatures.selectors import certificates_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        owed = self.request.session.get(STATE)
        if owed not in (VERIFY, ENROL):
            return response
        # The password was right; the second step comes before anything else.
        name = "verify" if owed == VERIFY else "enrol"
        query = urlencode({"next": self.get_success_url()})
        return redirect(f"{reverse(f'accounts:second_factor_{name}')}?{query}")


class LogoutView(auth_views.LogoutView):
    pass


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' answer to a locked-out username and address: a page that says why and
    for how long, with status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "device": totp_device_of(user),
        "codes_left": recovery_codes_left(user),
        "administers_people": people_scope_of(user) is not None,
    }
    return render(request, "accounts/account.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, gettext("Đã đổi mật khẩu."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers with the same page, whether the address is known or not. The link in
    the mail is built from DTI_SITE_URL, never from the request's Host header (which a
    stranger could set to their own site)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    title = gettext_lazy("Quên mật khẩu")

    @property
    def extra_email_context(self) -> dict[str, str]:
        return {"site_url": settings.DTI_SITE_URL.rstrip("/")}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own name and e-mail address, and the certificates he signed with
    (the office confirms each once: docs/signatures.md)."""
    user = request.user
    initial = {"full_name": user.full_name, "email": user.email}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, gettext("Đã lưu hồ sơ."))
            return redirect("accounts:account")
    context = {"form": form, "certificates": certificates_of(user)}
    return render(request, "accounts/profile.html", context)
