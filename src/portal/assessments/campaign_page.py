"""What a campaign's page shows to one viewer, read in a fixed number of queries: levels and
their frameworks, deadlines, the units in scope with their self-assessment progress, the
office's dashboard (not started, in progress, submitted, approved, late), extensions,
results imported from a published table with what the audit found in it, last year's
results, and the log of changes. Reporters and approvers see the progress of their own
units only; anonymous visitors of a published campaign see no progress at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dti.names import loose_label
from portal.assessments.models import Answer, Evidence, Submission, SubmissionEvent
from portal.assessments.progress_query import (
    LATE,
    PAGE_SIZE,
    SORTS,
    STATE_ORDER,
    ProgressQuery,
    progress_query,
)
from portal.campaigns.deadlines import is_late
from portal.campaigns.models import (
    AppraisalRound,
    Campaign,
    CampaignEvent,
    CampaignLevel,
    CampaignUnit,
)
from portal.campaigns.permissions import Viewer
from portal.campaigns.selectors import (
    GroupChoice,
    PreviousResult,
    number_vi,
    peer_groups,
    previous_results,
)
from portal.workflow import (
    ACTION_LABELS,
    CAMPAIGN_STATE_LABELS,
    SUBMISSION_STATE_LABELS,
    CampaignState,
    Machine,
    SubmissionState,
    actions_for,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

__all__ = ["DASHBOARD_GROUPS", "CampaignPage", "ProgressQuery", "campaign_page", "progress_query"]

S = SubmissionState
DASHBOARD_GROUPS = [
    (S.NOT_STARTED, SUBMISSION_STATE_LABELS[S.NOT_STARTED]),
    (S.DRAFT, SUBMISSION_STATE_LABELS[S.DRAFT]),
    (S.SUBMITTED, SUBMISSION_STATE_LABELS[S.SUBMITTED]),
    (S.APPROVED, SUBMISSION_STATE_LABELS[S.APPROVED]),
    (LATE, gettext_lazy("Quá hạn")),
]
EVENTS_SHOWN = 50
NAMES_SHOWN = 20  # units named under each state of the office's dashboard; the table has all


@dataclass(frozen=True)
class Result:
    """A published result, as imported: numbers already written the Vietnamese way."""

    rank: int | None
    total: str
    applicable_max: str
    value: str
    class_label: str


@dataclass(frozen=True)
class UnitRow:
    campaign_unit: CampaignUnit
    progress_shown: bool  # False: the viewer may not see this unit's self-assessment
    state: str
    state_label: _StrOrPromise
    deadline: datetime | None
    late: bool
    last_change: datetime | None
    result: Result | None
    previous: list[PreviousResult]


@dataclass
class LevelView:
    level: CampaignLevel
    framework_url: str
    rows: list[UnitRow] = field(default_factory=list)  # those the search and filters keep
    total: int = 0  # the level's units in scope, before the search and filters
    page: int = 1  # the page of `rows` shown, PAGE_SIZE a page
    query: ProgressQuery = field(default_factory=ProgressQuery)  # for the pages' links

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.rows) // PAGE_SIZE))

    @property
    def number(self) -> int:
        """The page shown: one asked for past the end shows the last."""
        return min(self.page, self.pages)

    @property
    def page_rows(self) -> list[UnitRow]:
        start = (self.number - 1) * PAGE_SIZE
        return self.rows[start : start + PAGE_SIZE]

    @property
    def first(self) -> int:  # the position of the page's first row, from 1
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.page_rows) - 1 if self.rows else 0

    @property
    def prev_params(self) -> str:
        return self.query.page_params(self.level.level, self.number - 1)

    @property
    def next_params(self) -> str:
        return self.query.page_params(self.level.level, self.number + 1)


def _keeps(row: UnitRow, query: ProgressQuery, groups: dict[int, set[str]]) -> bool:
    campaign_unit = row.campaign_unit
    if query.text and loose_label(query.text) not in loose_label(campaign_unit.unit.name):
        return False
    if query.level and campaign_unit.level != query.level:
        return False
    if query.group and query.group not in groups.get(campaign_unit.pk, set()):
        return False
    if (query.state == LATE or query.late) and not row.late:
        return False
    return not (query.state and query.state != LATE and row.state != query.state)


def _sort_key(sort: str) -> Callable[[UnitRow], tuple[object, ...]]:
    def name(row: UnitRow) -> tuple[object, ...]:
        return (loose_label(row.campaign_unit.unit.name),)

    def state(row: UnitRow) -> tuple[object, ...]:
        return (not row.late, STATE_ORDER.get(SubmissionState(row.state), 0), *name(row))

    def score(row: UnitRow) -> tuple[object, ...]:
        value = row.campaign_unit.historic_result.value if row.result else None
        return (value is None, -(value or 0), *name(row))

    return {"ten": name, "trang-thai": state, "diem": score}[sort]


@dataclass(frozen=True)
class DashboardGroup:
    key: str
    label: _StrOrPromise
    rows: list[UnitRow]

    @property
    def named(self) -> list[UnitRow]:
        """The first units of the state, by name on the dashboard; the rest are counted,
        with a link to the table filtered to them."""
        return self.rows[:NAMES_SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.rows) - NAMES_SHOWN)

    @property
    def filter_params(self) -> str:
        if self.key == LATE:
            return ProgressQuery(late=True).params()
        return ProgressQuery(state=self.key).params()


@dataclass
class CampaignPage:
    campaign: Campaign
    state_label: _StrOrPromise
    levels: list[LevelView]
    rounds: list[AppraisalRound]
    extensions: list[UnitRow]
    dashboard: list[DashboardGroup] | None
    events: list[CampaignEvent] | None
    actions: list[tuple[str, _StrOrPromise]]
    editable: bool  # the office admin's forms and buttons
    removable: bool  # units may still leave the scope (draft)
    shows_progress: bool
    has_previous: bool  # some unit has a result of the year before to compare with
    has_results: bool  # some unit has a computed result: the campaign has a report
    # The appraisal's page (rounds, team, finalization by the team chair): "" when the
    # viewer does not see it from here.
    appraisal_url: str = ""
    query: ProgressQuery = field(default_factory=ProgressQuery)
    groups: list[GroupChoice] = field(default_factory=list)  # peer groups to filter by
    shown: int = 0  # units the search and filters keep
    total: int = 0
    bulk: bool = False  # the office's bulk actions on the units (open campaign)
    exports: bool = False  # the office downloads the progress table

    @property
    def paged(self) -> bool:
        """Some level's table has more than one page."""
        return any(view.pages > 1 for view in self.levels)

    @property
    def sorts(self) -> dict[str, object]:
        return dict(SORTS)

    @property
    def state_choices(self) -> list[tuple[str, _StrOrPromise]]:
        return list(DASHBOARD_GROUPS)


