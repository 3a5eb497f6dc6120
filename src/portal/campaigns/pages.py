"""The office's form pages (`form_page`), and what the campaign's pages ask before an
irreversible change: the page of each workflow move (what it does, to how many units, what
blocks it: portal.appraisals.checks), and the page of a deadline set in the past (who it
locks out), with the notices sent once the office confirmed (portal.assessments.deadlines:
the campaigns app cannot notify)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from portal.accounts.models import User
from portal.appraisals.checks import campaign_blockers
from portal.assessments.deadlines import (
    locked_out,
    notify_deadline_changed,
    notify_extended,
    notify_round_deadlines,
    stamp,
)
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.notifications.events import campaign_transition
from portal.workflow import ACTION_LABELS, CampaignState
from portal.workflow.confirm import Confirmation, page, posted
from portal.workflow.guards import names

TRANSITION_SUMMARIES = {
    "open": gettext_lazy(
        "Đợt mở cho %(units)s đơn vị tự đánh giá: cán bộ đầu mối của các đơn vị bắt đầu nhập."
    ),
    "close_self_assessment": gettext_lazy(
        "%(units)s đơn vị sẽ không sửa, không gửi được bản tự đánh giá nữa."
    ),
    "reopen_self_assessment": gettext_lazy(
        "%(units)s đơn vị sửa lại được bản tự đánh giá chưa phê duyệt, đến hạn của mình."
    ),
    "start_appraisal": gettext_lazy(
        "Tổ thẩm định bắt đầu làm việc; bản tự đánh giá của %(units)s đơn vị không mở lại được nữa."
    ),
    "finalize": gettext_lazy("Kết quả của %(units)s đơn vị được tính và khoá."),
    "publish": gettext_lazy(
        "Kết quả của %(units)s đơn vị được công bố cho mọi người xem; không rút lại được."
    ),
}


def transition(campaign: Campaign, action: str, user: User, override_reason: str) -> Campaign:
    """The move, its guard rails read under the campaign's lock, and the notification of it
    in the same transaction (portal.notifications.events)."""
    return campaign_transition(
        campaign=campaign,
        action=action,
        user=user,
        guard=lambda locked: campaign_blockers(locked, action, timezone.now()),
        override_reason=override_reason,
    )


def transition_confirmation(campaign: Campaign, action: str) -> Confirmation:
    summary = TRANSITION_SUMMARIES.get(action, gettext_lazy("%(units)s đơn vị."))
    return Confirmation(
        title=str(ACTION_LABELS.get(action, action)),
        summary=summary % {"units": campaign.units.count()},
        action=reverse("campaigns:transition", args=[campaign.pk]),
        back=reverse("campaigns:detail", args=[campaign.pk]),
        blockers=campaign_blockers(campaign, action, timezone.now()),
    )


# ---- the office's forms, and deadlines ----


def form_page(
    request: HttpRequest,
    form: forms.Form,
    apply: Callable[[dict[str, Any]], Campaign],
    *,
    heading: str,
    done: str,
    campaign: Campaign | None = None,
    confirm: Callable[[dict[str, Any], str], Confirmation | None] | None = None,
) -> HttpResponse:
    """Show the form; on a valid POST ask first when `confirm` says so (a deadline in the
    past), run the service, go to the campaign's page; a refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        asked = confirm(form.cleaned_data, request.path) if confirm else None
        if asked is not None and not posted(request).confirmed:
            return page(request, asked)
        try:
            with transaction.atomic():  # the change and the notices it sends, or neither
                result = apply(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, done)
            return redirect("campaigns:detail", result.pk)
    context = {"form": form, "heading": heading, "campaign": campaign}
    return render(request, "campaigns/form.html", context)


# ---- deadlines ---------------------------------------------------------------------------


def _locked_lines(shut: list[CampaignUnit]) -> list[str]:
    if not shut:
        return []
    return [
        ngettext(
            "%(count)s đơn vị chưa gửi sẽ không sửa được nữa: %(names)s.",
            "%(count)s đơn vị chưa gửi sẽ không sửa được nữa: %(names)s.",
            len(shut),
        )
        % {"count": len(shut), "names": names([row.unit.name for row in shut])},
        gettext("Cán bộ đầu mối và thủ trưởng của các đơn vị đó sẽ nhận thông báo."),
    ]


