"""The start page's sections: what each of the person's roles has to do next, soonest
deadline first, each task a link to where it is done (docs/portal.md, "Start pages")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from portal.accounts.models import Membership, User
from portal.accounts.permissions import AnyUser
from portal.appraisals.models import TeamMember
from portal.appraisals.selectors import TodoItem, appraiser_todo, chair_steps, sheet_url
from portal.appraisals.unit_selectors import Pending, unit_todo
from portal.assessments.selectors import (
    CampaignProgress,
    campaigns_progress,
    soonest,
    unit_tasks,
)
from portal.campaigns.models import Campaign, CampaignUnit
from portal.publication.models import Version
from portal.roles import Role
from portal.signatures.selectors import claims_waiting
from portal.workflow import (
    CAMPAIGN_STATE_LABELS,
    SUBMISSION_STATE_LABELS,
    CampaignState,
    SubmissionState,
    deadline_passed,
)

RESULT_STATES = (CampaignState.FINALIZED, CampaignState.PUBLISHED)


@dataclass(frozen=True)
class Task:
    """One line of the start page: what to do, where, by when."""

    title: str
    url: str
    detail: str = ""
    deadline: datetime | None = None
    late: bool = False


@dataclass
class Section:
    key: str
    heading: str
    empty: str  # what will appear here, when nothing does yet
    tasks: list[Task] = field(default_factory=list)


SECTIONS: dict[str, tuple[object, object]] = {
    "reporter": (
        gettext_lazy("Tự đánh giá của đơn vị"),
        gettext_lazy(
            "Đơn vị không có việc nào chờ bạn lúc này. Bản tự đánh giá cần nhập khi đợt "
            "đánh giá mở, và các yêu cầu bổ sung, giải trình của tổ thẩm định, sẽ hiện ở đây."
        ),
    ),
    "approver": (
        gettext_lazy("Chờ thủ trưởng phê duyệt"),
        gettext_lazy(
            "Không có bản nào chờ bạn phê duyệt. Khi cán bộ đầu mối gửi bản tự đánh giá, "
            "bản đó sẽ hiện ở đây."
        ),
    ),
    "appraiser": (
        gettext_lazy("Thẩm định được phân công"),
        gettext_lazy(
            "Không có tiêu chí nào chờ bạn chấm. Trong vòng thẩm định đang chấm, các tiêu "
            "chí được phân công cho bạn mà chưa chấm sẽ hiện ở đây, theo đơn vị."
        ),
    ),
    "chair": (
        gettext_lazy("Điều hành tổ thẩm định"),
        gettext_lazy(
            "Không có đợt nào đang thẩm định. Khi đợt đánh giá vào thẩm định, bước tiếp "
            "theo của các vòng sẽ hiện ở đây."
        ),
    ),
    "office": (
        gettext_lazy("Theo dõi đợt đánh giá"),
        gettext_lazy(
            "Chưa có đợt đánh giá nào: tạo đợt đánh giá ở trang Đợt đánh giá; đơn vị trễ hạn "
            "và bản chờ phê duyệt sẽ hiện ở đây."
        ),
    ),
    "leadership": (
        gettext_lazy("Tiến độ và kết quả"),
        gettext_lazy("Khi đợt đánh giá mở, tiến độ tự đánh giá và kết quả sẽ hiện ở đây."),
    ),
}


def start_sections(user: AnyUser) -> list[Section]:
    """A section for each role the person holds, in the order of the work, each with its
    tasks soonest deadline first. A fixed number of queries, however many units."""
    if not user.is_authenticated:
        return []
    held = set(Membership.objects.filter(user=user).values_list("role", "province_id"))
    roles = {role for role, _ in held}
    seats = list(TeamMember.objects.filter(user=user).values_list("chair", flat=True))
    builders: list[tuple[str, bool, Callable[[], list[Task]]]] = [
        ("reporter", Role.REPORTER in roles, lambda: _reporter(user)),
        ("approver", Role.APPROVER in roles, lambda: _approver(user)),
        ("appraiser", bool(seats), lambda: _appraiser(user)),
        ("chair", any(seats), lambda: [*_chair(user), *_chair_finalized(user)]),
        (
            "office",
            Role.OFFICE_ADMIN in roles,
            lambda: [
                *_office(_provinces(held, Role.OFFICE_ADMIN)),
                *_to_publish(_provinces(held, Role.OFFICE_ADMIN)),
                *_certificates_to_confirm(_provinces(held, Role.OFFICE_ADMIN)),
            ],
        ),
        (
            "leadership",
            Role.LEADERSHIP in roles,
            lambda: [
                *_to_approve(_provinces(held, Role.LEADERSHIP)),
                *_leaders(_provinces(held, Role.LEADERSHIP)),
            ],
        ),
    ]
    sections = []
    for key, holds, build in builders:
        if holds:
            heading, empty = SECTIONS[key]
            tasks = sorted(build(), key=lambda task: soonest(task.deadline))
            sections.append(Section(key, str(heading), str(empty), tasks))
    return sections


def _provinces(held: set[tuple[str, int]], role: Role) -> set[int]:
    return {province for held_role, province in held if held_role == role}


def _reporter(user: User) -> list[Task]:
    tasks = []
    for task in unit_tasks(user, Role.REPORTER):
        unit, campaign = task.campaign_unit.unit.name, task.campaign_unit.campaign.title
        if task.returned_note:
            detail = gettext("Thủ trưởng trả lại để sửa: %(note)s") % {"note": task.returned_note}
        elif task.remaining:
            detail = ngettext(
                "Còn %(count)d tiêu chí chưa trả lời.",
                "Còn %(count)d tiêu chí chưa trả lời.",
                task.remaining,
            ) % {"count": task.remaining}
        else:
            detail = gettext("Đã trả lời đủ các tiêu chí: kiểm tra lại rồi gửi phê duyệt.")
        if task.late:  # the form is closed: only an extension reopens it
            detail += " " + gettext("Đã hết hạn: đề nghị Sở chủ trì gia hạn để hoàn thành.")
        tasks.append(
            Task(
                gettext("Tự đánh giá: %(unit)s — %(campaign)s")
                % {"unit": unit, "campaign": campaign},
                reverse("assessments:form", args=[task.campaign_unit.pk]),
                detail,
                task.deadline,
                task.late,
            )
        )
    tasks += _reporter_sent(user)
    reporting = set(
        Membership.objects.filter(user=user, role=Role.REPORTER).values_list("unit_id", flat=True)
    )
    for todo in unit_todo(user):
        if todo.campaign_unit.unit_id not in reporting:
            continue
        by_round: dict[int, list[Pending]] = {}
        for pending in todo.pending:  # soonest deadline first
            by_round.setdefault(pending.round.number, []).append(pending)
        for number, items in by_round.items():
            first = items[0]
            url = reverse("appraisals:unit_results", args=[todo.campaign_unit.pk])
            tasks.append(
                Task(
                    gettext("Bổ sung, giải trình vòng %(number)d: %(unit)s")
                    % {"number": number, "unit": todo.campaign_unit.unit.name},
                    f"{url}?vong={number}",
                    ngettext(
                        "%(count)d yêu cầu của tổ thẩm định chưa trả lời.",
                        "%(count)d yêu cầu của tổ thẩm định chưa trả lời.",
                        len(items),
                    )
                    % {"count": len(items)},
                    first.due,
                    first.overdue,
                )
            )
    return tasks


def _reporter_sent(user: User) -> list[Task]:
    """The unit's self-assessments sent and waiting for the head's approval: nothing to do
    but to follow, so a line to the status page (one query)."""
    sent = (
        CampaignUnit.objects.filter(
            unit__memberships__user=user,
            unit__memberships__role=Role.REPORTER,
            campaign__state=CampaignState.OPEN,
            campaign__historic=False,
            submission__state=SubmissionState.SUBMITTED,
        )
        .select_related("campaign", "unit")
        .distinct()
    )
    return [
        Task(
            gettext("%(state)s: %(unit)s — %(campaign)s")
            % {
                "state": SUBMISSION_STATE_LABELS[SubmissionState.SUBMITTED],
                "unit": row.unit.name,
                "campaign": row.campaign.title,
            },
            reverse("assessments:status", args=[row.pk]),
            gettext(
                "Đã gửi thủ trưởng đơn vị phê duyệt. Xem tình trạng; nếu bản bị trả lại, "
                "sửa theo lý do rồi gửi lại."
            ),
        )
        for row in sent
    ]


def _approver(user: AnyUser) -> list[Task]:
    return [
        Task(
            gettext("Phê duyệt: %(unit)s — %(campaign)s")
            % {"unit": task.campaign_unit.unit.name, "campaign": task.campaign_unit.campaign.title},
            reverse("assessments:status", args=[task.campaign_unit.pk]),
            gettext("Cán bộ đầu mối đã gửi bản tự đánh giá: xem lại, phê duyệt hoặc trả lại."),
            task.deadline,
            task.late,
        )
        for task in unit_tasks(user, Role.APPROVER)
    ]


def _appraiser(user: AnyUser) -> list[Task]:
    grouped: dict[tuple[int, int], list[TodoItem]] = {}
    for item in appraiser_todo(user):
        grouped.setdefault((item.campaign_unit.pk, item.round.pk), []).append(item)
    now = timezone.now()
    tasks = []
    for items in grouped.values():
        first = items[0]
        supplemented = sum(1 for item in items if item.reason == "supplemented")
        detail = ngettext(
            "Còn %(count)d tiêu chí chưa chấm.", "Còn %(count)d tiêu chí chưa chấm.", len(items)
        ) % {"count": len(items)}
        if supplemented:
            detail += " " + ngettext(
                "%(count)d tiêu chí đơn vị đã bổ sung, cần xem lại.",
                "%(count)d tiêu chí đơn vị đã bổ sung, cần xem lại.",
                supplemented,
            ) % {"count": supplemented}
        tasks.append(
            Task(
                gettext("Chấm vòng %(number)d: %(unit)s — %(campaign)s")
                % {
                    "number": first.round.number,
                    "unit": first.unit.name,
                    "campaign": first.campaign.title,
                },
                sheet_url(first.campaign_unit, first.round.number),
                detail,
                first.round.appraisal_due,
                deadline_passed(first.round.appraisal_due, now),
            )
        )
    return tasks


def _chair(user: AnyUser) -> list[Task]:
    now = timezone.now()
    tasks = []
    for step in chair_steps(user):
        if step.round is None:
            detail = gettext("Chưa có vòng thẩm định: Sở chủ trì đặt hạn các vòng trước.")
        elif step.blocked:
            detail = gettext("Vòng %(number)d (%(state)s). Chưa thể %(move)s: %(reason)s") % {
                "number": step.round.number,
                "state": step.round_label.lower(),
                "move": step.move_label.lower(),
                "reason": step.blocked,
            }
        else:
            detail = gettext("Vòng %(number)d (%(state)s). Bước tiếp theo: %(move)s.") % {
                "number": step.round.number,
                "state": step.round_label.lower(),
                "move": step.move_label.lower(),
            }
        tasks.append(
            Task(
                gettext("Điều hành thẩm định: %(campaign)s") % {"campaign": step.campaign.title},
                reverse("appraisals:dashboard", args=[step.campaign.pk]),
                detail,
                step.due,
                deadline_passed(step.due, now),
            )
        )
    return tasks


def _chair_finalized(user: User) -> list[Task]:
    """The campaigns whose results the chair's team finalized: the next step is the
    office's, publishing them (one query)."""
    finalized = TeamMember.objects.filter(
        user=user, chair=True, campaign__state=CampaignState.FINALIZED, campaign__historic=False
    ).select_related("campaign")
    return [
        Task(
            gettext("Đã chốt kết quả: %(campaign)s") % {"campaign": member.campaign.title},
            reverse("appraisals:dashboard", args=[member.campaign.pk]),
            gettext("Tổ thẩm định đã xong việc. Bước tiếp theo: Sở chủ trì công bố kết quả."),
        )
        for member in finalized
    ]


