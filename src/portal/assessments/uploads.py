"""Receiving an evidence file posted from a page, for the self-assessment and for the
supplements answering an appraisal round: the size is checked before Django reads the body
(from Content-Length, then by a guard on the upload handlers), the CSRF token only after the
guard is in place (reading the token reads the body), then the form, then the caller's
service. Every outcome is a notice kept for the criterion it is about: the page the person
comes back to (at the criterion's anchor) prints it inside that criterion's block."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_protect

from portal.assessments import evidence_files
from portal.assessments.forms import EvidenceFileForm

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
