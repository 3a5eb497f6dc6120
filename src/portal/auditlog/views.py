"""The audit trail's pages (/nhat-ky/): a campaign's log, a unit's, a criterion's, their
exports, and the office admin's integrity check. Anonymous visitors are sent to the login
page; who reads what is portal.auditlog.permissions."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.audit.rows import log_rows
from portal.auditlog import exports, selectors, tasks
from portal.auditlog.forms import LogFilterForm
from portal.auditlog.permissions import (
    LogScope,
    get_campaign_log_for_user,
    get_integrity_check_for_user,
    get_unit_log_for_user,
)
from portal.campaigns.models import CampaignUnit
from portal.jobs.services import job_start
from portal.responses import streamed_attachment
from portal.units.models import Unit


@login_required
@require_GET
def campaign_log(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    scope = get_campaign_log_for_user(request.user, campaign_id)
    return _log_page(request, scope)


@login_required
@require_GET
def unit_log(request: AuthenticatedHttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    scope, unit = get_unit_log_for_user(request.user, campaign_id, unit_id)
    return _log_page(request, scope, unit=unit)


@login_required
@require_GET
def criterion_log(
    request: AuthenticatedHttpRequest, campaign_id: int, unit_id: int, code: str
) -> HttpResponse:
    scope, unit = get_unit_log_for_user(request.user, campaign_id, unit_id)
    return _log_page(request, scope, unit=unit, criterion=code)


def _log_page(
    request: HttpRequest, scope: LogScope, unit: Unit | None = None, criterion: str = ""
) -> HttpResponse:
    fixed: dict[str, object] = {"unit": unit.pk} if unit else {}
    if criterion:
        fixed["criterion"] = criterion
    form = LogFilterForm(request.GET)
    filters = form.log_filter(**fixed)
    choices = selectors.filter_choices(scope)
    names = selectors.criterion_names(scope)
    page = selectors.log_page(scope, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in fixed.items():  # the unit's or criterion's page: for the export link
        query[name] = str(value)
    context = {
        "scope": scope,
        "campaign": scope.campaign,
        "unit": unit,
        # the unit's tabs (status, self-assessment, results, history) on its own page
        "campaign_unit": _campaign_unit(scope, unit) if unit and not criterion else None,
        "criterion": criterion,
        "form": form,
        "filters": filters,
        "choices": choices,
        "page": page,
        "rows": log_rows(
            page,
            choices.units,
            names,
            criterion=filters.criterion,
            words=selectors.search_words(filters),
            most=None if filters.entry else selectors.SAVE_LINES,
        ),
        "criterion_name": names.get(criterion, criterion),
        "criterion_choices": [(code, names.get(code, code)) for code in choices.criteria],
        "query": query.urlencode(),
    }
    return render(request, "audit/log.html", context)


def _campaign_unit(scope: LogScope, unit: Unit) -> CampaignUnit | None:
    return (
        CampaignUnit.objects.filter(campaign=scope.campaign, unit=unit)
        .select_related("campaign", "unit")
        .first()
    )


def _in_vietnamese(make: Callable[[], Iterator[bytes]]) -> Iterator[bytes]:
    """A file's pieces made in Vietnamese whatever the page's language, as they are sent
    (after the view has returned, so the language is set here, not around the view)."""
    with translation.override("vi"):
        yield from make()


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest, campaign_id: int, fmt: str) -> StreamingHttpResponse:
    """The filtered log (the page's query string) as CSV, every entry of it, sent as the
    entries are read: 100,000 of them start at once."""
    if fmt != "csv":
        raise Http404
    scope = get_campaign_log_for_user(request.user, campaign_id)
    filters = LogFilterForm(request.GET).log_filter()
    units = selectors.unit_names(scope)
    chunks = _in_vietnamese(lambda: exports.log_csv(selectors.export_rows(scope, filters, units)))
    return streamed_attachment(chunks, exports.CSV_TYPE, f"nhat-ky-dot-{scope.campaign.pk}.csv")


@login_required
@require_POST
def export_xlsx(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    """The filtered log as an XLSX workbook, made by the worker (a job): the page it leads
    to shows the progress and then offers the file."""
    scope = get_campaign_log_for_user(request.user, campaign_id)
    query = request.POST.get("query", "")[:MAX_QUERY]
    job = job_start(
        tasks.log_export,
        user=request.user,
        params={"campaign": scope.campaign.pk, "query": query},
        subject=gettext("Nhật ký thay đổi (XLSX) — %(campaign)s") % {"campaign": scope.campaign},
        back_url=reverse("audit:campaign", kwargs={"campaign_id": scope.campaign.pk}),
    )
    return redirect("jobs:job", job.pk)


MAX_QUERY = 2000  # a filter's query string; longer is no filter of this page


@login_required
@require_POST
def integrity_check(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    """Walk the whole chain, in the worker (a job); its page says whether it holds."""
    scope = get_integrity_check_for_user(request.user, campaign_id)
    job = job_start(
        tasks.log_check,
        user=request.user,
        params={"campaign": scope.campaign.pk},
        subject=gettext("Kiểm tra tính toàn vẹn của nhật ký — %(campaign)s")
        % {"campaign": scope.campaign},
        back_url=reverse("audit:campaign", kwargs={"campaign_id": scope.campaign.pk}),
    )
    return redirect("jobs:job", job.pk)
