"""The audit trail's long work, run by the worker (docs/tasks.md): a campaign's log as an
XLSX workbook (100,000 entries take tens of seconds) and the whole chain's integrity check.
Who may read what is asked again when the job runs, of the person who asked for it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from portal.audit.verify import LogUnreadable, audit_log_verify, report_lines
from portal.auditlog import exports, selectors
from portal.auditlog.forms import LogFilterForm
from portal.auditlog.permissions import get_campaign_log_for_user, get_integrity_check_for_user
from portal.jobs.models import Job
from portal.jobs.services import JobError, JobResult, Progress, job_run


@task()
def log_export(job_id: int) -> None:
    job_run(job_id, _export)


def _export(job: Job, progress: Progress) -> JobResult:
    try:
        scope = get_campaign_log_for_user(job.requested_by, job.params["campaign"])
    except Http404 as error:
        raise JobError(gettext("Bạn không còn được đọc nhật ký của đợt này.")) from error
    filters = LogFilterForm(QueryDict(job.params.get("query", ""))).log_filter(
        **job.params.get("fixed", {})
    )
    units = selectors.unit_names(scope)
    progress(0, 1, gettext("Đang ghi các mục nhật ký vào tệp XLSX…"))
    rows = selectors.export_rows(scope, filters, units)
    try:
        content = exports.log_xlsx(rows, f"Nhật ký thay đổi — {scope.campaign}")
    except exports.TooManyRows as error:
        raise JobError(str(error)) from error
    name = f"nhat-ky-dot-{scope.campaign.pk}.xlsx"
    return JobResult(content=content, name=name, content_type=exports.XLSX_TYPE)


@task()
def log_check(job_id: int) -> None:
    job_run(job_id, _check)


def _check(job: Job, progress: Progress) -> JobResult:
    try:
        scope = get_integrity_check_for_user(job.requested_by, job.params["campaign"])
    except (Http404, PermissionDenied) as error:  # no longer the province's office admin
        raise JobError(gettext("Bạn không còn được kiểm tra nhật ký của đợt này.")) from error
    progress(0, 1, gettext("Đang kiểm tra từng mục của chuỗi nhật ký…"))
    try:
        report = audit_log_verify()
    except LogUnreadable as error:
        raise JobError(str(error)) from error
    lines = report_lines(report, province_id=scope.campaign.province_id)
    if report.anchor.not_written:  # the chain is fine, but its anchor is not kept
        lines.append(report.anchor.not_written)
    back = reverse("audit:campaign", kwargs={"campaign_id": scope.campaign.pk})
    ok = report.intact and not report.anchor.not_written
    return JobResult(text=" ".join(lines), ok=ok, next_url=back)
