"""The analysis pages (/phan-tich/): how sure each rank is, and what-if rankings. Office
admins and leadership read them (as they download the campaign's report); other members get
403, outsiders 404, anonymous visitors the login page. GET only: nothing is written, and a
page's choices are its link."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.analysis import dashboard, history, plans, selectors
from portal.analysis.forms import (
    HistoryForm,
    PlanForm,
    RobustnessForm,
    WhatIfForm,
    initial_data,
)
from portal.campaigns.permissions import get_campaign_report_for_user
from portal.responses import attachment


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    analysed, context = _start(request, pk, "overview")
    if analysed is not None:
        board = dashboard.dashboard(analysed, request.GET.get("huyen", ""))
        if request.GET.get("xuat") == "csv":
            name = f"tong-quan-{analysed.campaign.year}-{analysed.level}-{analysed.key}.csv"
            return attachment(dashboard.dashboard_csv(board), "text/csv; charset=utf-8", name)
        context.update(board=board, charts=board.chart_data(), trends=history.trends(analysed))
        context.update(_paged(request, board.rows))
    return render(request, "analysis/overview.html", context)


@login_required
@require_GET
def robustness(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    analysed, context = _start(request, pk, "robustness")
    if analysed is not None:
        form = RobustnessForm(initial_data(RobustnessForm.base_fields, request.GET))
        context["form"] = form
        if form.is_valid():
            choice = form.cleaned_data
            rows = selectors.spread_rows(
                analysed, choice["bien_do"], choice["do_lech"], choice["so_lan"]
            )
            context.update(rows=rows, certain=sum(1 for r in rows if r.certain), choice=choice)
            context.update(_paged(request, rows))
    return render(request, "analysis/robustness.html", context)


@login_required
@require_GET
def what_if(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    analysed, context = _start(request, pk, "what_if")
    if analysed is not None:
        framework, policy = analysed.result.framework, analysed.ranking.policy
        fields = WhatIfForm({}, framework=framework, policy=policy).fields
        form = WhatIfForm(initial_data(fields, request.GET), framework=framework, policy=policy)
        context["form"] = form
        if form.is_valid():
            try:
                result = selectors.what_if_page(
                    analysed, form.weights(), form.comparability(), form.bands()
                )
                context.update(result=result, **_paged(request, result.rows))
            except ValueError as error:
                form.add_error(None, str(error))
    return render(request, "analysis/what_if.html", context)


@login_required
@require_GET
def plan(request: AuthenticatedHttpRequest, pk: int, unit: str) -> HttpResponse:
    analysed, context = _start(request, pk, "plan", unit)
    if analysed is not None:
        classified = analysed.ranking.policy.classification is not None
        defaults = {"muc_tieu": "loai" if classified else "hang", "so_hang": 1}
        data = {**defaults, **{k: request.GET[k] for k in defaults if k in request.GET}}
        form = PlanForm(data, classified=classified)
        target = form.target() if form.is_valid() else None
        try:
            context["unit"] = plans.unit_plan(analysed, unit, target)
        except ValueError as error:
            form.add_error(None, str(error))
            context["unit"] = plans.unit_plan(analysed, unit, None)
        context["form"] = form
        if request.GET.get("pdf"):
            from dti.reports.unit_brief import render_unit_brief  # ReportLab, when asked

            brief = render_unit_brief(plans.unit_brief(analysed, context["unit"]))
            return attachment(brief, "application/pdf", f"lo-trinh-{unit}.pdf")
    return render(request, "analysis/plan.html", context)


@login_required
@require_GET
def past(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    analysed, context = _start(request, pk, "past")
    if analysed is not None:
        form = HistoryForm(initial_data(HistoryForm.base_fields, request.GET))
        context["form"] = form
        if form.is_valid():
            try:
                past_rows = history.history(analysed, form.rule(), form.cleaned_data["thuoc_tinh"])
                context["history"] = past_rows
                if past_rows is not None:
                    context.update(_paged(request, past_rows.rows))
            except ValueError as error:
                form.add_error(None, str(error))
        context["searched"] = True
    return render(request, "analysis/past.html", context)


ROWS_PAGE = 100  # units a page of each table: the page stays small at 3,300 units


def _paged(request: AuthenticatedHttpRequest, rows: list[Any]) -> dict[str, Any]:
    """One page of a table's rows, and the query string that keeps the page's choices."""
    query = request.GET.copy()
    query.pop("trang", None)
    page = Paginator(rows, ROWS_PAGE).get_page(request.GET.get("trang"))
    return {"rows_page": page, "pager_query": query.urlencode()}


def _start(
    request: AuthenticatedHttpRequest, pk: int, page: str, unit: str | None = None
) -> tuple[selectors.Analysed | None, dict[str, Any]]:
    """The campaign if the person may analyse it (404/403 otherwise), the ranking the query
    asks for (None before there is anything to analyse), and the page's first context."""
    campaign = get_campaign_report_for_user(request.user, pk)
    query = request.GET
    analysed = selectors.analysed_ranking(campaign, query.get("khoi"), query.get("xep_hang"), unit)
    return analysed, {"campaign": campaign, "analysed": analysed, "page": page}