def campaign_page(
    campaign: Campaign, viewer: Viewer, query: ProgressQuery | None = None
) -> CampaignPage:
    query = query or ProgressQuery()
    levels = [
        LevelView(level, framework_url(level.framework_id))
        for level in campaign.levels.select_related("framework").order_by("level")
    ]
    rows = _unit_rows(campaign, viewer)
    if any(row.result for row in rows):  # a ranking (published, or finalized) reads in rank order
        rows.sort(key=_rank_order)
    office = viewer.sees_all_units and viewer.is_member
    groups, members = (
        peer_groups([view.level for view in levels], [row.campaign_unit for row in rows])
        if office or query.group
        else ([], {})
    )
    shown = [row for row in rows if _keeps(row, query, members)]
    if query.sort:
        shown.sort(key=_sort_key(query.sort))
    by_code = {view.level.level: view for view in levels}
    for view in levels:
        view.page, view.query = query.page_of(view.level.level), query
    for row in rows:
        if row.campaign_unit.level in by_code:
            by_code[row.campaign_unit.level].total += 1
    for row in shown:
        if row.campaign_unit.level in by_code:
            by_code[row.campaign_unit.level].rows.append(row)
    return CampaignPage(
        campaign=campaign,
        state_label=CAMPAIGN_STATE_LABELS[CampaignState(campaign.state)],
        levels=levels,
        rounds=list(campaign.rounds.all()),
        extensions=[r for r in rows if r.campaign_unit.extension_until and r.progress_shown],
        dashboard=_dashboard(rows) if office and not campaign.historic else None,
        events=_events(campaign) if office else None,
        actions=_actions(campaign, viewer),
        editable=viewer.is_office_admin and not campaign.historic,
        removable=viewer.is_office_admin and campaign.state == CampaignState.DRAFT,
        shows_progress=viewer.is_member and not campaign.historic,
        has_previous=any(row.previous for row in rows),
        has_results=any(row.result for row in rows),
        appraisal_url=_appraisal_url(campaign, viewer),
        query=query,
        groups=groups,
        shown=len(shown),
        total=len(rows),
        bulk=viewer.is_office_admin and campaign.state == CampaignState.OPEN,
        exports=viewer.is_office_admin and not campaign.historic,
    )