def _campaigns(provinces: set[int]) -> list[Campaign]:
    return list(
        Campaign.objects.filter(province_id__in=provinces, historic=False).order_by(
            "-year", "title"
        )
    )


def _counts_text(progress: CampaignProgress) -> str:
    parts = [
        f"{SUBMISSION_STATE_LABELS[state]}: {progress.counts.get(state, 0)}"
        for state in SubmissionState
    ]
    return " · ".join(parts)


def _office(provinces: set[int]) -> list[Task]:
    now = timezone.now()
    tasks = []
    for progress in campaigns_progress(_campaigns(provinces)):
        campaign = progress.campaign
        url = reverse("campaigns:detail", args=[campaign.pk])
        lines = []
        if progress.late:
            lines.append(
                ngettext(
                    "%(count)d đơn vị trễ hạn chưa gửi.",
                    "%(count)d đơn vị trễ hạn chưa gửi.",
                    progress.late,
                )
                % {"count": progress.late}
            )
            url += "?tre_han=1#tien-do"
        if progress.waiting_approval:
            lines.append(
                ngettext(
                    "%(count)d bản chờ thủ trưởng phê duyệt.",
                    "%(count)d bản chờ thủ trưởng phê duyệt.",
                    progress.waiting_approval,
                )
                % {"count": progress.waiting_approval}
            )
        state = CAMPAIGN_STATE_LABELS[CampaignState(campaign.state)]
        lines.append(f"{state}. {_counts_text(progress)}")
        deadline = campaign.self_assessment_deadline
        tasks.append(
            Task(
                campaign.title,
                url,
                " ".join(lines),
                deadline if campaign.state == CampaignState.OPEN else None,
                bool(progress.late) and deadline_passed(deadline, now),
            )
        )
    return tasks


