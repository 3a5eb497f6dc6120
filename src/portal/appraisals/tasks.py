"""Finalization run by the worker (docs/tasks.md): every unit's result computed, then
stored in one short transaction that locks the campaign (portal.appraisals.final_results).
The chair's request only checks the guard rails and queues it; the job checks them again,
as the person who asked."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from portal.appraisals.finalization import campaign_finalize
from portal.campaigns.models import Campaign
from portal.jobs.models import Job
from portal.jobs.services import JobError, JobResult, Progress, job_run


@task()
def finalize(job_id: int) -> None:
    job_run(job_id, _finalize)


def _finalize(job: Job, progress: Progress) -> JobResult:
    campaign = Campaign.objects.get(pk=job.params["campaign"])
    units = campaign.units.count()
    progress(0, 1, gettext("Đang tính và lưu kết quả của %(units)s đơn vị…") % {"units": units})
    try:
        campaign_finalize(
            campaign=campaign, actor=job.requested_by, override_reason=job.params.get("reason", "")
        )
    except ValidationError as error:  # the guard rails, or what changed since it was asked
        raise JobError(" ".join(error.messages)) from error
    return JobResult(
        text=gettext(
            "Đã chốt kết quả: điểm của đợt đánh giá đã khoá; báo cáo ở trang đợt đánh giá."
        ),
        next_url=reverse("campaigns:detail", args=[campaign.pk]),
    )
