"""Who is told of each step of the workflow, in what words, with which link
(docs/portal-notifications.md has the table). The app that makes a move calls here inside
the move's transaction: assessments (a submission's moves), appraisals (the rounds and the
finalization), and the campaign's moves through `campaign_transition`, since the campaigns
app sits below this one and cannot call it.

The person who made the move is never told of it; deactivated accounts are never told. An
event a retry could announce twice carries a key (once per person and key); a move the
workflow allows again later (a return, a reopening, a second agreement after a reopened
round) is announced each time it happens."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.campaigns import services as campaign_services
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.notifications.models import Kind
from portal.notifications.reminders import active_people_of_units
from portal.notifications.selectors import people_of_province
from portal.notifications.services import Message, notify_many
from portal.roles import UNIT_ROLES, Role


def _not_in(users: Iterable[User], *already: Iterable[User]) -> list[User]:
    """`users` but those already told of the event in an earlier group."""
    told = {user.pk for group in already for user in group}
    return [user for user in users if user.pk not in told]


def _units(campaign: Campaign) -> list[CampaignUnit]:
    return list(campaign.units.select_related("unit").order_by("unit__name"))


# ---- the self-assessment of a unit -------------------------------------------------------


def submission_moved(
    *, campaign_unit: CampaignUnit, action: str, actor: User, note: str = ""
) -> None:
    """Submitted: the unit's approvers. Approved: the unit's reporters and the province's
    office admins. Returned by the approver: the unit's reporters, with his reason.
    Reopened by the office: the unit's reporters and approvers."""
    unit, campaign = campaign_unit.unit, campaign_unit.campaign
    names = {"unit": unit.name, "campaign": campaign.title, "who": actor}
    reporters = active_people_of_units([unit.pk], [Role.REPORTER]).get(unit.pk, [])
    approvers = active_people_of_units([unit.pk], [Role.APPROVER]).get(unit.pk, [])
    status = reverse("assessments:status", args=[campaign_unit.pk])
    form = reverse("assessments:form", args=[campaign_unit.pk])
    reason = (gettext("Lý do: %(note)s") % {"note": note.strip()}) if note.strip() else ""
    if action == "submit":
        kind, users, url = Kind.SUBMITTED, approvers, status
        title = gettext("%(unit)s đã gửi bản tự đánh giá, chờ phê duyệt") % names
        body = (
            gettext(
                "%(who)s đã gửi bản tự đánh giá của %(unit)s (%(campaign)s). Xem lại rồi bấm "
                "“Phê duyệt và ký”, hoặc trả lại để đơn vị sửa."
            )
            % names
        )
    elif action == "approve":
        office = people_of_province(campaign.province_id, [Role.OFFICE_ADMIN])
        kind, users, url = Kind.APPROVED, reporters + _not_in(office, reporters), status
        title = gettext("Bản tự đánh giá của %(unit)s đã được phê duyệt") % names
        body = (
            gettext(
                "%(who)s đã phê duyệt và ký bản tự đánh giá của %(unit)s (%(campaign)s). "
                "Bản đã ký xem ở trang tình trạng; kết quả thẩm định sẽ được báo sau."
            )
            % names
        )
    elif action == "return":
        kind, users, url = Kind.RETURNED, reporters, form
        title = gettext("Bản tự đánh giá của %(unit)s bị trả lại để sửa") % names
        body = (
            gettext(
                "%(who)s đã trả lại bản tự đánh giá của %(unit)s (%(campaign)s). Sửa rồi gửi "
                "phê duyệt lại."
            )
            % names
        )
    elif action == "reopen":
        kind, users, url = Kind.REOPENED, reporters + approvers, form
        title = gettext("Sở chủ trì đã mở lại bản tự đánh giá của %(unit)s") % names
        body = (
            gettext(
                "%(who)s đã mở lại bản tự đánh giá đã phê duyệt của %(unit)s (%(campaign)s). "
                "Đơn vị sửa rồi gửi phê duyệt lại."
            )
            % names
        )
    else:
        return
    body = "\n".join(part for part in (body, reason) if part)
    messages = [Message(users, title, body, url)]
    notify_many(messages=messages, kind=kind, campaign=campaign, actor=actor)


# ---- the campaign's moves ----------------------------------------------------------------


@transaction.atomic
def campaign_transition(*, campaign: Campaign, action: str, user: User, **options: Any) -> Campaign:
    """portal.campaigns.services.campaign_transition, then the notification of the move in
    the same transaction: what the campaign's page calls."""
    moved = campaign_services.campaign_transition(
        campaign=campaign, action=action, user=user, **options
    )
    campaign_moved(campaign=moved, action=action, actor=user)
    return moved