def _to_publish(provinces: set[int]) -> list[Task]:
    """Results finalized (or imported from a past year) that nobody can see yet: the
    office's next step is to publish them (one query)."""
    finalized = Campaign.objects.filter(
        province_id__in=provinces, state=CampaignState.FINALIZED
    ).exclude(pk__in=_pending().values("campaign_id"))
    return [
        Task(
            gettext("Công bố kết quả: %(campaign)s") % {"campaign": campaign.title},
            reverse("publication:manage", args=[campaign.pk]),
            gettext("Kết quả đã chốt nhưng chưa công bố: người dân chưa xem được."),
        )
        for campaign in finalized.order_by("-year", "title")
    ]


def _certificates_to_confirm(provinces: set[int]) -> list[Task]:
    """Certificates the province's people signed with, waiting for the office to say
    whose they are: until then their signatures are refused (one query)."""
    return [
        Task(
            gettext("Xác nhận chứng thư số: %(count)s chứng thư chờ") % {"count": count},
            reverse("signatures:province", args=[code]),
            gettext("Người ký đang chờ: xác nhận chứng thư là của họ, hoặc từ chối kèm lý do."),
        )
        for code, count in claims_waiting(provinces).values()
    ]


def _pending() -> QuerySet[Version]:
    return Version.objects.filter(published_at__isnull=True, refused_at__isnull=True)


