"""The office's pages for system values: a campaign's values and imports (and the upload
form), and a province's API tokens. Each view fetches with permission, calls one service or
selector and responds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.models import Province
from portal.accounts.permissions import is_office_admin
from portal.accounts.requests import AuthenticatedHttpRequest
from portal.assessments import evidence_files
from portal.campaigns.models import Campaign
from portal.campaigns.permissions import admin_provinces
from portal.indicators import services
from portal.indicators.forms import TokenForm, UploadForm
from portal.indicators.permissions import (
    get_campaign_system_values_for_user,
    get_province_tokens_for_user,
    get_token,
)
from portal.indicators.rows import MAX_BYTES
from portal.indicators.selectors import (
    batches_of,
    campaign_values,
    campaigns_for_user,
    import_block_reason,
    tokens_of,
)


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "campaigns": campaigns_for_user(request.user),
        "provinces": admin_provinces(request.user),  # whose API tokens they manage
    }
    return render(request, "indicators/index.html", context)


def _campaign_page(
    request: HttpRequest,
    campaign: Campaign,
    form: UploadForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "campaign": campaign,
        "form": form or UploadForm(),
        "problems": problems or [],
        "can_import": is_office_admin(request.user, campaign.province_id),
        "block_reason": import_block_reason(campaign),
        "values": campaign_values(campaign),
        "batches": batches_of(campaign),
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    return render(request, "indicators/campaign.html", context, status=status)


@login_required
@require_GET
def campaign(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    return _campaign_page(request, get_campaign_system_values_for_user(request.user, campaign_id))


@login_required
@require_POST
@csrf_exempt  # checked in _upload, once an oversized body has been refused unread
def upload(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    found = get_campaign_system_values_for_user(request.user, campaign_id, write=True)
    if evidence_files.request_too_large(request, MAX_BYTES):
        message = gettext("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        return _campaign_page(request, found, problems=[message], status=413)
    return _upload(request, found)


@csrf_protect
def _upload(request: AuthenticatedHttpRequest, found: Campaign) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _campaign_page(request, found, form=form, status=400)
    file = form.cleaned_data["file"]
    try:
        batch = services.system_values_upload(
            campaign=found,
            actor=request.user,
            data=file.read(MAX_BYTES + 1),
            file_name=file.name or "",
            source=form.cleaned_data["source"],
        )
    except ValidationError as error:
        return _campaign_page(request, found, form=form, problems=error.messages, status=400)
    done = gettext("Đã nhập %(count)s giá trị từ “%(name)s”.")
    messages.success(request, done % {"count": batch.count, "name": batch.file_name})
    return redirect("indicators:campaign", found.pk)


# ---- API tokens --------------------------------------------------------------------------


def _tokens_page(
    request: HttpRequest,
    province: Province,
    form: TokenForm | None = None,
    new_token: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "province": province,
        "tokens": tokens_of(province.pk),
        "form": form or TokenForm(province),
        "new_token": new_token,
    }
    response = render(request, "indicators/tokens.html", context, status=status)
    add_never_cache_headers(response)  # the new token is in this page, and only here
    return response


@login_required
@require_GET
def tokens(request: AuthenticatedHttpRequest, province_id: int) -> HttpResponse:
    return _tokens_page(request, get_province_tokens_for_user(request.user, province_id))


@login_required
@require_POST
def token_create(request: AuthenticatedHttpRequest, province_id: int) -> HttpResponse:
    province = get_province_tokens_for_user(request.user, province_id)
    form = TokenForm(province, request.POST)
    if not form.is_valid():
        return _tokens_page(request, province, form=form, status=400)
    try:
        _, text = services.api_token_create(
            province=province, actor=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _tokens_page(request, province, form=form, status=400)
    return _tokens_page(request, province, new_token=text, status=201)


@login_required
@require_POST
def token_revoke(
    request: AuthenticatedHttpRequest, province_id: int, token_id: int
) -> HttpResponse:
    province = get_province_tokens_for_user(request.user, province_id)
    token = services.api_token_revoke(token=get_token(province, token_id), actor=request.user)
    messages.success(request, gettext("Đã thu hồi mã “%(name)s”.") % {"name": token.name})
    return redirect("indicators:tokens", province.pk)