def campaign_moved(*, campaign: Campaign, action: str, actor: User) -> None:
    """Self-assessment opened, closed or reopened by the office: the units' reporters and
    approvers. Published: the units' people and the province's leadership."""
    if action not in ("open", "close_self_assessment", "reopen_self_assessment", "publish"):
        return
    campaign_units = _units(campaign)
    people = active_people_of_units([cu.unit_id for cu in campaign_units], UNIT_ROLES)
    messages = []
    for campaign_unit in campaign_units:
        users = people.get(campaign_unit.unit_id, [])
        if users:
            messages.append(_campaign_message(campaign, campaign_unit, action, users))
    kind = {
        "open": Kind.SELF_ASSESSMENT_OPENED,
        "reopen_self_assessment": Kind.SELF_ASSESSMENT_OPENED,
        "close_self_assessment": Kind.SELF_ASSESSMENT_CLOSED,
        "publish": Kind.PUBLISHED,
    }[action]
    if action == "publish":
        told = [user for users in people.values() for user in users]
        leaders = _not_in(people_of_province(campaign.province_id, [Role.LEADERSHIP]), told)
        messages.append(
            Message(
                leaders,
                gettext("Đã công bố kết quả: %(campaign)s") % {"campaign": campaign.title},
                gettext("Sở chủ trì đã công bố kết quả; xếp hạng và báo cáo ở trang đợt."),
                reverse("campaigns:detail", args=[campaign.pk]),
                f"published:{campaign.pk}",
            )
        )
    notify_many(messages=messages, kind=kind, campaign=campaign, actor=actor)


def _campaign_message(
    campaign: Campaign, campaign_unit: CampaignUnit, action: str, users: Sequence[User]
) -> Message:
    deadline = max(
        (d for d in (campaign.self_assessment_deadline, campaign_unit.extension_until) if d),
        default=None,
    )
    names = {
        "unit": campaign_unit.unit.name,
        "campaign": campaign.title,
        "due": format_deadline(deadline) or "—",
    }
    form = reverse("assessments:form", args=[campaign_unit.pk])
    if action == "publish":
        return Message(
            users,
            gettext("Đã công bố kết quả: %(campaign)s") % names,
            gettext("Sở chủ trì đã công bố kết quả của đợt; xem kết quả của %(unit)s.") % names,
            reverse("appraisals:unit_results", args=[campaign_unit.pk]),
            f"published:{campaign.pk}:{campaign_unit.pk}",
        )
    if action == "close_self_assessment":
        return Message(
            users,
            gettext("Đã đóng tự đánh giá: %(campaign)s") % names,
            gettext(
                "Sở chủ trì đã đóng tự đánh giá: bản của %(unit)s không sửa được nữa. Kết quả "
                "thẩm định sẽ được báo sau."
            )
            % names,
            form,
        )
    return Message(
        users,
        gettext("Đã mở tự đánh giá: %(campaign)s") % names,
        gettext(
            "Sở chủ trì đã mở tự đánh giá. %(unit)s nhập số liệu, minh chứng rồi gửi phê "
            "duyệt trước %(due)s."
        )
        % names,
        form,
        f"self_assessment_opened:{campaign.pk}:{campaign_unit.pk}" if action == "open" else "",
    )


# ---- the rounds of appraisal and the finalization -----------------------------------------


def round_moved(*, round: AppraisalRound, action: str, actor: User, team: Sequence[User]) -> None:
    """Opened: the campaign's appraisal team. Closed: the units' people and the team. The
    final round agreed: the office admins; reopened: the team (they score again) and the
    office admins, at each reopening. (Results returned: portal.appraisals.rounds.)"""
    campaign = round.campaign
    names = {"number": round.number, "campaign": campaign.title}
    dashboard = reverse("appraisals:dashboard", args=[campaign.pk])
    if action == "open_round":
        names["due"] = format_deadline(round.appraisal_due)
        message = Message(
            team,
            gettext("Bắt đầu vòng thẩm định %(number)s: %(campaign)s") % names,
            gettext(
                "Tổ trưởng đã bắt đầu vòng %(number)s. Chấm điểm các đơn vị được phân công "
                "trước %(due)s."
            )
            % names,
            reverse("appraisals:todo"),
            f"round_opened:{round.pk}",
        )
        notify_many(messages=[message], kind=Kind.ROUND_OPENED, campaign=campaign, actor=actor)
    elif action == "close_round":
        _round_closed(round, actor, team, names, dashboard)
    elif action == "agree":
        office = people_of_province(campaign.province_id, [Role.OFFICE_ADMIN])
        message = Message(
            office,
            gettext("Tổ thẩm định đã thống nhất điểm vòng cuối: %(campaign)s") % names,
            gettext(
                "Vòng %(number)s là vòng cuối và đã được thống nhất điểm. Tổ trưởng chốt kết "
                "quả trên trang thẩm định; sau đó Sở chủ trì công bố."
            )
            % names,
            dashboard,
        )
        kind = Kind.FINAL_ROUND_AGREED
        notify_many(messages=[message], kind=kind, campaign=campaign, actor=actor)
    elif action == "reopen_round":
        _round_reopened(round, actor, team, names, dashboard)


