"""The scoring sheet of one unit in one round, laid out like the self-assessment page (it
is built by portal.assessments.sheet.build_sheet, so each rule has the same inputs), with
per criterion: the self value and points, what the unit declares this round (after its
supplements) with its reply, the earlier rounds' values and remarks, the evidence with this
round's verdicts, and, where the person may appraise it, the appraised value, remark and
supplement request. Built from plain data; no queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from dti.framework.model import Framework, Node, Source
from portal.answers import AnswerValue, Conflict, answer_label
from portal.appraisals.forms import (
    SheetForm,
    confirm_field,
    due_field,
    request_field,
    supplement_field,
)
from portal.appraisals.models import Appraisal, EvidenceVerdict, Response, Verdict
from portal.appraisals.posted import canonical_appraisal, canonical_verdict
from portal.appraisals.values import Trail
from portal.assessments.models import Answer, Evidence
from portal.assessments.sheet import CriterionView, IndexView, SheetData, build_sheet
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import AppraisalRound
from portal.frameworks.scoring import LiveScore, points_text
from portal.indicators.models import SystemValue


@dataclass(frozen=True)
class Earlier:
    """What happened to a criterion in an earlier round: the team's value, the unit's answer."""

    number: int
    appraisal: Appraisal | None
    value: str
    response: Response | None
    response_value: str


@dataclass
class EvidenceRow:
    item: Evidence
    verdict: EvidenceVerdict | None  # this round's
    earlier: list[EvidenceVerdict]
    editable: bool
    choice: str = ""
    note: str = ""
    version: int = 0
    loaded: str = ""
    conflict: Conflict | None = None
    error: str = ""


@dataclass
class AppraisalRow:
    view: CriterionView  # inputs, remark (the note field), version, loaded, appraised points
    editable: bool
    self_value: str
    self_points: str
    declared: str
    supplemented: bool  # the unit declares a value other than its self-assessment
    reply: Response | None  # the unit's latest answer to an earlier round
    earlier: list[Earlier]
    current: Appraisal | None  # this round's row
    evidence: list[EvidenceRow] = field(default_factory=list)
    requested: bool = False
    request: str = ""
    due: str = ""
    due_error: str = ""
    request_error: str = ""
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetInput:
    framework: Framework
    trail: Trail
    round: AppraisalRound
    rounds: list[AppraisalRound]
    evidence: Mapping[str, list[Evidence]]
    verdicts: Mapping[int, list[EvidenceVerdict]]  # evidence id -> verdicts, every round
    live: LiveScore  # the round's values (with what the page posted)
    self_live: LiveScore
    editable: set[str]  # criteria the viewer may write now
    form: SheetForm | None = None
    conflicts: Mapping[str, Conflict] = field(default_factory=dict)
    verdict_conflicts: Mapping[int, Conflict] = field(default_factory=dict)


def prefill(trail: Trail, code: str, number: int) -> tuple[AnswerValue, str]:
    """The value and remark the sheet shows: this round's, else the latest earlier round's
    (the value that counts now), else what the unit declares."""
    for earlier in reversed(trail.rounds):
        row = trail.appraisals.get((earlier, code))
        if earlier <= number and row is not None and row.value is not None:
            return row.value, row.remark
    return trail.declared(code, number), ""


def build(data: SheetInput) -> list[tuple[IndexView, list[AppraisalRow | CriterionView]]]:
    number = data.round.number
    shown = {}
    for leaf in data.framework.leaves:
        value, remark = prefill(data.trail, leaf.code, number)
        current = data.trail.scored_in(leaf.code, number)
        shown[leaf.code] = Answer(
            criterion=leaf.code,
            value=value,
            note=current.remark if current else remark,
            version=current.version if current else 0,
        )
    # The self-assessment's sheet shows a system-sourced leaf's imported value: here it
    # shows the value that counts in the round, like every other leaf.
    system = {
        leaf.code: SystemValue(criterion=leaf.code, value=shown[leaf.code].value)
        for leaf in data.framework.leaves
        if leaf.source is Source.SYSTEM
    }
    sheet = SheetData(
        data.framework,
        shown,
        {},
        data.live,
        editable=True,
        form=data.form.answers if data.form else None,
        conflicts=data.conflicts,
        system=system,
    )
    return [
        (index, [_row(data, view) if view.node.is_leaf else view for view in index.rows])
        for index in build_sheet(sheet)
    ]


def _row(data: SheetInput, view: CriterionView) -> AppraisalRow:
    node, trail, number = view.node, data.trail, data.round.number
    code = node.code
    current = trail.scored_in(code, number)
    declared = trail.declared(code, number)
    row = AppraisalRow(
        view=view,
        editable=code in data.editable and view.applies,
        self_value=answer_label(node, trail.answers.get(code)),
        self_points=points_text(data.self_live.scores.get(code, Decimal(0))),
        declared=answer_label(node, declared),
        supplemented=any(
            r is not None and r.value is not None
            for r in (trail.responses.get((n, code)) for n in trail.rounds if n < number)
        ),
        reply=_reply(trail, code, number),
        earlier=_earlier(node, trail, number),
        current=current,
    )
    if node.source is Source.SYSTEM:  # the self-assessment's label says "read only"
        view.source_text = gettext("Lấy từ hệ thống dùng chung; tổ chấm lại phải ghi rõ lý do")
    _supplement(data, row, current)
    if data.form is None or code not in data.form.cleaned or code in data.conflicts:
        # What the page shows as stored: a save writes only what the person changes.
        shown = view.answer
        assert shown is not None
        row.view.loaded = canonical_appraisal(
            shown.value,
            shown.note,
            bool(current and current.supplement_requested),
            current.supplement_request if current else "",
            current.supplement_due if current else None,
        )
    row.evidence = [_evidence(data, row, item) for item in data.evidence.get(code, [])]
    row.names = {
        "supplement": supplement_field(code),
        "request": request_field(code),
        "due": due_field(code),
        "confirm": confirm_field(code),
    }
    return row


def _supplement(data: SheetInput, row: AppraisalRow, current: Appraisal | None) -> None:
    code = row.view.node.code
    if data.form is not None and code in data.form.cleaned:
        row.requested = data.form.text(supplement_field(code)) in ("on", "1", "yes")
        row.request = data.form.text(request_field(code))
        row.due = data.form.text(due_field(code))
        row.due_error = data.form.errors.get(due_field(code), "")
        row.request_error = data.form.errors.get(request_field(code), "")
    elif current is not None:
        row.requested, row.request = current.supplement_requested, current.supplement_request
        row.due = format_deadline(current.supplement_due)


def _reply(trail: Trail, code: str, number: int) -> Response | None:
    for earlier in reversed(trail.rounds):
        response = trail.responses.get((earlier, code))
        if earlier < number and response is not None:
            return response
    return None


def _earlier(node: Node, trail: Trail, number: int) -> list[Earlier]:
    found = []
    for earlier in trail.rounds:
        if earlier >= number:
            break
        appraisal = trail.appraisals.get((earlier, node.code))
        response = trail.responses.get((earlier, node.code))
        if appraisal is None and response is None:
            continue
        value = appraisal.value if appraisal else None
        answered = response.value if response else None
        found.append(
            Earlier(
                earlier,
                appraisal,
                answer_label(node, value) if value is not None else "",
                response,
                answer_label(node, answered) if answered is not None else "",
            )
        )
    return found


def judged_in(item: Evidence, number: int) -> bool:
    """Evidence filed with the self-assessment, or supplemented in an earlier round."""
    return item.round is None or item.round.number < number


def _evidence(data: SheetInput, row: AppraisalRow, item: Evidence) -> EvidenceRow:
    number = data.round.number
    verdicts = data.verdicts.get(item.pk, [])
    current = next((v for v in verdicts if v.round.number == number), None)
    evidence = EvidenceRow(
        item=item,
        verdict=current,
        earlier=[v for v in verdicts if v.round.number < number],
        editable=row.editable and judged_in(item, number),
    )
    evidence.choice = current.verdict if current else ""
    evidence.note = current.note if current else ""
    evidence.version = current.version if current else 0
    evidence.loaded = canonical_verdict(evidence.choice, evidence.note)
    evidence.conflict = data.verdict_conflicts.get(item.pk)
    form = data.form
    if form is not None and item.pk in form.verdicts:
        posted = form.verdicts[item.pk]
        evidence.choice, evidence.note = posted.verdict, posted.note
        evidence.error = form.errors.get(f"verdict:{item.pk}", "") or form.errors.get(
            f"verdict_note:{item.pk}", ""
        )
        if evidence.conflict is None:
            evidence.version, evidence.loaded = posted.version, posted.loaded
    return evidence


VERDICT_CHOICES = [(value, label) for value, label in Verdict.choices]
