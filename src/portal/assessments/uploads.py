"""Receiving an evidence file posted from a page, for the self-assessment and for the
supplements answering an appraisal round, and the signed PDF of an approval: the size is
checked before Django reads the body (from Content-Length, then by a guard on the upload
handlers), the CSRF token only after the guard is in place (reading the token reads the
body), then the form, then the caller's service. Every outcome for evidence is a notice kept
for the criterion it is about: the page the person comes back to (at the criterion's anchor)
prints it inside that criterion's block; the signed PDF's is the approval page again."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_protect

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.assessments import evidence_files, services, verify
from portal.assessments.forms import EvidenceFileForm, SignedCopyForm
from portal.campaigns.models import CampaignUnit
from portal.signatures.models import SubmissionMode

_NOTICES = "criterion_notices"  # the session's key: {criterion code: [text, ok]}


@dataclass(frozen=True)
class CriterionNotice:
    """A message about one criterion: printed in its block, role="status" or "alert"."""

    text: str
    ok: bool


def criterion_notice(request: HttpRequest, criterion: str, text: str, *, ok: bool) -> None:
    """Keep `text` for the criterion's block on the next page shown (the latest wins)."""
    notices = dict(request.session.get(_NOTICES, {}))
    notices[criterion] = [text, ok]
    request.session[_NOTICES] = notices


def criterion_notices(request: HttpRequest, shown: Collection[str]) -> dict[str, CriterionNotice]:
    """The notices kept for the criteria the page shows (`shown`: their codes), once: reading
    them forgets them. One about a criterion the page does not show (a code typed into the
    address) becomes an ordinary message at the top of the page."""
    kept = request.session.pop(_NOTICES, {}) if hasattr(request, "session") else {}
    notices = {code: CriterionNotice(str(text), bool(ok)) for code, (text, ok) in kept.items()}
    for code in set(notices) - set(shown):
        notice = notices.pop(code)
        (messages.success if notice.ok else messages.error)(request, notice.text)
    return notices


Add = Callable[[UploadedFile], object]  # the service storing the file for the criterion
Back = Callable[[], HttpResponse]  # where the person returns: the criterion on its page


def receive_evidence_file(
    request: HttpRequest, criterion: str, add: Add, back: Back
) -> HttpResponse:
    """Call from a view marked @csrf_exempt: the token is checked here, once guarded."""
    if request.method != "POST":
        return HttpResponse(status=405)
    if evidence_files.request_too_large(request):
        size = evidence_files.declared_length(request)
        criterion_notice(request, criterion, evidence_files.too_large_message(size), ok=False)
        return back()
    guard = evidence_files.SizeGuard(request)
    request.upload_handlers = [guard, *request.upload_handlers]
    return _guarded(request, criterion, add, back, guard)


@csrf_protect
def _guarded(
    request: HttpRequest, criterion: str, add: Add, back: Back, guard: evidence_files.SizeGuard
) -> HttpResponse:
    upload_form = EvidenceFileForm(request.POST, request.FILES)
    if guard.tripped:
        message = evidence_files.too_large_message(evidence_files.declared_length(request))
        criterion_notice(request, criterion, message, ok=False)
    elif not upload_form.is_valid():
        message = " ".join(map(str, upload_form.errors["file"]))
        criterion_notice(request, criterion, message, ok=False)
    else:
        upload = upload_form.cleaned_data["file"]
        try:
            add(upload)
            done = gettext("Đã thêm tệp “%(name)s”.") % {"name": upload.name}
            criterion_notice(request, criterion, done, ok=True)
        except ValidationError as error:
            criterion_notice(request, criterion, " ".join(error.messages), ok=False)
    return back()


# ---- the signed copy of a submission, on its approval -----------------------------------


def receive_signed_copy(
    request: AuthenticatedHttpRequest, campaign_unit: CampaignUnit
) -> HttpResponse:
    """The approval where the province asks for a signed PDF (or offers to keep one): the
    page that asks first carries the file field; its post approves with the file. Call from
    a view marked @csrf_exempt: the token is checked here, once guarded."""
    if evidence_files.request_too_large(request):
        size = evidence_files.declared_length(request)
        messages.error(request, evidence_files.too_large_message(size))
        return redirect("assessments:status", pk=campaign_unit.pk)
    guard = evidence_files.SizeGuard(request)
    request.upload_handlers = [guard, *request.upload_handlers]
    return _signed(request, campaign_unit, guard)


@csrf_protect
def _signed(
    request: AuthenticatedHttpRequest, campaign_unit: CampaignUnit, guard: evidence_files.SizeGuard
) -> HttpResponse:
    required = verify.submission_mode(campaign_unit) == SubmissionMode.REQUIRED
    form = SignedCopyForm(request.POST, request.FILES, required=required)
    if guard.tripped:
        size = evidence_files.declared_length(request)
        return signed_approval_page(
            request, campaign_unit, form, [evidence_files.too_large_message(size)]
        )
    if request.POST.get("confirmed") != "1":
        return signed_approval_page(request, campaign_unit, SignedCopyForm(required=required))
    if not form.is_valid():
        return signed_approval_page(
            request, campaign_unit, form, list(map(str, form.errors["file"]))
        )
    signed = form.cleaned_data["file"]  # None where optional and not given
    try:
        services.submission_approve(campaign_unit=campaign_unit, actor=request.user, signed=signed)
    except ValidationError as error:
        return signed_approval_page(request, campaign_unit, form, error.messages)
    if signed is None:
        messages.success(request, gettext("Đã phê duyệt và ký bản tự đánh giá."))
    else:
        messages.success(request, gettext("Đã phê duyệt bản tự đánh giá cùng bản PDF đã ký số."))
    return redirect("assessments:status", pk=campaign_unit.pk)


def signed_approval_page(
    request: HttpRequest,
    campaign_unit: CampaignUnit,
    form: SignedCopyForm,
    errors: Sequence[str] = (),
) -> HttpResponse:
    """The page that asks before approving, with the signed PDF's field and what went wrong
    with the last one (each check that failed, by name)."""
    context = {
        "campaign_unit": campaign_unit,
        "form": form,
        "errors": errors,
        "required": form.fields["file"].required,
    }
    return render(
        request, "assessments/approve_signed.html", context, status=400 if errors else 200
    )
