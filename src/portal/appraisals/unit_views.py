"""The unit's side of appraisal: the results returned to it and its responses, the
side-by-side view of every round, and the "what needs my attention" list. Each view fetches
through the permission check, calls one service or selector and responds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.appraisals import responses
from portal.appraisals.compare import comparison
from portal.appraisals.permissions import UnitAccess, get_unit_access_for_user
from portal.appraisals.selectors import appraiser_todo
from portal.appraisals.unit_forms import ResponseForm, attach_forms
from portal.appraisals.unit_selectors import unit_results, unit_todo
from portal.assessments.forms import EvidenceLinkForm
from portal.assessments.models import Evidence
from portal.assessments.selectors import framework_for
from portal.assessments.uploads import receive_evidence_file
from portal.campaigns.models import AppraisalRound


def _round_number(request: HttpRequest) -> int | None:
    text = request.GET.get("vong", "")
    return int(text) if text.isdigit() else None


def _results_page(
    request: HttpRequest,
    access: UnitAccess,
    number: int | None,
    status: int = 200,
    bound: ResponseForm | None = None,
    conflict: responses.ResponseConflict | None = None,
) -> HttpResponse:
    results = unit_results(access, number)
    attach_forms(results, bound, conflict)
    context = {"results": results, "campaign_unit": access.campaign_unit}
    return render(request, "appraisals/unit_results.html", context, status=status)


def _to_row(access: UnitAccess, number: int, code: str) -> HttpResponse:
    url = reverse("appraisals:unit_results", args=[access.campaign_unit.pk])
    return redirect(f"{url}?vong={number}#tc-{code}")


def _round(access: UnitAccess, number: int) -> AppraisalRound:
    return get_object_or_404(
        AppraisalRound, campaign_id=access.campaign_unit.campaign_id, number=number
    )


@login_required
@require_GET
def results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_unit_access_for_user(request.user, pk)
    return _results_page(request, access, _round_number(request))


@login_required
@require_POST
def respond(request: AuthenticatedHttpRequest, pk: int, number: int, code: str) -> HttpResponse:
    access = get_unit_access_for_user(request.user, pk, write=True)
    round = _round(access, number)
    leaf = framework_for(access.campaign_unit).by_code.get(code)
    if leaf is None or not leaf.is_leaf:
        raise Http404(gettext("Không có tiêu chí này trong bộ chỉ số của đơn vị."))
    form = ResponseForm(leaf, request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Chưa lưu phản hồi: xem ô nhập chưa đúng bên dưới."))
        return _results_page(request, access, number, 400, bound=form)
    try:
        responses.response_save(
            campaign_unit=access.campaign_unit, round=round, actor=request.user, posted=form.cleaned
        )
    except responses.ResponseConflict as conflict:
        messages.error(request, conflict.messages[0])
        return _results_page(request, access, number, 409, bound=form, conflict=conflict)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_row(access, number, code)
    messages.success(request, gettext("Đã lưu phản hồi tiêu chí %(code)s.") % {"code": code})
    return _to_row(access, number, code)


# ---- evidence supplemented in answer to a round ---------------------------------------------


@login_required
@csrf_exempt  # checked by receive_evidence_file, once the size guard is in place
def evidence_upload(
    request: AuthenticatedHttpRequest, pk: int, number: int, code: str
) -> HttpResponse:
    access = get_unit_access_for_user(request.user, pk, write=True)
    round = _round(access, number)
    return receive_evidence_file(
        request,
        code,
        add=lambda upload: responses.response_evidence_add_file(
            campaign_unit=access.campaign_unit,
            round=round,
            actor=request.user,
            criterion=code,
            upload=upload,
        ),
        back=lambda: _to_row(access, number, code),
    )


@login_required
@require_POST
def evidence_link(
    request: AuthenticatedHttpRequest, pk: int, number: int, code: str
) -> HttpResponse:
    access = get_unit_access_for_user(request.user, pk, write=True)
    round = _round(access, number)
    link_form = EvidenceLinkForm(request.POST)
    if not link_form.is_valid():
        errors = [str(e) for field_errors in link_form.errors.values() for e in field_errors]
        messages.error(request, f"{code}: {' '.join(errors)}")
        return _to_row(access, number, code)
    try:
        responses.response_evidence_add_link(
            campaign_unit=access.campaign_unit,
            round=round,
            actor=request.user,
            criterion=code,
            **link_form.cleaned_data,
        )
        messages.success(request, gettext("%(criterion)s: đã thêm liên kết.") % {"criterion": code})
    except ValidationError as error:
        messages.error(request, f"{code}: {' '.join(error.messages)}")
    return _to_row(access, number, code)


@login_required
@require_POST
def evidence_delete(
    request: AuthenticatedHttpRequest, pk: int, number: int, evidence_pk: int
) -> HttpResponse:
    access = get_unit_access_for_user(request.user, pk, write=True)
    round = _round(access, number)
    evidence = get_object_or_404(
        Evidence.objects.select_related("submission"),
        pk=evidence_pk,
        submission__campaign_unit=access.campaign_unit,
    )
    try:
        responses.response_evidence_delete(
            campaign_unit=access.campaign_unit, round=round, actor=request.user, evidence=evidence
        )
        messages.success(
            request, gettext("Đã xoá minh chứng “%(name)s”.") % {"name": evidence.original_name}
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_row(access, number, evidence.criterion)


# ---- side by side, and what needs attention --------------------------------------------------


@login_required
@require_GET
def compare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_unit_access_for_user(request.user, pk)
    context = {"campaign_unit": access.campaign_unit, "comparison": comparison(access)}
    return render(request, "appraisals/compare.html", context)


@login_required
@require_GET
def todo(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"units": unit_todo(request.user), "appraiser": appraiser_todo(request.user)}
    return render(request, "appraisals/todo.html", context)