def _past(title: str, moment: datetime, lines: list[str], url: str, back: str) -> Confirmation:
    return Confirmation(
        title=title,
        summary=gettext("Hạn %(deadline)s đã qua.") % {"deadline": format_deadline(moment)},
        lines=lines,
        action=url,
        back=back,
    )


def deadline_confirmation(
    campaign: Campaign, data: dict[str, Any], url: str
) -> Confirmation | None:
    """The campaign's self-assessment deadline set in the past: who it locks out (None
    when the deadline is still to come, or none)."""
    deadline = data.get("self_assessment_deadline")
    now = timezone.now()
    unchanged = deadline == campaign.self_assessment_deadline
    if deadline is None or deadline > now or unchanged or campaign.state == CampaignState.DRAFT:
        return None
    shut = locked_out(campaign, deadline, now)
    return _past(
        gettext("Đặt hạn tự đánh giá đã qua"),
        deadline,
        _locked_lines(shut) or [gettext("Mọi đơn vị đã gửi: không đơn vị nào bị khoá.")],
        url,
        reverse("campaigns:detail", args=[campaign.pk]),
    )


def round_deadline_confirmation(
    campaign: Campaign, data: dict[str, Any], url: str
) -> Confirmation | None:
    """A round deadline set in the past: the team, or the units, lose the time they had."""
    now = timezone.now()
    past = [d for d in (data.get("appraisal_due"), data.get("supplement_due")) if d and d <= now]
    if not past:
        return None
    lines = [
        gettext(
            "Hạn đã qua ngay khi lưu: tổ thẩm định và %(units)s đơn vị không còn thời gian của "
            "vòng %(number)s."
        )
        % {"units": campaign.units.count(), "number": data.get("number")},
        gettext("Cán bộ đầu mối và thủ trưởng của các đơn vị sẽ nhận thông báo."),
    ]
    return _past(
        gettext("Đặt hạn thẩm định đã qua"),
        min(past),
        lines,
        url,
        reverse("campaigns:detail", args=[campaign.pk]),
    )


def extension_confirmation(
    campaign: Campaign, data: dict[str, Any], url: str
) -> Confirmation | None:
    until = data.get("until")
    campaign_unit = data.get("campaign_unit")
    if until is None or campaign_unit is None or until > timezone.now():
        return None
    line = gettext("%(unit)s sẽ không sửa được bản tự đánh giá nữa.") % {
        "unit": campaign_unit.unit.name
    }
    return _past(
        gettext("Gia hạn đến một ngày đã qua"),
        until,
        [line, gettext("Cán bộ đầu mối và thủ trưởng của đơn vị sẽ nhận thông báo.")],
        url,
        reverse("campaigns:detail", args=[campaign.pk]),
    )


def after_deadline_changed(campaign: Campaign, before: datetime | None) -> None:
    """Notify after the self-assessment deadline changed (nothing when it did not, nor
    while the campaign is still being prepared: the units have not been asked anything)."""
    campaign.refresh_from_db()
    if campaign.self_assessment_deadline != before and campaign.state != CampaignState.DRAFT:
        deadline = campaign.self_assessment_deadline
        notify_deadline_changed(campaign, before, deadline, timezone.now())


def after_round_deadlines(campaign: Campaign, round: AppraisalRound) -> None:
    words = gettext("thẩm định đến %(appraisal)s") % {
        "appraisal": format_deadline(round.appraisal_due)
    }
    if round.supplement_due:
        words += gettext(", bổ sung đến %(supplement)s") % {
            "supplement": format_deadline(round.supplement_due)
        }
    dues = (round.appraisal_due, round.supplement_due)
    key = ":".join(["round_deadlines", str(round.pk), *(stamp(d) for d in dues)])
    notify_round_deadlines(campaign, round.number, words, key)


def after_extension(campaign_unit: CampaignUnit, until: datetime) -> None:
    notify_extended(campaign_unit, until, timezone.now())
