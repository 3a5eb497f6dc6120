"""The team's pages: the appraisal dashboard of a campaign (rounds, team, progress, my
to-do), the team and its assignments, the round moves, finalization, and the scoring sheet
of one unit in one round. Each view fetches through the permission check, calls one
service or selector and responds. The unit's pages are in unit_views."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.answers import Conflict
from portal.appraisals import rounds, services, tasks
from portal.appraisals.finalization import finalize_precheck
from portal.appraisals.forms import AssignmentForm, MemberForm, SheetForm
from portal.appraisals.models import Assignment, TeamMember
from portal.appraisals.pages import (
    dashboard_context,
    finalize_confirmation,
    round_confirmation,
    round_of,
    score_live,
    sheet_context,
    sheet_leaves,
    team_context,
)
from portal.appraisals.permissions import Need, get_campaign_for_team, get_campaign_unit_for_team
from portal.appraisals.team import (
    assignment_add,
    assignment_remove,
    main_indices_of,
    team_chair_set,
    team_member_add,
    team_member_remove,
)
from portal.assessments import evidence_files
from portal.assessments.models import Evidence
from portal.campaigns.models import Campaign
from portal.jobs.models import Job
from portal.jobs.services import job_start
from portal.workflow import ACTION_LABELS
from portal.workflow.confirm import guarded


def _run(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    """Run a service; its refusal becomes the page's error message, in its own words."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


# ---- the dashboard and the rounds ------------------------------------------------------


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk)
    context = dashboard_context(request.user, campaign, request.GET.get("trang"))
    return render(request, "appraisals/dashboard.html", context)


def _number(request: HttpRequest) -> int:
    text = request.POST.get("number", "")
    if not text.isdigit():
        raise Http404(gettext("Không có vòng thẩm định này."))
    return int(text)


@login_required
@require_POST
def round_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk, need=Need.CHAIR)
    action, number = request.POST.get("action", ""), _number(request)
    service = rounds.MOVES.get(action)
    if service is None:
        raise Http404(gettext("Không có thao tác này."))
    done = gettext("Vòng %(number)s: đã thực hiện “%(action)s”.") % {
        "number": number,
        "action": ACTION_LABELS[action],
    }
    return guarded(
        request,
        lambda: round_confirmation(request.user, campaign, number, action),
        lambda reason: service(
            campaign=campaign, number=number, actor=request.user, override_reason=reason
        ),
        done,
    )


@login_required
@require_POST
def round_final(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk, need=Need.OFFICE)
    number, final = _number(request), request.POST.get("final") == "1"
    done = (
        gettext("Vòng %(number)s là vòng cuối.")
        if final
        else gettext("Vòng %(number)s không còn là vòng cuối.")
    ) % {"number": number}
    _run(
        request,
        lambda: rounds.round_final_set(
            campaign=campaign, number=number, final=final, actor=request.user
        ),
        done,
    )
    return redirect("appraisals:dashboard", campaign.pk)


@login_required
@require_POST
def finalize(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask first; on the confirmed post, check the guard rails here (refusals and blockers
    are shown on the confirmation page as for every move) and queue the finalization, whose
    job's page says when it is done (docs/tasks.md)."""
    campaign = get_campaign_for_team(request.user, pk, need=Need.CHAIR)
    started: list[Job] = []

    def start(reason: str) -> None:
        finalize_precheck(campaign=campaign, actor=request.user, override_reason=reason)
        subject = gettext("Chốt kết quả — %(campaign)s") % {"campaign": campaign}
        back = reverse("appraisals:dashboard", args=[campaign.pk])
        params = {"campaign": campaign.pk, "reason": reason}
        started.append(
            job_start(
                tasks.finalize, user=request.user, params=params, subject=subject, back_url=back
            )
        )

    done = gettext("Đang chốt kết quả: trang này cho biết khi xong.")
    response = guarded(request, lambda: finalize_confirmation(campaign), start, done)
    return redirect("jobs:job", started[0].pk) if started else response


# ---- the team --------------------------------------------------------------------------


@login_required
@require_GET
def team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk)
    return render(request, "appraisals/team.html", team_context(request.user, campaign))


def _to_team(campaign: Campaign) -> HttpResponse:
    return redirect("appraisals:team", campaign.pk)


def _form_errors(request: HttpRequest, form: MemberForm | AssignmentForm) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk, need=Need.OFFICE)
    form = MemberForm(campaign, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_team(campaign)
    person = form.cleaned_data["user"]
    done = gettext("Đã đưa %(person)s vào tổ thẩm định.") % {"person": person}
    _run(
        request,
        lambda: team_member_add(campaign=campaign, user=person, actor=request.user),
        done,
    )
    return _to_team(campaign)


def _member(campaign: Campaign, member_pk: int) -> TeamMember:
    return get_object_or_404(
        TeamMember.objects.select_related("user"), pk=member_pk, campaign=campaign
    )


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk, need=Need.OFFICE)
    member = _member(campaign, member_pk)
    done = gettext("Đã bỏ %(person)s khỏi tổ thẩm định.") % {"person": member.user}
    _run(request, lambda: team_member_remove(member=member, actor=request.user), done)
    return _to_team(campaign)


