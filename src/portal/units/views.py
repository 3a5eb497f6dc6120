"""Pages of the unit registry (/don-vi/). Members of a province read; its office admin
writes. Anonymous visitors are sent to the login page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.jobs.services import job_start
from portal.responses import attachment
from portal.units import selectors, services, tasks
from portal.units.forms import LineageForm, RegistryImportForm, UnitForm
from portal.units.permissions import (
    get_lineage_for_user,
    get_province_for_user,
    get_unit_for_user,
)
from portal.units.workbook import registry_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def registry(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = selectors.UnitQuery.from_query(request.GET)
    registries = selectors.registries_for_user(request.user, query)
    return render(request, "units/registry.html", {"registries": registries, "query": query})


@login_required
@require_GET
def unit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    context = {
        "unit": unit,
        "history": selectors.unit_history(unit),
        "children": selectors.unit_children(unit),
        "can_write": selectors.can_write(request.user, unit.province),
    }
    return render(request, "units/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    form = UnitForm(request.POST or None, province=where)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(province=where, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Đã thêm đơn vị %(name)s.") % {"name": unit.name})
            return redirect("units:detail", unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "province": where})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, write=True)
    form = UnitForm(
        request.POST or None, province=unit.province, unit=unit, initial=UnitForm.initial_for(unit)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Đã lưu đơn vị %(name)s.") % {"name": unit.name})
            return redirect("units:detail", unit.pk)
    context = {"form": form, "province": unit.province, "unit": unit}
    return render(request, "units/unit_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lineage_create(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    initial = {"predecessor": request.GET.get("truoc"), "successor": request.GET.get("sau")}
    form = LineageForm(request.POST or None, province=where, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.lineage_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, gettext("Đã ghi nhận: %(link)s.") % {"link": selectors.describe_link(link)}
            )
            return redirect("units:detail", link.predecessor_id)
    return render(request, "units/lineage_form.html", {"form": form, "province": where})


@login_required
@require_POST
def lineage_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = get_lineage_for_user(request.user, pk, write=True)
    sentence = selectors.describe_link(link)
    services.lineage_delete(link=link)
    messages.success(request, gettext("Đã xoá quan hệ kế thừa: %(link)s.") % {"link": sentence})
    return redirect("units:detail", link.predecessor_id)


@login_required
@require_GET
def registry_export(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    where = get_province_for_user(request.user, province)
    data = registry_workbook(selectors.province_units(where), selectors.province_lineage(where))
    return attachment(data, XLSX, f"don-vi-{where.code}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def registry_import(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            if services.registry_rows(data) > services.REGISTRY_JOB_ROWS:
                job = job_start(
                    tasks.registry_import,
                    user=request.user,
                    params={"province": where.code},
                    subject=gettext("Nhập danh mục đơn vị của %(province)s")
                    % {"province": where.name},
                    back_url=reverse("units:import", args=[where.code]),
                    upload=data,
                )
                return redirect("jobs:job", job.pk)
            summary = services.registry_import(province=where, data=data)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, tasks.summary_text(summary))
            return redirect("units:registry")
    context = {"form": form, "province": where, "problems": problems}
    return render(request, "units/registry_import.html", context)
