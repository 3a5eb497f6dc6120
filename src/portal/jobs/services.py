"""Jobs: started from a page, run by the worker through Django's Tasks framework, finished
with a file or with words, retried by hand when they fail and by the worker when a worker
died under them (docs/tasks.md).

A task that does a job's work is a function of the job's id that calls `job_run` with the
work itself (`portal/*/tasks.py`); the work reads the job's parameters, reports its progress
and returns a `JobResult`, or raises `JobError` with words for the person who asked."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from portal.jobs.models import Job, JobState, WorkerBeat

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5  # a job's progress is written at most this often (and at its end)
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def queue_in_database() -> bool:
    """Whether the jobs are queued in the portal's database (run by `manage.py worker`),
    not by a broker-backed backend with a worker of its own."""
    return bool(settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND)


class JobError(Exception):
    """An expected failure: its text says to the person what went wrong and what to do."""

    @classmethod
    def listing(cls, heading: str, problems: Iterable[str]) -> JobError:
        """The heading, then every problem on a line of its own (the job's page keeps the
        lines): an import refused by its file."""
        return cls("\n".join([heading, *problems]))


class WorkerLost(Exception):
    """The worker running a task stopped beating (killed, or its machine went down)."""


@dataclass(frozen=True)
class JobResult:
    """What a job made: a file to download, words to read, or both; and the page where the
    result can be seen (a finalized campaign's page)."""

    content: bytes | None = None
    name: str = ""
    content_type: str = ""
    text: str = ""
    ok: bool = True
    next_url: str = ""


class Progress:
    """Called by the work as it goes: `progress(done, total, step)`. Written at most twice a
    second, so a loop may call it for every unit."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._written = 0.0

    def __call__(self, done: int, total: int, step: str = "") -> None:
        now = time.monotonic()
        if now - self._written < PROGRESS_EVERY_S and done < total:
            return
        self._written = now
        Job.objects.filter(pk=self.job_id).update(done=done, total=total, step=step[:200])


Work = Callable[[Job, Progress], JobResult]


def job_start(
    task: Any,
    *,
    user: Any,
    params: dict[str, Any],
    subject: str = "",
    back_url: str = "",
    upload: bytes | None = None,
) -> Job:
    """Record the job and queue its task. On the database backend both are written in the
    caller's transaction (they stand or fall together); another backend is handed the task
    once the job is committed, so a worker never looks for a job that is not there yet.
    `upload` is a file the person sent for the work (an import): kept beside the job's
    result, read by the work with `job_upload`."""
    job = Job.objects.create(
        kind=task.name,
        task_path=task.module_path,
        params=params,
        subject=subject[:300],
        requested_by=user,
        back_url=back_url[:300],
    )
    if upload is not None:
        _write_whole(upload_path(job), upload)
    _enqueue(job)
    return job


def upload_path(job: Job) -> Path:
    """Where the file a person sent for a job is kept: named by the job."""
    return Path(settings.JOB_FILES_ROOT) / f"{job.pk}.upload"


def job_upload(job: Job) -> bytes:
    """The file sent for the job; JobError when it is no longer kept."""
    try:
        return upload_path(job).read_bytes()
    except FileNotFoundError as error:
        raise JobError(
            gettext("Tệp đã gửi cho việc này không còn được giữ; hãy gửi lại tệp.")
        ) from error


def _write_whole(path: Path, content: bytes) -> None:
    """Written whole, synced, then put in place: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    with open(partial, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def job_retry(job: Job) -> Job:
    """Run a failed job again, from the start, with the same parameters."""
    if job.state != JobState.FAILED:
        raise JobError(gettext("Chỉ làm lại được việc đã không làm được."))
    Job.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED, attempts=0, error="", done=0, total=0, step="", finished_at=None
    )
    job.refresh_from_db()
    _enqueue(job)
    return job


def _enqueue(job: Job) -> None:
    task = import_string(job.task_path)

    def enqueue() -> None:
        result = task.enqueue(job.pk)
        job.task_id = str(result.id)
        Job.objects.filter(pk=job.pk).update(task_id=job.task_id)

    if queue_in_database():
        enqueue()
    else:
        transaction.on_commit(enqueue)


def job_run(job_id: int, work: Work) -> None:
    """Do a job's work (called by its task, in the worker). A job already finished is left
    as it is: the queue may hand over a task twice after a worker died."""
    claimed = Job.objects.filter(pk=job_id, state__in=(JobState.QUEUED, JobState.RUNNING)).update(
        state=JobState.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        done=0,
        total=0,
        step="",
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            result = work(job, Progress(job_id))
    except JobError as error:
        _fail(job_id, str(error))
        return
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        _fail(job_id, gettext(UNEXPECTED))
        raise  # the queue keeps the traceback for the operator
    _finish(job_id, result)


UNEXPECTED = (
    "Có lỗi ngoài dự kiến khi làm việc này; lỗi đã được ghi lại cho quản trị hệ thống. "
    "Bạn có thể thử lại; nếu vẫn lỗi, hãy báo quản trị hệ thống."
)


def result_path(job: Job) -> Path:
    """Where a job's file is kept: named by the job, never by anything a person typed."""
    return Path(settings.JOB_FILES_ROOT) / f"{job.pk}.bin"


def _finish(job_id: int, result: JobResult) -> None:
    size = 0
    if result.content is not None:
        _write_whole(result_path(Job(pk=job_id)), result.content)
        size = len(result.content)
    Job.objects.filter(pk=job_id).update(
        state=JobState.DONE,
        finished_at=timezone.now(),
        file_name=result.name[:200],
        file_type=result.content_type[:120],
        file_size=size,
        text=result.text,
        text_ok=result.ok,
        next_url=result.next_url[:300],
        step="",
        done=F("total"),
    )


def _fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.FAILED, finished_at=timezone.now(), error=message, step=""
    )


# ---- the worker's side ---------------------------------------------------------------------


def worker_beat(worker_id: str, host: str, pid: int, started_at: Any) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": host[:200], "pid": pid, "started_at": started_at, "beat_at": now},
    )


