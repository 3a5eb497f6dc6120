"""Self-assessment pages: the unit's form, its live score, drafts, evidence, and the
submission's moves. Each view fetches the campaign unit through the permission check, calls one
service or selector and responds."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.assessments import documents, evidence_files, saving, services, verify
from portal.assessments.forms import AnswersForm, EvidenceLinkForm, ReturnForm
from portal.assessments.models import Evidence
from portal.assessments.pages import form_context, live_score, posted_answers, status_context
from portal.assessments.permissions import campaign_unit_and_roles, get_campaign_unit_for_user
from portal.assessments.selectors import framework_for, own_campaign_units, submission_for
from portal.assessments.uploads import (
    criterion_notice,
    criterion_notices,
    receive_evidence_file,
    receive_signed_copy,
)
from portal.campaigns.models import CampaignUnit
from portal.campaigns.permissions import get_campaign_for_user
from portal.roles import Role
from portal.signatures.models import SubmissionMode
from portal.workflow import ACTION_LABELS, SubmissionState
from portal.workflow.confirm import Confirmation, guarded, page, posted


@login_required
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaign_units = own_campaign_units(request.user)
    return render(request, "assessments/mine.html", {"campaign_units": campaign_units})


@login_required
@require_GET
def form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign_unit, roles = campaign_unit_and_roles(request.user, pk)
    framework = framework_for(campaign_unit)
    notices = criterion_notices(request, [leaf.code for leaf in framework.leaves])
    context = form_context(
        request.user, campaign_unit, framework=framework, notices=notices, roles=roles
    )
    return render(request, "assessments/form.html", context)


@login_required
@require_POST
def save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign_unit, roles = campaign_unit_and_roles(request.user, pk, write=True)
    framework = framework_for(campaign_unit)
    answers = AnswersForm(services.editable_leaves(framework, campaign_unit), request.POST)
    if not answers.is_valid():
        messages.error(
            request,
            gettext("Chưa lưu: %(count)s ô nhập chưa đúng, xem bên dưới.")
            % {"count": len(answers.errors)},
        )
        context = form_context(
            request.user, campaign_unit, framework=framework, form=answers, roles=roles
        )
        return render(request, "assessments/form.html", context, status=400)
    try:
        result = saving.answers_save(
            campaign_unit=campaign_unit, actor=request.user, answers=answers.cleaned, roles=roles
        )
    except saving.AnswerConflict as conflict:
        messages.error(request, conflict.messages[0])
        context = form_context(
            request.user,
            campaign_unit,
            framework=framework,
            form=answers,
            conflicts=conflict.conflicts,
            roles=roles,
        )
        return render(request, "assessments/form.html", context, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:form", pk=campaign_unit.pk)
    if result.saved:
        messages.success(
            request,
            gettext("Đã lưu nháp (%(count)s tiêu chí thay đổi).") % {"count": result.saved},
        )
    else:  # a second tap, a save sent again after no answer came, or nothing changed
        messages.info(
            request, gettext("Không có gì mới để lưu: các câu trả lời trên trang đã được lưu.")
        )
    return redirect("assessments:form", pk=campaign_unit.pk)


@login_required
@require_POST
def score(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The self-score of the values on the page, without saving anything: an HTML fragment
    whose parts htmx puts in their places on the page (hx-swap-oob)."""
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    framework = framework_for(campaign_unit)
    answers = AnswersForm(services.editable_leaves(framework, campaign_unit), request.POST)
    values = posted_answers(campaign_unit, answers)
    live = live_score(framework, campaign_unit, values, answers, request.POST)
    return render(request, "assessments/_live_score.html", live | {"self_assessment": True})


# ---- evidence --------------------------------------------------------------------------


def _to_criterion(campaign_unit: CampaignUnit, criterion: str) -> HttpResponse:
    return redirect(reverse("assessments:form", args=[campaign_unit.pk]) + f"#tc-{criterion}")


