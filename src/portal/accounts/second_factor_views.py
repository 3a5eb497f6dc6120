"""The second step of signing in: give a code, or enrol an authenticator app first; and the
recovery codes. Sessions that owe the second factor reach only these pages and logout
(portal.accounts.middleware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from portal.accounts.forms import CodeForm
from portal.accounts.requests import AuthenticatedHttpRequest
from portal.accounts.second_factor import (
    STATE,
    device_verify,
    recovery_codes_issue,
    seconds_to_wait,
    session_is_verified,
    totp_device_confirm,
    totp_device_of,
    totp_device_start,
    totp_qr_svg,
    totp_secret,
)
from portal.workflow.confirm import Confirmation, page, posted


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


def _verified(request: HttpRequest, device: Device) -> None:
    request.session.cycle_key()  # a new session key once the person is fully signed in
    otp_login(request, device)
    request.session.pop(STATE, None)


@login_required
def second_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if totp_device_of(user) is None:
        return redirect("accounts:second_factor_enrol")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        wait = seconds_to_wait(user)
        device = None if wait else device_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            return redirect(_next(request))
        if wait:
            message = gettext("Đã nhập sai nhiều lần. Mời thử lại sau %(seconds)d giây.")
            form.add_error("code", message % {"seconds": wait})
        else:
            form.add_error("code", gettext("Mã không đúng, đã dùng rồi hoặc đã hết hạn."))
    return render(
        request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
def second_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if totp_device_of(user) is not None:
        messages.info(request, gettext("Tài khoản đã có ứng dụng xác thực."))
        return redirect(
            "accounts:account" if session_is_verified(request) else "accounts:second_factor_verify"
        )
    device = totp_device_start(user=user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = totp_device_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            _verified(request, device)
            context: dict[str, object] = {"codes": codes, "next": _next(request)}
            return render(request, "accounts/recovery_codes.html", context)
        form.add_error("code", gettext("Mã không đúng. Hãy nhập mã đang hiện trong ứng dụng."))
    context = {
        "form": form,
        "qr_svg": totp_qr_svg(device),
        "secret": totp_secret(device),
        "next": _next(request),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@login_required
@require_POST
def recovery_codes_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    if totp_device_of(request.user) is None:
        return redirect("accounts:second_factor_enrol")
    if not posted(request).confirmed:
        confirmation = Confirmation(
            title=gettext("Tạo mã khôi phục mới"),
            summary=gettext(
                "Các mã khôi phục cũ của bạn hết dùng được ngay; hãy cất giữ các mã mới thay thế."
            ),
            action=request.path,
            back=reverse("accounts:account"),
        )
        return page(request, confirmation)
    codes = recovery_codes_issue(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/tai-khoan/"})
