"""Long work off the request (portal.jobs, docs/tasks.md), on Bình Định's published report:
the page that starts a job answers at once, the job's page follows it and then offers the
file to its owner only; a failure says why in words and can be tried again; a job whose
worker died is run again, a bounded number of times; old files are removed."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.accounts.models import Membership
from portal.campaigns.models import Campaign
from portal.campaigns.tasks import report_build
from portal.jobs import services
from portal.jobs.models import Job, JobState, WorkerBeat
from portal.jobs.services import (
    UNEXPECTED,
    JobError,
    Progress,
    job_files_prune,
    job_retry,
    job_start,
    jobs_recover,
    result_path,
)
from tests.portal.campaigns.test_report_download import url
from tests.portal.conftest import Cast
from tests.portal.jobs import job_of, run_jobs
from tests.portal.workers import a_worker_beats


def test_the_job_page_follows_the_job_until_its_file_is_offered(cast: Cast, published: Campaign):
    client = cast.client(cast.quang)
    started = client.post(url(published, "xlsx"))
    job = job_of(started)
    assert (job.state, job.requested_by, job.params) == (
        JobState.QUEUED,
        cast.quang,
        {"campaign": published.pk, "fmt": "xlsx"},
    )
    waiting = client.get(f"/viec/{job.pk}/")
    page = waiting.content.decode()
    assert waiting["Cache-Control"] == "no-store"
    assert "Đang chờ đến lượt" in page and 'hx-trigger="every 2s"' in page
    assert '<meta http-equiv="refresh" content="3">' in page  # without scripts too
    piece = client.get(f"/viec/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert piece.startswith('<div id="job-status"') and "<html" not in piece

    run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1 and job.done == job.total == 2
    done = client.get(f"/viec/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done  # the page stops asking
    assert f'href="/viec/{job.pk}/tai-ve"' in done and job.file_name in done
    sent = client.get(f"/viec/{job.pk}/tai-ve")
    assert sent["Content-Disposition"] == f'attachment; filename="{job.file_name}"'
    assert b"".join(sent.streaming_content) == result_path(job).read_bytes()
    assert job.subject in client.get("/viec/").content.decode()  # "Các việc của tôi"


def test_someone_else_learns_nothing_of_a_job(cast: Cast, published: Campaign):
    job = job_of(cast.client(cast.quang).post(url(published, "xlsx")))
    run_jobs()
    leader = cast.client(cast.hoa)  # may make the same report, but this one is Quang's
    for tail in ("", "tai-ve"):
        assert leader.get(f"/viec/{job.pk}/{tail}").status_code == 404
    assert leader.post(f"/viec/{job.pk}/lam-lai/").status_code == 404
    assert job.subject not in leader.get("/viec/").content.decode()


def test_a_failed_job_says_why_and_can_be_tried_again(cast: Cast, published, monkeypatch):
    def missing(report: object) -> bytes:
        raise services.JobError("Thiếu phông chữ Liberation Serif.")

    monkeypatch.setattr("dti.reports.xlsx.render_xlsx", missing)
    client = cast.client(cast.quang)
    job = job_of(client.post(url(published, "xlsx")))
    run_jobs()
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Không làm được" in page and "Thiếu phông chữ Liberation Serif." in page
    monkeypatch.undo()

    assert client.post(f"/viec/{job.pk}/lam-lai/")["Location"] == f"/viec/{job.pk}/"
    job.refresh_from_db()
    assert (job.state, job.error, job.attempts) == (JobState.QUEUED, "", 0)
    run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE and result_path(job).is_file()
    with pytest.raises(JobError, match="Chỉ làm lại"):  # a finished job stays as it is
        job_retry(job)


def test_an_unexpected_error_is_said_in_plain_words_and_logged(
    cast: Cast, published: Campaign, monkeypatch, caplog
):
    def broken(campaign: object) -> object:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("portal.campaigns.report.campaign_report_model", broken)
    client = cast.client(cast.quang)
    job = job_of(client.post(url(published, "docx")))
    with caplog.at_level(logging.ERROR, logger="portal.jobs.services"):
        run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == UNEXPECTED
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "secret internal detail" not in page and "RuntimeError" not in page
    assert "secret internal detail" in caplog.text  # for the operator
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.status == "FAILED" and "secret internal detail" in task.traceback


def _claimed_by(job: Job, worker_id: str) -> DBTaskResult:
    """The queue's task of the job, claimed by a worker, as a worker claims it."""
    task = DBTaskResult.objects.get(pk=job.task_id)
    task.claim(worker_id)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1)
    return task


