"""Receiving an evidence file posted from a page, for the self-assessment and for the
supplements answering an appraisal round: the size is checked before Django reads the body
(from Content-Length, then by a guard on the upload handlers), the CSRF token only after the
guard is in place (reading the token reads the body), then the form, then the caller's
service. Every outcome is a message on the page the person comes back to."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_protect

from portal.assessments import evidence_files
from portal.assessments.forms import EvidenceFileForm

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
        messages.error(request, f"{criterion}: {evidence_files.too_large_message(size)}")
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
        messages.error(request, f"{criterion}: {message}")
    elif not upload_form.is_valid():
        messages.error(request, f"{criterion}: {' '.join(map(str, upload_form.errors['file']))}")
    else:
        upload = upload_form.cleaned_data["file"]
        try:
            add(upload)
            messages.success(
                request,
                gettext("%(criterion)s: đã thêm tệp “%(name)s”.")
                % {"criterion": criterion, "name": upload.name},
            )
        except ValidationError as error:
            messages.error(request, f"{criterion}: {' '.join(error.messages)}")
    return back()
