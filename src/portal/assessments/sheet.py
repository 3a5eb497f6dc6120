"""The self-assessment page laid out for one unit: per main index, its components and
criteria, each leaf with the inputs its rule needs, its guidance, rule in plain Vietnamese,
note, evidence, self-score and any error or conflict. Built from plain data; no queries."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy

from dti.framework.describe import describe_rule, formula_text
from dti.framework.model import (
    ChoiceRule,
    FormulaRule,
    Framework,
    Node,
    Source,
    YesNoRule,
)
from portal.answers import AnswerValue, Conflict, display_text, loaded_mark
from portal.assessments.forms import (
    AnswersForm,
    loaded_field,
    note_field,
    value_field,
    version_field,
)
from portal.assessments.models import Answer, Evidence
from portal.assessments.uploads import CriterionNotice
from portal.frameworks.scoring import IndexScore, LiveScore, points_text
from portal.indicators.models import SystemValue
from portal.indicators.selectors import value_label

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

SOURCE_LABELS = {
    Source.UNIT: gettext_lazy("Đơn vị kê khai"),
    Source.SYSTEM: gettext_lazy("Lấy từ hệ thống dùng chung (chỉ xem)"),
    Source.APPRAISERS: gettext_lazy("Tổ thẩm định chấm; đơn vị tự chấm trước"),
}


@dataclass(frozen=True)
class InputView:
    name: str
    label: str
    text: str
    error: str
    kind: str  # number, whole, yes_no, choice
    options: tuple[tuple[str, str], ...] = ()
    suffix: str = ""


@dataclass
class CriterionView:
    node: Node
    depth: int
    applies: bool = True
    editable: bool = False
    rule_text: str = ""
    formula: str = ""  # a formula rule's expression, for the page's technical details
    source_text: _StrOrPromise = ""
    inputs: list[InputView] = field(default_factory=list)
    note_name: str = ""
    note: str = ""
    note_error: str = ""
    version_name: str = ""
    version: int = 0
    loaded: str = ""
    answer: Answer | None = None
    evidence: list[Evidence] = field(default_factory=list)
    score: str = ""
    max: str = ""
    problem: str = ""
    conflict: Conflict | None = None
    system: SystemValue | None = None  # a system-sourced leaf's imported value, read-only
    system_label: str = ""
    notice: CriterionNotice | None = None  # the outcome of an evidence upload, link or delete


@dataclass
class IndexView:
    node: Node
    progress: IndexScore
    rows: list[CriterionView]

    @property
    def score(self) -> str:
        return points_text(self.progress.score)

    @property
    def max(self) -> str:
        return points_text(self.progress.max)


@dataclass(frozen=True)
class SheetData:
    framework: Framework
    answers: Mapping[str, Answer]
    evidence: Mapping[str, list[Evidence]]
    live: LiveScore
    editable: bool
    form: AnswersForm | None = None
    conflicts: Mapping[str, Conflict] = field(default_factory=dict)
    system: Mapping[str, SystemValue] = field(default_factory=dict)  # by criterion code
    notices: Mapping[str, CriterionNotice] = field(default_factory=dict)  # by criterion code


def build_sheet(data: SheetData) -> list[IndexView]:
    by_code = {score.code: score for score in data.live.indices}
    return [
        IndexView(index, by_code.get(index.code) or _unscored(index), _rows(data, index))
        for index in data.framework.main_indices
    ]


def _unscored(index: Node) -> IndexScore:
    """An index of a unit the core could not score (the page says why)."""
    return IndexScore(index.code, index.name, Decimal(0), index.max, 0, 0)


def _rows(data: SheetData, index: Node) -> list[CriterionView]:
    rows = []
    for node, depth in _walk(index, 0):
        if node is index:
            continue
        row = CriterionView(node=node, depth=depth)
        row.applies = data.live.applies.get(node.code, True)
        row.score = points_text(data.live.scores.get(node.code, Decimal(0)))
        row.max = points_text(node.max)
        if node.is_leaf:
            _leaf(data, row)
        rows.append(row)
    return rows


def _walk(node: Node, depth: int) -> Iterator[tuple[Node, int]]:
    yield node, depth
    for child in node.children:
        yield from _walk(child, depth + 1)


def _leaf(data: SheetData, row: CriterionView) -> None:
    node, form = row.node, data.form
    answer = data.answers.get(node.code)
    row.answer = answer
    row.editable = data.editable and row.applies and node.source is not Source.SYSTEM
    row.rule_text = describe_rule(node.rule, node.max)
    row.formula = formula_text(node.rule) if isinstance(node.rule, FormulaRule) else ""
    row.source_text = SOURCE_LABELS[node.source]
    row.evidence = data.evidence.get(node.code, [])
    row.notice = data.notices.get(node.code)
    row.problem = data.live.problems.get(node.code, "")
    row.note_name, row.version_name = note_field(node.code), version_field(node.code)
    stored_value = answer.value if answer else None
    if node.source is Source.SYSTEM:  # the unit sees the imported value, never edits it
        row.system = data.system.get(node.code)
        stored_value = row.system.value if row.system else None
        row.system_label = value_label(node, stored_value) if row.system else ""
    row.note = answer.note if answer else ""
    row.version = answer.version if answer else 0
    row.loaded = loaded_mark(stored_value, row.note)
    bound = form is not None and node.code in form.cleaned
    if bound:
        assert form is not None
        row.note = form.text(row.note_name)
        row.note_error = form.errors.get(row.note_name, "")
        posted = form.cleaned[node.code]
        row.conflict = data.conflicts.get(node.code)
        if row.conflict is None:  # keep what the page had loaded, so the save can be retried
            row.version, row.loaded = posted.version, form.text(loaded_field(node.code))
    row.inputs = _inputs(node, stored_value, form if bound else None)


def _inputs(node: Node, value: AnswerValue, form: AnswersForm | None) -> list[InputView]:
    def view(
        name: str,
        label: str,
        text: str,
        kind: str,
        options: tuple[tuple[str, str], ...] = (),
        suffix: str = "",
    ) -> InputView:
        if form is not None:
            text, error = form.text(name), form.errors.get(name, "")
        else:
            error = ""
        return InputView(name, label, text, error, kind, options, suffix)

    rule = node.rule
    if isinstance(rule, FormulaRule):
        return [
            view(value_field(node.code, name), label, display_text(node, value, name), "number")
            for name, label in ((name, rule.label(name)) for name in rule.inputs)
        ]
    text = display_text(node, value)
    name = value_field(node.code)
    if isinstance(rule, YesNoRule):
        options: tuple[tuple[str, str], ...] = (("yes", gettext("Có")), ("no", gettext("Không")))
        return [view(name, gettext("Trả lời"), text, "yes_no", options=options)]
    if isinstance(rule, ChoiceRule):
        options = tuple((o.value, o.label) for o in rule.options)
        return [view(name, gettext("Mức đạt được"), text, "choice", options=options)]
    labels = {
        "entered": (gettext("Điểm tự chấm"), gettext("điểm"), "number"),
        "count": (gettext("Số lượng"), node.measure, "whole"),
        "ratio": (gettext("Tỷ lệ"), node.measure or "%", "number"),
        "bands": (gettext("Tỷ lệ"), node.measure or "%", "number"),
    }
    label, suffix, kind = labels[rule.type]
    return [view(name, label, text, kind, suffix=suffix)]
