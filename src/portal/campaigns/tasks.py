"""The campaign's official report made by the worker (docs/tasks.md): DOCX, XLSX or PDF;
at 3,300 communes the PDF takes seconds and hundreds of megabytes, which no web request
should hold."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from django_tasks import task

from dti.reports.pdf import PdfError
from portal.campaigns.permissions import get_campaign_report_for_user
from portal.campaigns.report import campaign_report, has_report
from portal.jobs.models import Job
from portal.jobs.services import JobError, JobResult, Progress, job_run


@task()
def report_build(job_id: int) -> None:
    job_run(job_id, _report)


def _report(job: Job, progress: Progress) -> JobResult:
    # the template engine with the job that fills a template, in the task worker
    from dti.reports.templates import TemplateError

    try:  # asked again when it runs (a retry days later): who may still download it
        campaign = get_campaign_report_for_user(job.requested_by, job.params["campaign"])
    except (Http404, PermissionDenied) as error:
        raise JobError(gettext("Bạn không còn được tải báo cáo của đợt này.")) from error
    if not has_report(campaign):
        raise JobError(gettext("Đợt đánh giá chưa có kết quả để lập báo cáo."))
    fmt = job.params["fmt"]
    try:
        report = campaign_report(campaign, fmt, progress)
    except (PdfError, TemplateError) as error:
        raise JobError(str(error)) from error
    return JobResult(content=report.content, name=report.name, content_type=report.content_type)
