"""A large people workbook imported by the worker (docs/tasks.md): a province's communes
bring thousands of accounts, each written with its role and audit entry, which no web
request should hold. The office's request reads the file and lists its problems at once;
the job writes it, all or nothing, as the person who asked, and says what it did or every
problem it met. The invitations are sent once the whole import is committed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from portal.accounts import services
from portal.accounts.permissions import get_people_scope_for_user
from portal.accounts.sheet import read_people
from portal.jobs.models import Job
from portal.jobs.services import JobError, JobResult, Progress, job_run, job_upload


@task()
def people_import(job_id: int) -> None:
    job_run(job_id, _people_import)


def _people_import(job: Job, progress: Progress) -> JobResult:
    refused = gettext("Bạn không còn được quản lý người dùng của tỉnh này.")
    try:  # asked again when it runs: whoever may still administer the province's people
        scope = get_people_scope_for_user(job.requested_by)
    except PermissionDenied as error:
        raise JobError(refused) from error
    province = next((p for p in scope.provinces if p.code == job.params["province"]), None)
    if province is None:
        raise JobError(refused)
    try:
        rows, found = read_people(job_upload(job), province)
        created = services.people_import(
            actor=job.requested_by, rows=rows, file_name=job.params["file_name"],
            problems=found, progress=progress,
        )  # fmt: skip
    except ValidationError as error:
        raise JobError.listing(
            gettext("Chưa tạo tài khoản nào. Sửa các lỗi sau trong tệp rồi nhập lại:"),
            error.messages,
        ) from error
    return JobResult(text=created_text(len(created)), next_url=reverse("accounts:people"))


def created_text(count: int) -> str:
    return gettext("Đã tạo %(count)s tài khoản và gửi thư mời đặt mật khẩu.") % {"count": count}