@login_required
@csrf_exempt  # checked by receive_evidence_file, once the size guard is in place
def evidence_upload(request: AuthenticatedHttpRequest, pk: int, criterion: str) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk, write=True)
    return receive_evidence_file(
        request,
        criterion,
        add=lambda upload: services.evidence_add_file(
            campaign_unit=campaign_unit, actor=request.user, criterion=criterion, upload=upload
        ),
        back=lambda: _to_criterion(campaign_unit, criterion),
    )


@login_required
@require_POST
def evidence_link(request: AuthenticatedHttpRequest, pk: int, criterion: str) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk, write=True)
    link_form = EvidenceLinkForm(request.POST)
    if not link_form.is_valid():
        errors = [str(e) for field_errors in link_form.errors.values() for e in field_errors]
        criterion_notice(request, criterion, " ".join(errors), ok=False)
        return _to_criterion(campaign_unit, criterion)
    try:
        services.evidence_add_link(
            campaign_unit=campaign_unit,
            actor=request.user,
            criterion=criterion,
            **link_form.cleaned_data,
        )
        criterion_notice(request, criterion, gettext("Đã thêm liên kết."), ok=True)
    except ValidationError as error:
        criterion_notice(request, criterion, " ".join(error.messages), ok=False)
    return _to_criterion(campaign_unit, criterion)


@login_required
@require_POST
def evidence_delete(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk, write=True)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, submission__campaign_unit=campaign_unit)
    leaf = framework_for(campaign_unit).by_code.get(evidence.criterion)
    confirmation = Confirmation(
        title=gettext("Xoá minh chứng"),
        summary=gettext(
            "Minh chứng “%(name)s” của tiêu chí “%(criterion)s” bị xoá khỏi bản tự đánh giá của "
            "%(unit)s; không khôi phục được."
        )
        % {
            "name": evidence.original_name or evidence.url,
            "criterion": leaf.name if leaf else evidence.criterion,
            "unit": campaign_unit.unit.name,
        },
        action=request.path,
        back=reverse("assessments:form", args=[campaign_unit.pk]) + f"#tc-{evidence.criterion}",
    )
    if not posted(request).confirmed:
        return page(request, confirmation)
    try:
        services.evidence_delete(campaign_unit=campaign_unit, actor=request.user, evidence=evidence)
        done = gettext("Đã xoá minh chứng “%(name)s”.") % {
            "name": evidence.original_name or evidence.url
        }
        criterion_notice(request, evidence.criterion, done, ok=True)
    except ValidationError as error:
        criterion_notice(request, evidence.criterion, " ".join(error.messages), ok=False)
    return _to_criterion(campaign_unit, evidence.criterion)


@login_required
@require_GET
def evidence_download(
    request: AuthenticatedHttpRequest, pk: int, evidence_pk: int
) -> HttpResponseBase:
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, submission__campaign_unit=campaign_unit)
    return evidence_files.download(evidence)


# ---- submission ------------------------------------------------------------------------


@login_required
@require_GET
def status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign_unit, roles = campaign_unit_and_roles(request.user, pk)
    context = status_context(request.user, campaign_unit, roles)
    return render(request, "assessments/status.html", context)


# The states in which the submission has a snapshot to print and sign.
SIGNABLE = (SubmissionState.SUBMITTED, SubmissionState.APPROVED)

# What each move of the submission does, said on the page that asks first.
MOVE_SUMMARIES = {
    "submit": gettext_lazy(
        "Bản tự đánh giá của %(unit)s được gửi cho thủ trưởng phê duyệt; đơn vị không sửa được "
        "nữa, trừ khi thủ trưởng trả lại."
    ),
    "approve": gettext_lazy(
        "Thủ trưởng phê duyệt và ký bản tự đánh giá của %(unit)s: bản được khoá và gửi Sở chủ "
        "trì; chỉ Sở chủ trì mở lại được."
    ),
    "return": gettext_lazy(
        "Bản tự đánh giá của %(unit)s được trả lại cho cán bộ đầu mối để sửa, "
        "kèm lý do: “%(note)s”."
    ),
    "reopen": gettext_lazy(
        "Bản đã phê duyệt của %(unit)s được mở lại: đơn vị sửa, gửi và phê duyệt lại; lý do: "
        "“%(note)s”."
    ),
}


