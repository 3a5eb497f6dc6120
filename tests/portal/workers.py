"""A task worker's heartbeat as a running `manage.py worker` writes it: /healthz answers 200
only while one beats (portal.jobs.selectors.worker_check)."""

from __future__ import annotations

from django.utils import timezone

from portal.jobs.services import worker_beat


def a_worker_beats(worker_id: str = "test-worker") -> None:
    worker_beat(worker_id, "localhost", 1, timezone.now())