def _round_reopened(
    round: AppraisalRound,
    actor: User,
    team: Sequence[User],
    names: dict[str, object],
    dashboard: str,
) -> None:
    """No key: each reopening is a new event, announced once to each person."""
    office = people_of_province(round.campaign.province_id, [Role.OFFICE_ADMIN])
    messages = [
        Message(
            team,
            gettext("Mở lại vòng cuối để chấm lại: %(campaign)s") % names,
            gettext(
                "Tổ trưởng đã mở lại vòng %(number)s (vòng cuối). Chấm lại điểm các đơn vị "
                "được phân công; sau đó tổ trưởng thống nhất điểm lại."
            )
            % names,
            reverse("appraisals:todo"),
        ),
        Message(
            _not_in(office, team),
            gettext("Mở lại vòng cuối để chấm lại: %(campaign)s") % names,
            gettext(
                "Tổ trưởng đã mở lại vòng %(number)s (vòng cuối): điểm đã thống nhất trước đó "
                "chưa dùng được. Chờ tổ thẩm định thống nhất điểm lại rồi mới chốt, công bố."
            )
            % names,
            dashboard,
        ),
    ]
    notify_many(messages=messages, kind=Kind.ROUND_REOPENED, campaign=round.campaign, actor=actor)


def _round_closed(
    round: AppraisalRound,
    actor: User,
    team: Sequence[User],
    names: dict[str, object],
    dashboard: str,
) -> None:
    campaign = round.campaign
    campaign_units = _units(campaign)
    people = active_people_of_units([cu.unit_id for cu in campaign_units], UNIT_ROLES)
    messages = []
    for campaign_unit in campaign_units:
        users = people.get(campaign_unit.unit_id, [])
        if not users:
            continue
        url = reverse("appraisals:unit_results", args=[campaign_unit.pk])
        messages.append(
            Message(
                users,
                gettext("Đã kết thúc vòng thẩm định %(number)s: %(unit)s")
                % {**names, "unit": campaign_unit.unit.name},
                gettext(
                    "Tổ thẩm định đã kết thúc vòng %(number)s: không giải trình, bổ sung thêm "
                    "được cho vòng này. Kết quả các vòng sau sẽ được báo."
                )
                % names,
                f"{url}?vong={round.number}",
                f"round_closed:{round.pk}:{campaign_unit.pk}",
            )
        )
    messages.append(
        Message(
            team,
            gettext("Đã kết thúc vòng thẩm định %(number)s: %(campaign)s") % names,
            gettext("Vòng %(number)s đã kết thúc; tổ trưởng bắt đầu vòng sau khi đến lượt.")
            % names,
            dashboard,
            f"round_closed:{round.pk}",
        )
    )
    notify_many(messages=messages, kind=Kind.ROUND_CLOSED, campaign=campaign, actor=actor)


def campaign_finalized(*, campaign: Campaign, actor: User, team: Sequence[User]) -> None:
    """The office admins and the leadership (the campaign's page), the team (its appraisal
    page). Each unit is told its own result by portal.appraisals.finalization."""
    names = {"campaign": campaign.title}
    office = people_of_province(campaign.province_id, [Role.OFFICE_ADMIN, Role.LEADERSHIP])
    messages = [
        Message(
            office,
            gettext("Đã chốt kết quả: %(campaign)s") % names,
            gettext(
                "Tổ trưởng đã chốt kết quả: điểm đã khoá, báo cáo ở trang đợt đánh giá. Sở chủ "
                "trì công bố kết quả khi sẵn sàng."
            ),
            reverse("campaigns:detail", args=[campaign.pk]),
            f"campaign_finalized:{campaign.pk}",
        ),
        Message(
            _not_in(team, office),
            gettext("Đã chốt kết quả: %(campaign)s") % names,
            gettext("Tổ trưởng đã chốt kết quả: điểm của đợt đã khoá."),
            reverse("appraisals:dashboard", args=[campaign.pk]),
            f"campaign_finalized:{campaign.pk}",
        ),
    ]
    notify_many(messages=messages, kind=Kind.FINALIZED, campaign=campaign, actor=actor)
