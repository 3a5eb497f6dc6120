"""The office's pages for people (/tai-khoan/nguoi-dung/): the list, who holds which role
by unit, creating and importing people, a person's page with his roles, and the changes an
admin confirms first (withdrawing a role, locking an account). Only office admins (of the
person's province) and superusers reach them: others get 403, an admin of another province
404 for people who are not his (portal.accounts.permissions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts import selectors, services, tasks
from portal.accounts.forms import (
    PeopleFilterForm,
    PeopleImportForm,
    PersonCreateForm,
    ReasonForm,
    RoleForm,
)
from portal.accounts.models import Membership, User
from portal.accounts.permissions import (
    PeopleScope,
    get_people_scope_for_user,
    get_person_for_user,
)
from portal.accounts.requests import AuthenticatedHttpRequest
from portal.accounts.sheet import read_people, template_workbook
from portal.jobs.services import job_start
from portal.responses import attachment
from portal.roles import UNIT_ROLES, Role
from portal.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = get_people_scope_for_user(request.user)
    form = PeopleFilterForm(request.GET, scope=scope)
    page = selectors.people_page(scope, form.people_filter(), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"scope": scope, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "accounts/people.html", context)


@login_required
@require_GET
def people_roles(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who holds which role, unit by unit: "who is the reporter of Sở Nội vụ"."""
    scope = get_people_scope_for_user(request.user)
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    context = {
        "scope": scope,
        "holders": selectors.role_holders(scope, role),
        "roles": Role.choices,
        "role": role,
        "role_label": Role(role).label if role else "",
        "units_without": _units_without(scope, Role(role)) if role in UNIT_ROLES else [],
    }
    return render(request, "accounts/people_roles.html", context)


def _units_without(scope: PeopleScope, role: Role) -> list[Unit]:
    """The units of the admin's provinces where nobody holds this unit role: one query."""
    units = Unit.objects.exclude(memberships__role=role).select_related("province")
    if scope.province_ids is not None:
        units = units.filter(province_id__in=scope.province_ids)
    return list(units.order_by("province__name", "level", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = get_people_scope_for_user(request.user)
    form = PersonCreateForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, row=form.person_row())
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                gettext("Đã tạo tài khoản %(name)s và gửi thư mời đặt mật khẩu đến %(email)s.")
                % {"name": person, "email": person.email},
            )
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_create.html", {"form": form, "scope": scope})


@login_required
@require_GET
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope, person = get_person_for_user(request.user, pk)
    context = _person_context(request.user, scope, person, RoleForm(scope=scope))
    return render(request, "accounts/person.html", context)


def _person_context(
    actor: User, scope: PeopleScope, person: User, role_form: RoleForm
) -> dict[str, object]:
    return {
        "person": person,
        "memberships": selectors.person_memberships(person, scope),
        "history": selectors.person_history(person, scope),
        "role_form": role_form,
        "activity_problem": services.activity_problem(actor=actor, person=person, scope=scope),
    }


@login_required
@require_POST
def person_role_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope, person = get_person_for_user(request.user, pk)
    form = RoleForm(request.POST, scope=scope)
    if form.is_valid():
        role, province, unit = form.held_role()
        try:
            services.membership_assign(
                actor=request.user, person=person, role=role, province=province, unit=unit
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, gettext("Đã giao vai trò “%(role)s”.") % {"role": role.label})
            return redirect("accounts:person", pk=person.pk)
    context = _person_context(request.user, scope, person, form)
    return render(request, "accounts/person.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def person_role_withdraw(
    request: AuthenticatedHttpRequest, pk: int, membership_id: int
) -> HttpResponse:
    scope, person = get_person_for_user(request.user, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("province", "unit"), pk=membership_id, user=person
    )
    if not scope.covers(membership.province_id):
        raise Http404(gettext("Không tìm thấy vai trò."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and request.POST.get("confirmed") == "1" and form.is_valid():
        try:
            services.membership_withdraw(
                actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("Đã thu hồi vai trò."))
        return redirect("accounts:person", pk=person.pk)
    context = {"person": person, "membership": membership, "form": form, "action": "withdraw"}
    return render(request, "accounts/person_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_activity(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Lock or unlock the account (`active` 0 or 1), after a confirmation page."""
    scope, person = get_person_for_user(request.user, pk)
    active = (request.POST or request.GET).get("active") == "1"
    problem = services.activity_problem(actor=request.user, person=person, scope=scope)
    if problem:
        messages.error(request, problem)
        return redirect("accounts:person", pk=person.pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and request.POST.get("confirmed") == "1" and form.is_valid():
        services.person_set_active(
            actor=request.user,
            person=person,
            scope=scope,
            active=active,
            reason=form.cleaned_data["reason"],
        )
        done = gettext("Đã mở khoá tài khoản.") if active else gettext("Đã khoá tài khoản.")
        messages.success(request, done)
        return redirect("accounts:person", pk=person.pk)
    action = "reactivate" if active else "deactivate"
    context = {"person": person, "form": form, "action": action, "active": int(active)}
    return render(request, "accounts/person_confirm.html", context)


@login_required
@require_POST
def person_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope, person = get_person_for_user(request.user, pk)
    memberships = selectors.person_memberships(person, scope)
    province = memberships[0].province if memberships else None
    try:
        services.person_invite_again(actor=request.user, person=person, province=province)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("Đã gửi lại thư mời đến %(email)s.") % {"email": person.email}
        )
    return redirect("accounts:person", pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def people_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = get_people_scope_for_user(request.user)
    form = PeopleImportForm(request.POST or None, request.FILES or None, scope=scope)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload, province = form.cleaned_data["file"], form.chosen_province()
        try:
            data = upload.read()
            rows, found = read_people(data, province)
            if len(rows) + len(found) <= services.PEOPLE_JOB_ROWS:
                created = services.people_import(
                    actor=request.user, rows=rows, file_name=upload.name, problems=found
                )
                messages.success(request, tasks.created_text(len(created)))
                return redirect("accounts:people")
            problems = services.people_import_problems(rows, found)  # at once, as above
            if not problems:  # the worker writes them (accounts/tasks.py)
                job = job_start(
                    tasks.people_import,
                    user=request.user,
                    params={"province": province.code, "file_name": upload.name},
                    subject=gettext("Nhập người dùng của %(province)s")
                    % {"province": province.name},
                    back_url=reverse("accounts:people_import"),
                    upload=data,
                )
                return redirect("jobs:job", job.pk)
        except ValidationError as error:
            problems = error.messages
    context = {"form": form, "problems": problems, "scope": scope}
    return render(request, "accounts/people_import.html", context, status=400 if problems else 200)


@login_required
@require_GET
def people_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The template, its guide listing the units of the province asked for (?tinh=code)
    or of the admin's first province."""
    scope = get_people_scope_for_user(request.user)
    code = request.GET.get("tinh", "")
    chosen = [p for p in scope.provinces if p.code == code] or list(scope.provinces[:1])
    if not chosen:
        raise Http404(gettext("Chưa có tỉnh nào."))
    return attachment(template_workbook(chosen[0]), XLSX, "mau-nguoi-dung.xlsx")


def _errors_to_form(form: RoleForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
