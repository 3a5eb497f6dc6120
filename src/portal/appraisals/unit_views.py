"""The unit's side of appraisal: the results returned to it and its responses, the
side-by-side view of every round, and the "what needs my attention" list. Each view fetches
through the permission check, calls one service or selector and responds."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.appraisals import responses, services
from portal.appraisals.compare import comparison
from portal.appraisals.permissions import UnitAccess, get_unit_access_for_user
from portal.appraisals.responses import ResponsesRefused
from portal.appraisals.selectors import appraiser_todo
from portal.appraisals.unit_forms import (
    RepliesForm,
    attach_forms,
    kind_field,
    reply_field,
    touched,
)
from portal.appraisals.unit_selectors import (
    ResultRow,
    UnitResults,
    date_text,
    unit_results,
    unit_todo,
)
from portal.assessments.forms import EvidenceLinkForm
from portal.assessments.models import Evidence
from portal.assessments.uploads import (
    criterion_notice,
    criterion_notices,
    receive_evidence_file,
)
from portal.campaigns.models import AppraisalRound


def _round_number(request: HttpRequest) -> int | None:
    text = request.GET.get("vong", "")
    return int(text) if text.isdigit() else None


def _results_page(
    request: HttpRequest,
    access: UnitAccess,
    number: int | None,
    status: int = 200,
    bound: RepliesForm | None = None,
    refused: ResponsesRefused | None = None,
    results: UnitResults | None = None,
) -> HttpResponse:
    results = results or unit_results(access, number)
    attach_forms(results, bound, refused)
    rows = [row for index in results.indices for row in index.rows]
    notices = criterion_notices(request, [row.node.code for row in rows])
    for row in rows:
        row.notice = notices.get(row.node.code)
    context = {"results": results, "campaign_unit": access.campaign_unit}
    return render(request, "appraisals/unit_results.html", context, status=status)


def _to_row(access: UnitAccess, number: int, code: str = "") -> HttpResponse:
    url = reverse("appraisals:unit_results", args=[access.campaign_unit.pk])
    return redirect(f"{url}?vong={number}" + (f"#tc-{code}" if code else ""))


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
def respond(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """Every reply of the page at once ("Lưu tất cả", or "Xác nhận tất cả"): all or none."""
    access = get_unit_access_for_user(request.user, pk, write=True)
    round = _round(access, number)
    refusal = responses.respond_refusal(
        campaign_unit=access.campaign_unit, round=round, actor=request.user
    )
    if refusal:  # a round being scored, closed, or a campaign past appraisal
        messages.error(request, refusal)
        return _to_row(access, number)
    results = unit_results(access, number)
    rows = [row for index in results.indices for row in index.rows if row.applies]
    form = RepliesForm(
        [row.node for row in rows if row.open],
        request.POST,
        confirm_all="confirm_all" in request.POST,
    )
    late = _tell_late(request, [row for row in rows if not row.open], request.POST)
    if not form.rows:
        if not late:  # nothing chosen anywhere: say what to do
            messages.info(
                request,
                gettext(
                    "Chưa có phản hồi nào để lưu: chọn “Đồng ý” hoặc “Giải trình, bổ sung” ở "
                    "từng tiêu chí, hoặc bấm Xác nhận tất cả."
                ),
            )
        return _to_row(access, number)
    if not form.is_valid():
        messages.error(
            request,
            gettext("Chưa lưu phản hồi nào: %(count)s tiêu chí cần sửa, ghi ngay dưới tiêu chí.")
            % {"count": len(form.errors)},
        )
        return _results_page(request, access, number, 400, form, results=results)
    try:
        changed = services.responses_save(
            campaign_unit=access.campaign_unit,
            round=round,
            actor=request.user,
            posted=form.cleaned(),
        )
    except ResponsesRefused as refused:
        messages.error(request, refused.messages[0])
        status = 409 if refused.conflicts else 400
        results = unit_results(access, number)  # the other person's replies, as saved now
        return _results_page(request, access, number, status, form, refused, results=results)
    messages.success(
        request, gettext("Đã lưu phản hồi: %(count)s tiêu chí thay đổi.") % {"count": changed}
    )
    return _to_row(access, number)


def _changed(row: ResultRow, data: Mapping[str, str]) -> bool:
    """Whether the reply posted differs from the one saved (a page loaded before the deadline
    posts the saved replies again)."""
    code, saved = row.node.code, row.response
    kind, reply = str(data.get(kind_field(code), "")), str(data.get(reply_field(code), ""))
    return saved is None or (kind, reply.strip()) != (saved.kind, saved.reply)


def _tell_late(request: HttpRequest, closed: list[ResultRow], data: Mapping[str, str]) -> bool:
    """Replies typed for criteria whose deadline passed while the page was open: said next to
    each criterion and at the top, never saved silently."""
    late = [row for row in closed if touched(row.node, data) and _changed(row, data)]
    for row in late:
        message = gettext(
            "Đã hết hạn giải trình, bổ sung tiêu chí này (hạn %(due)s): phản hồi vừa gõ chưa "
            "được lưu."
        ) % {"due": date_text(row.due) if row.due else "—"}
        criterion_notice(request, row.node.code, message, ok=False)
    if late:
        names = "; ".join(row.node.name for row in late)
        messages.error(
            request,
            gettext("Đã hết hạn giải trình, bổ sung: %(names)s. Phản hồi các tiêu chí đó chưa lưu.")
            % {"names": names},
        )
    return bool(late)


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
        criterion_notice(request, code, " ".join(errors), ok=False)
        return _to_row(access, number, code)
    try:
        responses.response_evidence_add_link(
            campaign_unit=access.campaign_unit,
            round=round,
            actor=request.user,
            criterion=code,
            **link_form.cleaned_data,
        )
        criterion_notice(request, code, gettext("Đã thêm liên kết."), ok=True)
    except ValidationError as error:
        criterion_notice(request, code, " ".join(error.messages), ok=False)
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
        done = gettext("Đã xoá minh chứng “%(name)s”.") % {"name": evidence.original_name}
        criterion_notice(request, evidence.criterion, done, ok=True)
    except ValidationError as error:
        criterion_notice(request, evidence.criterion, " ".join(error.messages), ok=False)
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
