"""A registry workbook too large for a web request is imported by the worker: the request
reads the file and lists its problems at once, then answers with the job's page; the worker
writes it all or nothing, as the person who asked, with its progress, and says what it did
or every problem it met."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal.accounts.models import Membership
from portal.jobs.models import Job
from portal.jobs.services import job_files_prune, job_retry, upload_path
from portal.units.models import Lineage, Unit
from portal.units.services import REGISTRY_JOB_ROWS
from tests.portal.conftest import Cast
from tests.portal.jobs import job_of, run_jobs
from tests.portal.units.conftest import registry_state
from tests.portal.units.test_registry_workbook import upload, workbook

COMMUNES = REGISTRY_JOB_ROWS + 1  # one row past what a request writes itself


def communes(count: int = COMMUNES) -> list[list[object]]:
    return [[f"xa-so-{n}", f"UBND xã Số {n}", "xa", None, None, None, None, None] for n in
            range(1, count + 1)]  # fmt: skip


def test_a_large_registry_is_imported_by_the_worker_with_what_it_did(cast: Cast):
    before = registry_state()
    started = upload(cast, workbook(communes(), [["xa-so-1", "Sáp nhập vào", "xa-so-2",
                                                   "01/07/2025", "NQ 1"]]))  # fmt: skip
    job = job_of(started)
    assert registry_state() == before  # nothing written by the request
    page = cast.client(cast.quang).get(f"/viec/{job.pk}/").content.decode()
    assert "Nhập danh mục đơn vị" in page
    run_jobs()
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert Unit.objects.filter(code__startswith="xa-so-").count() == COMMUNES
    assert Lineage.objects.filter(predecessor__code="xa-so-1").count() == 1
    assert job.done == job.total >= COMMUNES  # its progress, to the end
    page = cast.client(cast.quang).get(f"/viec/{job.pk}/").content.decode()
    assert f"Đã nhập danh mục: {COMMUNES} đơn vị mới, 0 đơn vị cập nhật, 1 quan hệ" in page
    assert "/don-vi/" in page  # the registry, to see them


def test_a_problem_found_while_writing_fails_the_job_and_changes_nothing(cast: Cast):
    before = registry_state()
    rows = communes()
    rows[-1][3] = rows[-1][0]  # its own parent: found only when the units are written
    job = job_of(upload(cast, workbook(rows)))
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed"
    assert "Danh mục không thay đổi" in job.error and f"dòng {COMMUNES + 1}" in job.error
    assert registry_state() == before
    page = cast.client(cast.quang).get(f"/viec/{job.pk}/").content.decode()
    assert "<br>" in page  # every problem on a line of its own


def test_a_large_file_with_problems_is_refused_at_once_without_a_job(cast: Cast):
    rows = communes()
    rows[5][2] = None  # no level
    response = upload(cast, workbook(rows))
    assert response.status_code == 200 and "Danh mục không thay đổi" in response.content.decode()
    assert not Job.objects.exists()


def test_the_job_is_done_as_the_person_who_asked_when_it_runs(cast: Cast):
    before = registry_state()
    job = job_of(upload(cast, workbook(communes())))
    # no longer in the province's office by the time the worker runs
    Membership.objects.filter(user=cast.quang, province=cast.province).delete()
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed" and "không còn được sửa danh mục" in job.error
    assert registry_state() == before


def test_someone_else_cannot_see_the_job(cast: Cast):
    job = job_of(upload(cast, workbook(communes())))
    assert cast.client(cast.khoa).get(f"/viec/{job.pk}/").status_code == 404


def test_the_file_sent_is_kept_for_a_retry_and_removed_with_the_jobs_files(cast: Cast):
    job = job_of(upload(cast, workbook(communes())))
    assert upload_path(job).read_bytes()[:2] == b"PK"  # the workbook as it was sent
    run_jobs()
    assert upload_path(job).exists()  # "Làm lại" imports the same file
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=30))
    job_files_prune()
    assert not upload_path(job).exists()
    Job.objects.filter(pk=job.pk).update(state="failed")
    job.refresh_from_db()
    job_retry(job)
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed" and "gửi lại tệp" in job.error
