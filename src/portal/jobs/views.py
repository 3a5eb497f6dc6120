"""A job's page (/viec/<id>/): what it is, how far it has gone, then its file to download,
its verdict, or why it failed with a button to try again. The page follows the job by
itself (htmx every 2 s, a refresh without scripts) and may be left: the job runs on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.jobs.selectors import job_for_user, jobs_for_user
from portal.jobs.services import JobError, job_retry, result_path


@login_required
@require_GET
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": jobs_for_user(request.user)})


@login_required
@require_GET
def job_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = job_for_user(request.user, pk)
    template = "jobs/_status.html" if request.headers.get("HX-Request") else "jobs/job.html"
    response = render(request, template, {"job": job})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = job_for_user(request.user, pk)
    path = result_path(job)
    if not job.file_size or not path.is_file():
        raise Http404(gettext("Tệp của việc này không còn; hãy làm lại."))
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it once sent)
        as_attachment=True,
        filename=job.file_name,
        content_type=job.file_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def job_retry_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = job_for_user(request.user, pk)
    try:
        job_retry(job)
    except JobError as error:
        messages.error(request, str(error))
    return redirect("jobs:job", job.pk)
