"""A job is one piece of long work a person asked for (a report, an export, a check, a
finalization): what it is, how far it has gone, and its result. The task queue (Django's
Tasks framework) only runs it; the job is what the person's page shows and what survives
a worker that dies (docs/tasks.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ đến lượt")
    RUNNING = "running", _("Đang làm")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không làm được")


class Job(models.Model):
    kind = models.CharField(max_length=40)  # the task that runs it: its dotted path
    params = models.JSONField(default=dict)  # built by the portal, never taken from a request
    subject = models.CharField(max_length=300, blank=True)  # what it is about, in words
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    back_url = models.CharField(max_length=300, blank=True)  # the page it was asked from
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    task_path = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, blank=True)  # the queue's id of the last attempt
    attempts = models.PositiveSmallIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)  # progress: done out of total steps
    total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)  # what it is doing now, in words
    error = models.TextField(blank=True)  # why it failed, in words for the person
    text = models.TextField(blank=True)  # a result said in words (a check's verdict)
    text_ok = models.BooleanField(default=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    next_url = models.CharField(max_length=300, blank=True)  # where the result is shown
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


class WorkerBeat(models.Model):
    """A running worker says it is alive every few seconds; /healthz reads it, and a job
    whose worker stopped beating is put back in the queue."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
