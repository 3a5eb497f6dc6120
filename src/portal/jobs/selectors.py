"""Reading jobs: a person's own, and whether a worker is alive (for /healthz)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from portal.jobs.models import Job, JobState, WorkerBeat
from portal.jobs.services import queue_in_database
from portal.observability import Check

logger = logging.getLogger(__name__)

SHOWN = 20  # jobs listed on a person's page


def job_for_user(user: Any, pk: int) -> Job:
    """A job, to the person who asked for it only (404 to anyone else: its file may hold
    what they may not read)."""
    job = Job.objects.filter(pk=pk, requested_by_id=user.pk).first()
    if job is None:
        raise Http404
    return job


def jobs_for_user(user: Any) -> QuerySet[Job]:
    return Job.objects.filter(requested_by_id=user.pk).order_by("-created_at", "-pk")[:SHOWN]


def worker_check() -> Check:
    """/healthz: a worker beat within DTI_WORKER_STALE_SECONDS, or the queued jobs would
    never run (always passed off the database backend, whose broker is watched on its own)."""
    if not queue_in_database():
        return Check("worker", True, "external queue")
    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = WorkerBeat.objects.filter(beat_at__gte=cutoff).count()
    waiting = Job.objects.filter(state=JobState.QUEUED).count()
    if not alive:
        logger.error("Health: no task worker is running; %s jobs wait", waiting)
    return Check("worker", alive > 0, f"{alive} running, {waiting} queued")
