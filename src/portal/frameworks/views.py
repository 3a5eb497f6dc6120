"""Framework pages (/bo-chi-so/). Members of a province read; its office admin imports,
clones, edits and deletes. Anonymous visitors are sent to the login page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from dti.framework.documents import DocumentError
from portal.accounts.models import Province
from portal.accounts.requests import AuthenticatedHttpRequest
from portal.frameworks import selectors, services
from portal.frameworks.documents import dump_yaml, framework_file
from portal.frameworks.forms import CloneForm, EditForm, XlsxImportForm, YamlImportForm
from portal.frameworks.models import FrameworkVersion
from portal.frameworks.permissions import get_framework_for_user
from portal.frameworks.workbook import framework_workbook
from portal.responses import attachment
from portal.units.permissions import get_province_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = selectors.FrameworkQuery.from_query(request.GET)
    context = {"provinces": selectors.frameworks_for_user(request.user, query), "query": query}
    return render(request, "frameworks/index.html", context)


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_framework_for_user(request.user, pk)
    context: dict[str, object] = {
        "version": version,
        "frozen": version.frozen,
        "campaigns": selectors.campaigns_using(version),
        "can_write": selectors.can_write(request.user, version.province),
    }
    try:
        context["outline"] = selectors.framework_outline(version)
    except DocumentError as error:  # stored before the core's checks (e.g. through the admin)
        context["problems"] = [str(p) for p in error.problems]
    return render(request, "frameworks/detail.html", context)


@login_required
@require_GET
def download_yaml(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_framework_for_user(request.user, pk)
    text = dump_yaml(framework_file(selectors.framework_mapping(version)))
    return attachment(text.encode("utf-8"), "text/yaml; charset=utf-8", f"{version.code}.yaml")


@login_required
@require_GET
def download_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_framework_for_user(request.user, pk)
    data = framework_workbook(selectors.framework_mapping(version))
    return attachment(data, XLSX, f"{version.code}.xlsx")


@login_required
@require_GET
def blank_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    return attachment(framework_workbook({}), XLSX, "mau-bo-chi-so.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_yaml(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    form = YamlImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.pop("file")
        try:
            version = services.framework_import_yaml(
                province=where,
                data=upload.read(),
                file=upload.name,
                user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            problems = error.messages
        else:
            return _imported(request, version)
    return _import_page(request, form, where, "yaml", problems)


@login_required
@require_http_methods(["GET", "POST"])
def import_xlsx(request: AuthenticatedHttpRequest, province: str) -> HttpResponse:
    where = get_province_for_user(request.user, province, write=True)
    form = XlsxImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.pop("file")
        try:
            version = services.framework_import_xlsx(
                province=where, data=upload.read(), user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            problems = error.messages
        else:
            return _imported(request, version)
    return _import_page(request, form, where, "xlsx", problems)


def _imported(request: HttpRequest, version: FrameworkVersion) -> HttpResponse:
    messages.success(request, gettext("Đã nhập bộ chỉ số %(name)s.") % {"name": version.name})
    return redirect("frameworks:detail", version.pk)


def _import_page(
    request: HttpRequest, form: Form, province: Province, kind: str, problems: list[str]
) -> HttpResponse:
    context = {
        "form": form,
        "province": province,
        "kind": kind,
        "problems": problems,
        "examples": FrameworkVersion.objects.filter(province=province),
    }
    return render(request, f"frameworks/import_{kind}.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def clone(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_framework_for_user(request.user, pk, write=True)
    form = CloneForm(request.POST or None, initial=_clone_defaults(version))
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.framework_clone(version=version, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Đã nhân bản thành %(name)s. Hãy sửa phiên bản mới.") % {"name": copy.name},
            )
            return redirect("frameworks:edit", copy.pk)
    return render(request, "frameworks/clone.html", {"form": form, "version": version})


def _clone_defaults(version: FrameworkVersion) -> dict[str, object]:
    """Next year's version: the year in the code and name moved on by one."""
    year, next_year = str(version.year), str(version.year + 1)
    code, name = version.code, version.name
    code = code.replace(year, next_year) if year in code else f"{code}-{next_year}"
    name = name.replace(year, next_year) if year in name else f"{name} ({next_year})"
    return {"year": version.year + 1, "level": version.level, "code": code, "name": name}


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_framework_for_user(request.user, pk, write=True)
    if version.frozen:
        messages.error(request, gettext(services.FROZEN))
        return redirect("frameworks:detail", version.pk)
    initial = {
        "year": version.year,
        "level": version.level,
        "text": dump_yaml(selectors.framework_mapping(version)),
    }
    form = EditForm(request.POST or None, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_update(version=version, **form.cleaned_data)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request, gettext("Đã lưu bộ chỉ số %(name)s.") % {"name": version.name}
            )
            return redirect("frameworks:detail", version.pk)
    context = {"form": form, "version": version, "problems": problems}
    return render(request, "frameworks/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_framework_for_user(request.user, pk, write=True)
    if request.method == "POST":
        try:
            services.framework_delete(version=version)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("frameworks:detail", version.pk)
        messages.success(request, gettext("Đã xoá bộ chỉ số %(name)s.") % {"name": version.name})
        return redirect("frameworks:index")
    return render(request, "frameworks/delete.html", {"version": version})
