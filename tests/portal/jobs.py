"""Running the queued jobs in a test: the real worker (`manage.py worker --batch`) in the
test's own database transaction, then the job's page and file as its owner sees them."""

from __future__ import annotations

import io
from unittest import mock

from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client

from portal.jobs.models import Job


def run_jobs() -> None:
    """The worker between its looks at the queue closes the connection it finds in a
    transaction (it would be a worker's leftover); here that transaction is the test's, so
    it is kept open."""
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", return_value=None
    ):
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())


def job_of(started: HttpResponse) -> Job:
    """The job a page started: it answered with a redirect to the job's page."""
    assert started.status_code == 302, started.status_code
    location = started["Location"]
    assert location.startswith("/viec/"), location
    return Job.objects.get(pk=int(location.split("/")[2]))


def made_file(client: Client, started: HttpResponse) -> HttpResponse:
    """Run what the page queued, and download the job's file as the person who asked."""
    job = job_of(started)
    run_jobs()
    job.refresh_from_db()
    assert job.state == "done", (job.state, job.error)
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert f"/viec/{job.pk}/tai-ve" in page
    sent = client.get(f"/viec/{job.pk}/tai-ve")
    assert sent.status_code == 200, sent.status_code
    response = HttpResponse(b"".join(sent.streaming_content), content_type=sent["Content-Type"])
    response["Content-Disposition"] = sent["Content-Disposition"]
    return response