def _move(
    request: HttpRequest,
    campaign_unit: CampaignUnit,
    action: str,
    act: Callable[[], object],
    done: str,
    note: str = "",
) -> HttpResponse:
    confirmation = Confirmation(
        title=str(ACTION_LABELS[action]),
        summary=MOVE_SUMMARIES[action] % {"unit": campaign_unit.unit.name, "note": note},
        action=request.path,
        back=reverse("assessments:status", args=[campaign_unit.pk]),
    )
    return guarded(request, confirmation, lambda _: act(), done)


@login_required
@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk, write=True)
    return _move(
        request,
        campaign_unit,
        "submit",
        lambda: services.submission_submit(campaign_unit=campaign_unit, actor=request.user),
        gettext("Đã gửi bản tự đánh giá để thủ trưởng phê duyệt."),
    )


@login_required
@csrf_exempt  # checked by _approve (or receive_signed_copy) once the size guard is in place
def approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    campaign_unit = get_campaign_unit_for_user(request.user, pk, write=True, role=Role.APPROVER)
    if verify.submission_mode(campaign_unit) != SubmissionMode.OFF:
        return receive_signed_copy(request, campaign_unit)
    return _approve(request, campaign_unit)


@csrf_protect
def _approve(request: AuthenticatedHttpRequest, campaign_unit: CampaignUnit) -> HttpResponse:
    return _move(
        request,
        campaign_unit,
        "approve",
        lambda: services.submission_approve(campaign_unit=campaign_unit, actor=request.user),
        gettext("Đã phê duyệt và ký bản tự đánh giá."),
    )


@login_required
@require_GET
def document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The submitted snapshot as a PDF, for the unit head to sign; 404 before it is sent."""
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    submission = submission_for(campaign_unit)
    if not submission.snapshot or submission.state not in SIGNABLE:
        raise Http404(gettext("Bản tự đánh giá chưa được gửi: chưa có bản PDF để ký."))
    response = HttpResponse(documents.submission_pdf(submission), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.file_name(submission)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def signed_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The signed PDF kept with the current approval; 404 when there is none."""
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    kept = verify.current_signature(submission_for(campaign_unit))
    if kept is None:
        raise Http404(gettext("Bản tự đánh giá chưa có bản ký số."))
    return evidence_files.download_stored(
        kept.stored_name, f"ky-so-{documents.file_name(kept.submission)}", "application/pdf"
    )


@login_required
@require_POST
def return_(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk, write=True, role=Role.APPROVER)
    done = gettext("Đã trả lại để đơn vị sửa.")
    return _reasoned(request, campaign_unit, "return", services.submission_return, done)


@login_required
@require_POST
def reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk, write=True, role=Role.OFFICE_ADMIN)
    done = gettext("Đã mở lại bản tự đánh giá.")
    return _reasoned(request, campaign_unit, "reopen", services.submission_reopen, done)


def _reasoned(
    request: HttpRequest,
    campaign_unit: CampaignUnit,
    action: str,
    service: Callable[..., object],
    done: str,
) -> HttpResponse:
    """A move with a reason: the reason is checked before the page asks to confirm."""
    reason = ReturnForm(request.POST)
    if not reason.is_valid():
        messages.error(request, " ".join(map(str, reason.errors["note"])))
        return redirect("assessments:status", pk=campaign_unit.pk)
    note = reason.cleaned_data["note"]
    return _move(
        request,
        campaign_unit,
        action,
        lambda: service(campaign_unit=campaign_unit, actor=request.user, note=note),
        done,
        note,
    )


@login_required
@require_POST
def evidence_signatures_recheck(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office checks the campaign's signed evidence again, after adding a trust root."""
    campaign = get_campaign_for_user(request.user, pk, write=True)
    done = evidence_files.evidence_signatures_recheck(campaign=campaign, actor=request.user)
    messages.success(
        request,
        gettext(
            "Đã kiểm tra lại chữ ký số của %(checked)s tệp minh chứng; %(changed)s tệp có kết "
            "quả khác trước."
        )
        % {"checked": done.checked, "changed": done.changed},
    )
    return redirect("campaigns:detail", campaign.pk)
