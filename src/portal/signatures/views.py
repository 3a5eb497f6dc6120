"""The office's page of digital signatures (`/chu-ky-so/`): settings, trust roots and the
certificate identities to confirm (docs/signatures.md). Each view fetches with permission,
calls one service or selector and responds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.models import Province
from portal.accounts.permissions import is_office_admin
from portal.accounts.requests import AuthenticatedHttpRequest
from portal.assessments.evidence_files import request_too_large
from portal.signatures import services
from portal.signatures.forms import MODE_MEANINGS, RefuseForm, RootForm, SettingsForm
from portal.signatures.models import CertificateIdentity, IdentityState, SubmissionMode
from portal.signatures.permissions import (
    get_identity,
    get_province_for_user,
    get_root,
    get_signature_provinces_for_user,
)
from portal.signatures.selectors import identity_rows, roots_of, settings_of
from portal.workflow.confirm import Confirmation, guarded


def _page(
    request: HttpRequest,
    province: Province,
    *,
    root_form: RootForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    stored = settings_of(province)
    initial = {
        "submission_mode": stored.submission_mode,
        "unchecked_revocation_ok": stored.unchecked_revocation_ok,
    }
    context: dict[str, Any] = {
        "province": province,
        "can_write": is_office_admin(request.user, province),
        "settings_form": SettingsForm(initial=initial),
        "modes": [(mode, mode.label, MODE_MEANINGS[mode]) for mode in SubmissionMode],
        "settings": stored,
        "root_form": root_form or RootForm(),
        "problems": problems or [],
        "max_kb": services.MAX_ROOT_BYTES // 1024,
        "roots": roots_of(province),
        "pending": identity_rows(province, IdentityState.PENDING),
        "confirmed": identity_rows(province, IdentityState.CONFIRMED),
        "refuse_form": RefuseForm(),
    }
    return render(request, "signatures/province.html", context, status=status)


def _back(province: Province) -> str:
    return reverse("signatures:province", args=[province.code])


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page of one's province; a list when one manages several."""
    provinces = get_signature_provinces_for_user(request.user)
    if len(provinces) == 1:
        return _page(request, provinces[0])
    return render(request, "signatures/index.html", {"provinces": provinces})


@login_required
@require_GET
def province_page(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    return _page(request, get_province_for_user(request.user, province))


@login_required
@require_POST
def settings_save(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Chọn một cách dùng chữ ký số cho bản tự đánh giá."))
        return redirect(_back(where))
    services.signature_settings_save(province=where, actor=request.user, **form.cleaned_data)
    messages.success(request, gettext("Đã lưu cài đặt chữ ký số."))
    return redirect(_back(where))


@login_required
@require_POST
@csrf_exempt  # checked in _root_add, once an oversized body has been refused unread
def root_add(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    if request_too_large(request, services.MAX_ROOT_BYTES):
        message = gettext("Tệp quá lớn: chứng thư gốc tối đa %(kb)s KB.")
        return _page(
            request, where, problems=[message % {"kb": services.MAX_ROOT_BYTES // 1024}], status=413
        )
    return _root_add(request, where)


@csrf_protect
def _root_add(request: AuthenticatedHttpRequest, where: Province) -> HttpResponse:
    form = RootForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, where, root_form=form, status=400)
    data = form.cleaned_data["file"].read(services.MAX_ROOT_BYTES + 1)
    try:
        root = services.trust_root_add(province=where, actor=request.user, data=data)
    except ValidationError as error:
        return _page(request, where, root_form=form, problems=error.messages, status=400)
    messages.success(request, gettext("Đã thêm chứng thư gốc “%(name)s”.") % {"name": root.name})
    return redirect(_back(where))


@login_required
@require_POST
def root_remove(request: AuthenticatedHttpRequest, province: str, pk: int) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    root = get_root(where, pk)
    confirmation = Confirmation(
        title=gettext("Gỡ chứng thư gốc"),
        summary=gettext(
            "Chứng thư gốc “%(name)s” sẽ bị gỡ: chữ ký bằng chứng thư do nó cấp sẽ không còn "
            "được coi là tin cậy."
        )
        % {"name": root.name},
        action=reverse("signatures:root_remove", args=[where.code, root.pk]),
        back=_back(where),
    )
    return guarded(
        request,
        confirmation,
        lambda _reason: services.trust_root_remove(root=root, actor=request.user),
        gettext("Đã gỡ chứng thư gốc “%(name)s”.") % {"name": root.name},
    )


@login_required
@require_POST
def identity_confirm(request: AuthenticatedHttpRequest, province: str, pk: int) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    identity = get_identity(where, pk)
    done = gettext("Đã xác nhận chứng thư “%(name)s” là của %(person)s.")
    return _decided(
        request,
        where,
        identity,
        lambda: services.identity_confirm(identity=identity, actor=request.user, province=where),
        done,
    )


@login_required
@require_POST
def identity_refuse(request: AuthenticatedHttpRequest, province: str, pk: int) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    identity = get_identity(where, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Ghi lý do từ chối: người dùng sẽ đọc được lý do này."))
        return redirect(_back(where))
    reason = form.cleaned_data["reason"]
    done = gettext("Đã từ chối chứng thư “%(name)s” của %(person)s.")
    return _decided(
        request,
        where,
        identity,
        lambda: services.identity_refuse(
            identity=identity, actor=request.user, province=where, reason=reason
        ),
        done,
    )


def _decided(
    request: AuthenticatedHttpRequest,
    where: Province,
    identity: CertificateIdentity,
    decide: Callable[[], object],
    done: str,
) -> HttpResponse:
    """The office's decision on an identity, its refusal or success told on the page."""
    try:
        decide()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"name": identity.name, "person": identity.user})
    return redirect(_back(where))


@login_required
@require_POST
def identity_revoke(request: AuthenticatedHttpRequest, province: str, pk: int) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    identity = get_identity(where, pk)
    confirmation = Confirmation(
        title=gettext("Thu hồi xác nhận chứng thư"),
        summary=gettext(
            "Chữ ký bằng chứng thư “%(name)s” sẽ không còn được coi là của %(person)s. Các "
            "chữ ký đã được chấp nhận trước đó không thay đổi."
        )
        % {"name": identity.name, "person": identity.user},
        action=reverse("signatures:identity_revoke", args=[where.code, identity.pk]),
        back=_back(where),
    )
    return guarded(
        request,
        confirmation,
        lambda _reason: services.identity_revoke(
            identity=identity, actor=request.user, province=where
        ),
        gettext("Đã thu hồi xác nhận chứng thư “%(name)s”.") % {"name": identity.name},
    )
