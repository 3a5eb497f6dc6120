"""A job that takes a few seconds and says who made it: what the durability tests kill a
worker in the middle of (the worker imports it by its path, as it imports the portal's)."""

from __future__ import annotations

import os
import time

from django_tasks import task

from portal.jobs.models import Job
from portal.jobs.services import JobResult, Progress, job_run


@task()
def count_slowly(job_id: int) -> None:
    job_run(job_id, _count)


def _count(job: Job, progress: Progress) -> JobResult:
    steps = int(job.params["steps"])
    for step in range(steps):
        progress(step, steps, "đang đếm")
        time.sleep(0.1)
    made = f"{steps} bước, tiến trình {os.getpid()}".encode()
    return JobResult(content=made, name="dem.txt", content_type="text/plain; charset=utf-8")
