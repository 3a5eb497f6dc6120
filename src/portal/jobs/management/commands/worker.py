"""`manage.py worker`: runs the queued jobs (docs/tasks.md). `make run` and `make serve`
start one beside the web server; on a server it is deploy/systemd/dti-worker.service.

It is the database backend's worker (django-tasks-db) with what production needs around it:
a heartbeat every DTI_WORKER_BEAT_SECONDS that /healthz reads, and, at every beat, the
tasks of workers that stopped beating (killed, or their machine went down) put back in the
queue, so every job finishes or fails saying why, and any audit entry left pending by a
server stopped between a commit and its seal linked into the chain (portal.audit.sealing).
SIGTERM and Ctrl-C let the job in hand finish first; a second one stops it (it is run again
by the next worker). A repeat within a second of the first is the same request: `timeout`,
and process managers that signal the whole process group, deliver SIGTERM twice at once.

`--batch` runs what is queued and returns (no heartbeat): for scripts and the tests."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from portal.audit.sealing import seal_committed
from portal.jobs.services import (
    job_files_prune,
    jobs_recover,
    queue_in_database,
    worker_beat,
    worker_gone,
)

logger = logging.getLogger("portal.jobs")
REPEAT_SECONDS = 1.0  # a second signal sooner than this is the first one delivered twice


class PatientWorker(Worker):
    """The database worker, taking a signal repeated at once as one request to stop."""

    first_signal: float | None = None

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self.first_signal is not None and now - self.first_signal < REPEAT_SECONDS:
            return
        if self.first_signal is None:
            self.first_signal = now
        super().shutdown(signum, frame)


class Command(BaseCommand):
    help = "Run the portal's queued jobs (reports, exports, checks, finalization)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run what is queued, then return")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at the queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not queue_in_database():
            raise CommandError(
                "DTI_TASKS_BACKEND is not the database backend: run that backend's own worker."
            )
        host, pid = socket.gethostname(), os.getpid()
        worker_id = f"{host[:30]}-{pid}-{get_random_string(8)}"
        worker = PatientWorker(
            queue_names=["default"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if options["batch"]:
            worker.run()
            return
        started = timezone.now()
        worker_beat(worker_id, host, pid, started)  # alive before the first task is claimed
        stop = threading.Event()
        beating = threading.Thread(
            target=_beat, args=(stop, worker_id, host, pid, started), daemon=True
        )
        beating.start()
        worker.configure_signals()
        logger.info("Worker %s started", worker_id)
        try:
            worker.run()
        finally:
            stop.set()
            beating.join(timeout=settings.WORKER_BEAT_SECONDS + 5)
            worker_gone(worker_id)
            logger.info("Worker %s stopped", worker_id)


def _beat(stop: threading.Event, worker_id: str, host: str, pid: int, started: Any) -> None:
    """The heartbeat, in its own thread (and database connection): a long job does not
    silence it. Each beat also recovers the jobs of dead workers, prunes old files and seals
    audit entries left pending."""
    try:
        while True:
            try:
                jobs_recover()
                job_files_prune()
            except Exception:  # a beat that fails is logged; the next one tries again
                logger.exception("Worker %s: recovering the jobs of dead workers failed", worker_id)
            seal_committed()  # logs its own failures
            if stop.wait(settings.WORKER_BEAT_SECONDS):
                return
            try:
                worker_beat(worker_id, host, pid, started)
            except Exception:
                logger.exception("Worker %s: the heartbeat could not be written", worker_id)
    finally:
        connections.close_all()
