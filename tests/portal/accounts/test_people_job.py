"""A people workbook too large for a web request (a province's communes) is imported by the
worker: the request reads the file and lists its problems at once, then answers with the
job's page; the worker writes every account or none, as the person who asked, with its
progress, invites them once it is committed, and says what it did or every problem."""

from __future__ import annotations

from django.core import mail

from portal.accounts.models import Membership, User
from portal.accounts.services import PEOPLE_JOB_ROWS
from portal.audit.models import AuditEntry
from portal.jobs.models import Job
from portal.jobs.services import upload_path
from tests.portal.accounts.test_people_import import upload, workbook
from tests.portal.conftest import Cast
from tests.portal.jobs import job_of, run_jobs

PEOPLE = PEOPLE_JOB_ROWS + 1  # one row past what a request writes itself
ROLE = "Cán bộ đầu mối của đơn vị"


def people(count: int = PEOPLE) -> list[list[object]]:
    return [[f"Cán Bộ Số {n}", f"canbo{n}", f"canbo{n}@tinh-mau.gov.vn", ROLE, "so-tu-phap"]
            for n in range(1, count + 1)]  # fmt: skip


def imported() -> int:
    return User.objects.filter(username__startswith="canbo").count()


def test_a_large_file_is_imported_by_the_worker_who_invites_everyone(
    cast: Cast, django_capture_on_commit_callbacks
):
    job = job_of(upload(cast, workbook(people()), name="xa-phuong.xlsx"))
    assert imported() == 0  # nothing written by the request
    assert upload_path(job).read_bytes()[:2] == b"PK"  # the workbook, kept for the worker
    page = cast.client(cast.quang).get(f"/viec/{job.pk}/").content.decode()
    assert "Nhập người dùng của Tỉnh Mẫu" in page
    with django_capture_on_commit_callbacks(execute=True):
        run_jobs()
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert imported() == PEOPLE
    assert job.done == job.total == PEOPLE  # its progress, to the end
    assert Membership.objects.filter(user__username="canbo7").get().unit == cast.tu_phap
    entries = AuditEntry.objects.filter(entity="person", action="create")
    assert entries.count() == PEOPLE
    assert {entry.actor_id for entry in entries} == {cast.quang.pk}  # as the person who asked
    assert {entry.reason for entry in entries} == {"Nhập từ tệp xa-phuong.xlsx"}
    run_jobs()  # the invitations, queued once the import was committed
    assert len(mail.outbox) == PEOPLE
    page = cast.client(cast.quang).get(f"/viec/{job.pk}/").content.decode()
    assert f"Đã tạo {PEOPLE} tài khoản và gửi thư mời đặt mật khẩu." in page
    assert "/tai-khoan/nguoi-dung/" in page  # the list of people, to see them


def test_a_large_file_with_problems_is_refused_at_once_without_a_job(cast: Cast):
    rows = people()
    rows[9][1] = rows[8][1]  # a username twice
    rows[200][3] = "Giám đốc"  # no such role
    response = upload(cast, workbook(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "dòng 11, cột Tên đăng nhập: trùng với dòng 10" in page
    assert "dòng 202, cột Vai trò" in page
    assert not Job.objects.exists() and imported() == 0


def test_someone_who_takes_a_name_meanwhile_fails_the_job_and_nothing_is_created(cast: Cast):
    job = job_of(upload(cast, workbook(people())))
    User.objects.create(username="canbo300", full_name="Người đến trước")
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed"
    assert "Chưa tạo tài khoản nào" in job.error and "dòng 301" in job.error
    assert imported() == 1  # only the one who came first
    assert "<br>" in cast.client(cast.quang).get(f"/viec/{job.pk}/").content.decode()


def test_the_job_is_done_as_the_person_who_asked_when_it_runs(cast: Cast):
    job = job_of(upload(cast, workbook(people())))
    # no longer the province's office by the time the worker runs
    Membership.objects.filter(user=cast.quang, province=cast.province).delete()
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed" and "không còn được quản lý người dùng" in job.error
    assert imported() == 0


def test_someone_else_cannot_see_the_job(cast: Cast):
    job = job_of(upload(cast, workbook(people())))
    for who in (cast.khoa, cast.lan):  # another province's office, a reporter
        assert cast.client(who).get(f"/viec/{job.pk}/").status_code == 404