def test_a_job_whose_worker_died_is_queued_again_and_finishes(cast: Cast, published, settings):
    settings.WORKER_STALE_SECONDS = 30
    job = job_start(report_build, user=cast.quang, params={"campaign": published.pk, "fmt": "xlsx"})
    lost = _claimed_by(job, "dead-worker")
    a_worker_beats("dead-worker")
    WorkerBeat.objects.update(beat_at=timezone.now() - timedelta(seconds=31))
    a_worker_beats("live-worker")

    assert jobs_recover() == 1
    lost.refresh_from_db()
    assert lost.status == "FAILED" and "WorkerLost" in lost.exception_class_path
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.task_id != str(lost.pk)
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["live-worker"]
    assert jobs_recover() == 0  # nothing more to do, whoever runs it next
    run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2


def test_a_task_of_a_live_worker_is_left_alone(cast: Cast, published: Campaign):
    job = job_start(report_build, user=cast.quang, params={"campaign": published.pk, "fmt": "xlsx"})
    _claimed_by(job, "busy-worker")
    a_worker_beats("busy-worker")
    assert jobs_recover() == 0
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


def test_a_job_cut_short_too_often_fails_saying_why(cast: Cast, published, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = job_start(report_build, user=cast.quang, params={"campaign": published.pk, "fmt": "xlsx"})
    _claimed_by(job, "gone")
    Job.objects.filter(pk=job.pk).update(attempts=3)
    assert jobs_recover() == 0
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("Việc bị dừng giữa chừng 3 lần")


def test_progress_is_written_twice_a_second_at_most_and_always_at_the_end(cast, published):
    job = job_start(report_build, user=cast.quang, params={"campaign": published.pk, "fmt": "xlsx"})
    progress = Progress(job.pk)
    progress(1, 100, "Đang viết")
    progress(2, 100, "Đang viết")  # too soon: not written
    job.refresh_from_db()
    assert (job.done, job.total, job.step) == (1, 100, "Đang viết")
    progress(100, 100, "Xong")  # the last step is always written
    job.refresh_from_db()
    assert (job.done, job.step) == (100, "Xong")
    time.sleep(services.PROGRESS_EVERY_S)
    progress(3, 100)
    job.refresh_from_db()
    assert job.done == 3


def test_old_files_are_removed_and_the_page_says_to_make_them_again(cast, published, settings):
    settings.JOB_FILES_DAYS = 7
    client = cast.client(cast.quang)
    job = job_of(client.post(url(published, "xlsx")))
    run_jobs()
    job.refresh_from_db()
    assert job_files_prune() == 0
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    assert job_files_prune() == 1
    assert not result_path(job).exists()
    assert client.get(f"/viec/{job.pk}/tai-ve").status_code == 404
    assert "đã được xoá" in client.get(f"/viec/{job.pk}/").content.decode()


def test_a_report_of_a_campaign_without_results_fails_saying_so(cast: Cast):
    params = {"campaign": cast.campaign.pk, "fmt": "xlsx"}  # a draft: nothing scored yet
    job = job_start(report_build, user=cast.quang, params=params)
    run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "chưa có kết quả" in job.error


def test_a_report_asked_for_by_someone_who_lost_the_right_fails_saying_so(cast, published):
    """Who may download is asked again when the job runs: a retry days later, after the
    person left the office, makes nothing."""
    job = job_of(cast.client(cast.hoa).post(url(published, "xlsx")))
    Membership.objects.filter(user=cast.hoa, province=published.province).delete()
    run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "không còn được tải báo cáo" in job.error
    assert not result_path(job).exists()