def _to_approve(provinces: set[int]) -> list[Task]:
    """Requests to publish waiting for leadership (one query)."""
    pending = _pending().filter(campaign__province_id__in=provinces).select_related("campaign")
    return [
        Task(
            gettext("Phê duyệt công bố: %(campaign)s") % {"campaign": version.campaign.title},
            reverse("publication:manage", args=[version.campaign_id]),
            gettext("Sở chủ trì đề nghị công bố kết quả; xem rồi phê duyệt hoặc trả lại."),
        )
        for version in pending.order_by("requested_at")
    ]


def _leaders(provinces: set[int]) -> list[Task]:
    campaigns = [c for c in _campaigns(provinces) if c.state != CampaignState.DRAFT]
    tasks = []
    for progress in campaigns_progress(campaigns):
        campaign = progress.campaign
        state = CAMPAIGN_STATE_LABELS[CampaignState(campaign.state)]
        if campaign.state in RESULT_STATES:
            detail = gettext("%(state)s: xem bảng xếp hạng và tải báo cáo.") % {"state": state}
        else:
            detail = f"{state}. {_counts_text(progress)}"
        deadline = campaign.self_assessment_deadline
        tasks.append(
            Task(
                campaign.title,
                reverse("campaigns:detail", args=[campaign.pk]),
                detail,
                deadline if campaign.state == CampaignState.OPEN else None,
            )
        )
    return tasks