def _rank_order(row: UnitRow) -> tuple[bool, int]:
    rank = row.result.rank if row.result else None
    return (rank is None, rank or 0)


def framework_url(pk: int) -> str:
    """The framework's page; by path while the frameworks app does not name it yet."""
    try:
        return reverse("frameworks:detail", args=[pk])
    except NoReverseMatch:
        return f"/bo-chi-so/{pk}/"


def _campaign_units(campaign: Campaign) -> QuerySet[CampaignUnit]:
    """Units in scope with their submission, result, and the time of their last change."""
    on = {"submission__campaign_unit": OuterRef("pk")}

    def latest(model: type[SubmissionEvent | Answer | Evidence], column: str) -> Subquery:
        return Subquery(model.objects.filter(**on).order_by(f"-{column}").values(column)[:1])

    return (
        campaign.units.select_related("unit", "submission", "historic_result")
        .annotate(
            last_event=latest(SubmissionEvent, "at"),
            last_answer=latest(Answer, "updated_at"),
            last_evidence=latest(Evidence, "uploaded_at"),
        )
        .order_by("level", "unit__name")
    )


def _unit_rows(campaign: Campaign, viewer: Viewer) -> list[UnitRow]:
    campaign_units = list(_campaign_units(campaign))
    previous = previous_results(campaign, [e.unit_id for e in campaign_units])
    now = timezone.now()
    rows = []
    for campaign_unit in campaign_units:
        submission = _submission(campaign_unit)
        state = submission.state if submission else S.NOT_STARTED
        deadline = campaign_unit.extension_until or campaign.self_assessment_deadline
        running = campaign.state != CampaignState.DRAFT and not campaign.historic
        rows.append(
            UnitRow(
                campaign_unit=campaign_unit,
                progress_shown=viewer.sees_unit(campaign_unit.unit_id),
                state=state,
                state_label=SUBMISSION_STATE_LABELS[SubmissionState(state)],
                deadline=deadline,
                late=running and is_late(deadline, state, now),
                last_change=_last_change(campaign_unit, submission),
                result=_result(campaign_unit),
                previous=previous.get(campaign_unit.unit_id, []),
            )
        )
    return rows


def _submission(campaign_unit: CampaignUnit) -> Submission | None:
    try:
        return campaign_unit.submission
    except ObjectDoesNotExist:  # no submission yet: the unit has not started
        return None


def _last_change(campaign_unit: CampaignUnit, submission: Submission | None) -> datetime | None:
    if submission is None:
        return None
    moments = [
        campaign_unit.last_event,  # type: ignore[attr-defined]  # annotated by _campaign_units
        campaign_unit.last_answer,  # type: ignore[attr-defined]  # annotated by _campaign_units
        campaign_unit.last_evidence,  # type: ignore[attr-defined]  # annotated by _campaign_units
        submission.submitted_at,
        submission.approved_at,
    ]
    return max((m for m in moments if m is not None), default=None)


def _result(campaign_unit: CampaignUnit) -> Result | None:
    try:
        result = campaign_unit.historic_result
    except ObjectDoesNotExist:
        return None
    return Result(
        rank=result.rank,
        total=number_vi(result.total),
        applicable_max=number_vi(result.applicable_max),
        value=number_vi(result.value, percent=result.percent),
        class_label=result.class_label,
    )


def _dashboard(rows: list[UnitRow]) -> list[DashboardGroup]:
    return [
        DashboardGroup(key, label, [r for r in rows if (r.late if key == LATE else r.state == key)])
        for key, label in DASHBOARD_GROUPS
    ]


def _events(campaign: Campaign) -> list[CampaignEvent]:
    return list(campaign.events.select_related("actor").order_by("-at", "-pk")[:EVENTS_SHOWN])


def _actions(campaign: Campaign, viewer: Viewer) -> list[tuple[str, _StrOrPromise]]:
    """The moves of the viewer's province roles. "finalize" is never among them: it is the
    appraisal team chair's, on the appraisal's page (`appraisal_url`)."""
    if campaign.historic:
        return []
    names = actions_for(Machine.CAMPAIGN, campaign.state, set(viewer.roles))
    return [(name, ACTION_LABELS[name]) for name in names if name != "finalize"]


def _appraisal_url(campaign: Campaign, viewer: Viewer) -> str:
    if campaign.historic or not viewer.sees_all_units:
        return ""
    return reverse("appraisals:dashboard", args=[campaign.pk])