def worker_gone(worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def jobs_recover() -> int:
    """Tasks whose worker stopped beating are marked failed in the queue, and their jobs are
    queued again (up to DTI_JOB_MAX_ATTEMPTS runs); the others fail, saying why. Returns how
    many jobs were queued again. Safe to run from several workers at once."""
    from django_tasks_db.models import DBTaskResult  # the database backend's own table

    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = set(WorkerBeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = 0
    for task in DBTaskResult.objects.running():
        if task.worker_ids and task.worker_ids[-1] in alive:
            continue
        with transaction.atomic():
            if not DBTaskResult.objects.running().filter(pk=task.pk).exists():
                continue  # another worker got there first
            task.set_failed(WorkerLost(f"worker {task.worker_ids[-1:]} stopped beating"))
            requeued += _requeue(str(task.pk))
    WorkerBeat.objects.filter(beat_at__lt=cutoff).delete()
    return requeued


def _requeue(task_id: str) -> int:
    job = Job.objects.filter(task_id=task_id).exclude(state__in=(JobState.DONE, JobState.FAILED))
    found = job.first()
    if found is None:
        return 0
    if found.attempts >= settings.JOB_MAX_ATTEMPTS:
        logger.error("Job %s stopped with its worker %s times: failed", found.pk, found.attempts)
        _fail(found.pk, gettext(CUT_SHORT) % {"count": found.attempts})
        return 0
    logger.warning("Job %s lost its worker: queued again", found.pk)
    Job.objects.filter(pk=found.pk).update(state=JobState.QUEUED, step="")
    _enqueue(found)
    return 1


CUT_SHORT = (
    "Việc bị dừng giữa chừng %(count)s lần vì máy chủ xử lý ngừng chạy. "
    "Hãy thử lại; nếu vẫn vậy, hãy báo quản trị hệ thống."
)


def job_files_prune() -> int:
    """Remove the files of jobs finished more than DTI_JOB_FILES_DAYS ago (the job stays,
    saying the file was removed and can be made again). Returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.JOB_FILES_DAYS)
    for job in Job.objects.filter(finished_at__lt=cutoff).only("pk"):
        upload_path(job).unlink(missing_ok=True)  # a file sent for it: nothing shows its size
    old = list(Job.objects.filter(finished_at__lt=cutoff, file_size__gt=0))
    for job in old:
        result_path(job).unlink(missing_ok=True)
    Job.objects.filter(pk__in=[job.pk for job in old]).update(file_size=0)
    return len(old)