@login_required
@require_POST
def chair_set(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk, need=Need.OFFICE)
    member = _member(campaign, member_pk)
    done = gettext("%(person)s là tổ trưởng.") % {"person": member.user}
    _run(request, lambda: team_chair_set(member=member, actor=request.user), done)
    return _to_team(campaign)


@login_required
@require_POST
def assignment_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk, need=Need.OFFICE)
    form = AssignmentForm(campaign, main_indices_of(campaign), request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_team(campaign)
    data = form.cleaned_data
    done = gettext("Đã phân công %(person)s.") % {"person": data["member"].user}

    def add() -> object:
        return assignment_add(
            member=data["member"],
            unit=data["unit"],
            district=data["district"],
            index=data["index"],
            actor=request.user,
        )

    _run(request, add, done)
    return _to_team(campaign)


@login_required
@require_POST
def assignment_delete(
    request: AuthenticatedHttpRequest, pk: int, assignment_pk: int
) -> HttpResponse:
    campaign = get_campaign_for_team(request.user, pk, need=Need.OFFICE)
    assignment = get_object_or_404(
        Assignment.objects.select_related("member__user", "unit", "district"),
        pk=assignment_pk,
        member__campaign=campaign,
    )
    done = gettext("Đã bỏ phân công của %(person)s.") % {"person": assignment.member.user}
    _run(request, lambda: assignment_remove(assignment=assignment, actor=request.user), done)
    return _to_team(campaign)


# ---- the scoring sheet -----------------------------------------------------------------


@login_required
@require_GET
def sheet(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_team(request.user, pk)
    round = round_of(campaign_unit, number)
    return render(
        request, "appraisals/sheet.html", sheet_context(request.user, campaign_unit, round)
    )


@login_required
@require_POST
def sheet_save(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_team(request.user, pk, need=Need.TEAM)
    round = round_of(campaign_unit, number)
    form = SheetForm(sheet_leaves(campaign_unit), request.POST)

    def again(
        status: int,
        conflicts: Mapping[str, Conflict] | None = None,
        verdict_conflicts: Mapping[int, Conflict] | None = None,
    ) -> HttpResponse:
        context = sheet_context(
            request.user,
            campaign_unit,
            round,
            form=form,
            conflicts=conflicts,
            verdict_conflicts=verdict_conflicts,
        )
        return render(request, "appraisals/sheet.html", context, status=status)

    if not form.is_valid():
        messages.error(
            request,
            gettext("Chưa lưu: %(count)s ô nhập chưa đúng, xem bên dưới.")
            % {"count": len(form.errors)},
        )
        return again(400)
    try:
        saved = services.sheet_save(
            campaign_unit=campaign_unit,
            round=round,
            actor=request.user,
            appraisals=form.cleaned,
            verdicts=form.verdicts,
        )
    except services.AppraisalConflict as conflict:
        messages.error(request, conflict.messages[0])
        return again(409, conflicts=conflict.conflicts, verdict_conflicts=conflict.verdicts)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
        return again(403)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return again(400)
    if saved.appraisals or saved.verdicts:
        messages.success(
            request,
            gettext("Đã lưu: %(appraisals)s tiêu chí, %(verdicts)s kết luận minh chứng.")
            % {"appraisals": saved.appraisals, "verdicts": saved.verdicts},
        )
    else:  # a second tap, a save sent again after no answer came, or nothing changed
        messages.info(
            request,
            gettext(
                "Không có gì mới để lưu: mọi giá trị trên trang đã được lưu, hoặc chưa được sửa."
            ),
        )
    return redirect(reverse("appraisals:sheet", args=[campaign_unit.pk, round.number]))


@login_required
@require_POST
def sheet_score(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """The round's score with the values on the page, without saving anything: the live
    score's fragment (assessments/_live_score.html), as the self-assessment's."""
    campaign_unit = get_campaign_unit_for_team(request.user, pk)
    round = round_of(campaign_unit, number)
    form = SheetForm(sheet_leaves(campaign_unit), request.POST)
    live = score_live(campaign_unit, round, form, request.POST)
    return render(request, "assessments/_live_score.html", live)


@login_required
@require_GET
def evidence_download(
    request: AuthenticatedHttpRequest, pk: int, evidence_pk: int
) -> HttpResponseBase:
    """An evidence file, for whoever may read the unit's sheet (team members who hold no
    province-wide role included)."""
    campaign_unit = get_campaign_unit_for_team(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, submission__campaign_unit=campaign_unit)
    return evidence_files.download(evidence)
