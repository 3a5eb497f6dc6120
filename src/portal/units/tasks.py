"""A large registry workbook imported by the worker (docs/tasks.md): thousands of units are
written one by one, each with its audit entry, which no web request should hold. The
office's request reads the file and lists its problems at once; the job writes it, all or
nothing, as the person who asked, and says what it did or every problem it met."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from portal.jobs.models import Job
from portal.jobs.services import JobError, JobResult, Progress, job_run, job_upload
from portal.units import services
from portal.units.permissions import get_province_for_user


@task()
def registry_import(job_id: int) -> None:
    job_run(job_id, _registry_import)


def _registry_import(job: Job, progress: Progress) -> JobResult:
    try:  # asked again when it runs: whoever may still change the province's registry
        province = get_province_for_user(job.requested_by, job.params["province"], write=True)
    except (Http404, PermissionDenied) as error:
        raise JobError(gettext("Bạn không còn được sửa danh mục đơn vị của tỉnh này.")) from error
    data = job_upload(job)
    try:
        summary = services.registry_import(province=province, data=data, progress=progress)
    except ValidationError as error:
        raise JobError.listing(
            gettext("Danh mục không thay đổi. Sửa các lỗi sau trong tệp rồi nhập lại:"),
            error.messages,
        ) from error
    return JobResult(
        text=summary_text(summary),
        next_url=reverse("units:registry"),
    )


def summary_text(summary: services.ImportSummary) -> str:
    return gettext(
        "Đã nhập danh mục: %(created)s đơn vị mới, %(updated)s đơn vị cập nhật, "
        "%(links)s quan hệ kế thừa."
    ) % {"created": summary.created, "updated": summary.updated, "links": summary.links}
