"""The audit trail's pages (/nhat-ky/): a campaign's log, a unit's, a criterion's, their
exports, and the office admin's integrity check. Anonymous visitors are sent to the login
page; who reads what is portal.auditlog.permissions."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.audit.rows import log_rows
from portal.audit.verify import LogUnreadable, audit_log_verify, report_lines
from portal.auditlog import exports, selectors
from portal.auditlog.forms import LogFilterForm
from portal.auditlog.permissions import (
    LogScope,
    get_campaign_log_for_user,
    get_integrity_check_for_user,
    get_unit_log_for_user,
)
from portal.campaigns.models import CampaignUnit
from portal.responses import attachment, streamed_attachment
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
        "rows": log_rows(page, choices.units, names),
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
def export(
    request: AuthenticatedHttpRequest, campaign_id: int, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The filtered log (the page's query string) as CSV or XLSX, every entry of it."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    scope = get_campaign_log_for_user(request.user, campaign_id)
    filters = LogFilterForm(request.GET).log_filter()
    units = selectors.filter_choices(scope).units
    name = f"nhat-ky-dot-{scope.campaign.pk}.{fmt}"
    if fmt == "csv":  # sent as the entries are read: 100,000 of them start at once
        chunks = _in_vietnamese(
            lambda: exports.log_csv(selectors.export_rows(scope, filters, units))
        )
        return streamed_attachment(chunks, exports.CSV_TYPE, name)
    with translation.override("vi"):  # a Vietnamese file whatever the page's language
        rows = selectors.export_rows(scope, filters, units)
        title = f"Nhật ký thay đổi — {scope.campaign}"
        return attachment(exports.log_xlsx(rows, title), exports.XLSX_TYPE, name)


@login_required
@require_POST
def integrity_check(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    """Walk the whole chain and say on the log's page whether it holds."""
    scope = get_integrity_check_for_user(request.user, campaign_id)
    try:
        report = audit_log_verify()
    except LogUnreadable as error:
        messages.error(request, str(error))
    else:
        text = " ".join(report_lines(report, province_id=scope.campaign.province_id))
        (messages.success if report.intact else messages.error)(request, text)
        if report.anchor.not_written:  # the chain is fine, but its anchor is not kept
            messages.error(request, report.anchor.not_written)
    return redirect("audit:campaign", campaign_id=scope.campaign.pk)
