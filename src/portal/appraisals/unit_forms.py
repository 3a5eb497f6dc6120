"""Reading a unit's responses to a returned round: every open criterion's reply in one form
(`RepliesForm`), each read by `ResponseForm`.

The new value is typed into the very inputs of the self-assessment page and read by its
AnswersForm (portal.assessments.forms): the same names, the same Vietnamese numbers, the same
messages; only the kind of response, the reply and the version loaded are read here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from dti.framework.model import Framework, Node, Source
from portal.answers import AnswerValue
from portal.appraisals.models import ResponseKind
from portal.appraisals.posted import REPLY_MAX_LENGTH, PostedResponse
from portal.appraisals.unit_selectors import UnitResults
from portal.assessments.forms import AnswersForm, version_field
from portal.assessments.models import Answer
from portal.assessments.sheet import InputView, SheetData, build_sheet
from portal.form_text import control_character_message
from portal.frameworks.scoring import LiveScore


def kind_field(code: str) -> str:
    return f"kind:{code}"


def reply_field(code: str) -> str:
    return f"reply:{code}"


class ResponseForm:
    """One criterion's response as posted by its form on the results page."""

    def __init__(self, leaf: Node, data: Mapping[str, str], *, kind: str = ""):
        code = leaf.code
        self.leaf, self.data = leaf, data
        self.errors: dict[str, str] = {}
        version = str(data.get(version_field(code), "") or "0")
        # One value per name (a QueryDict unpacked with ** would give lists); AnswersForm
        # reads a leaf only when the page carried its version field.
        flat = {name: str(data.get(name, "")) for name in data}
        self.answers = AnswersForm([leaf], {**flat, version_field(code): version})
        kind = kind or str(data.get(kind_field(code), ""))
        self.kind = kind
        if kind not in ResponseKind.values:
            self.errors[kind_field(code)] = gettext(
                "Chọn “Đồng ý” hoặc “Giải trình, bổ sung” cho tiêu chí này."
            )
        value = None
        if kind == ResponseKind.SUPPLEMENT and leaf.source is not Source.SYSTEM:
            self.errors.update(self.answers.errors)
            value = self.answers.cleaned[code].value
        reply = str(data.get(reply_field(code), "")).strip()
        if len(reply) > REPLY_MAX_LENGTH:
            self.errors[reply_field(code)] = gettext(
                "Giải trình dài %(length)s ký tự, tối đa %(max)s."
            ) % {"length": len(reply), "max": REPLY_MAX_LENGTH}
        if (refused := control_character_message(reply)) is not None:
            self.errors[reply_field(code)] = refused
        self.cleaned = PostedResponse(
            code, kind, value, reply, int(version) if version.isdigit() else 0
        )

    def is_valid(self) -> bool:
        return not self.errors

    def text(self, name: str) -> str:
        return str(self.data.get(name, ""))


def touched(leaf: Node, data: Mapping[str, str]) -> bool:
    """Whether the page carries anything of this criterion's reply: a kind, a reply, a value."""
    prefix, code = "value:", leaf.code
    values = (
        str(v) for name, v in data.items() if name.startswith(prefix) and name.split(":")[1] == code
    )
    return bool(
        str(data.get(kind_field(code), "")) or str(data.get(reply_field(code), "")).strip()
    ) or any(v.strip() for v in values)


class RepliesForm:
    """Every open criterion's reply, posted by the results page's one form. A criterion left
    untouched is not answered; with `confirm_all` ("Xác nhận tất cả") every criterion whose
    kind is not chosen is agreed to, and those chosen keep their choice."""

    def __init__(self, leaves: list[Node], data: Mapping[str, str], *, confirm_all: bool):
        self.rows: dict[str, ResponseForm] = {}
        for leaf in leaves:
            chosen = str(data.get(kind_field(leaf.code), ""))
            if confirm_all and not chosen:
                self.rows[leaf.code] = ResponseForm(leaf, data, kind=ResponseKind.CONFIRM)
            elif touched(leaf, data):
                self.rows[leaf.code] = ResponseForm(leaf, data)
        self.errors = {code: row.errors for code, row in self.rows.items() if row.errors}

    def is_valid(self) -> bool:
        return not self.errors

    def cleaned(self) -> list[PostedResponse]:
        return [row.cleaned for row in self.rows.values()]


def response_inputs(
    framework: Framework, values: Mapping[str, AnswerValue], bound: AnswersForm | None = None
) -> dict[str, list[InputView]]:
    """Every leaf's value inputs, built by the self-assessment's sheet: the same widgets per
    rule and the same formatting of stored values. `values`: what to show in them; `bound`:
    a posted form to show again as typed, with its errors."""
    answers = {code: Answer(criterion=code, value=value) for code, value in values.items()}
    data = SheetData(
        framework,
        answers,
        {},
        LiveScore(),
        editable=True,
        form=bound,
    )
    return {
        row.node.code: row.inputs
        for index in build_sheet(data)
        for row in index.rows
        if row.node.is_leaf
    }


@dataclass
class RowForm:
    """What one criterion's response form shows: the stored response, or what was posted
    (with its errors), or — after a conflict — what was posted beside the other person's
    response, carrying their version so that a second press overwrites on purpose."""

    kind: str
    reply: str
    version: int
    inputs: list[InputView]
    errors: dict[str, str]
    conflict: Any = None  # responses.ResponseConflict
    refused: str = ""  # why the service refused this reply (a deadline passed, a bad value)


def attach_forms(
    results: UnitResults,
    bound: RepliesForm | None = None,
    refused: Any = None,  # responses.ResponsesRefused: errors and conflicts by criterion
) -> None:
    """Give every row the reporter may answer now its reply's fields: what is stored, or —
    after a refused save — what was typed, every row of it, with its error or conflict."""
    rows = [row for index in results.indices for row in index.rows if row.open]
    stored = {row.node.code: row.response.value if row.response else None for row in rows}
    typed = [form.answers for form in bound.rows.values()] if bound is not None else []
    inputs = response_inputs(results.framework, stored)
    for answers in typed:  # each row's inputs as typed, with its own errors
        inputs.update(
            {
                code: views
                for code, views in response_inputs(results.framework, stored, answers).items()
                if code in answers.cleaned
            }
        )
    for row in rows:
        code, response = row.node.code, row.response
        form = RowForm(
            response.kind if response else "",
            response.reply if response else "",
            response.version if response else 0,
            inputs.get(code, []),
            {},
        )
        posted = bound.rows.get(code) if bound is not None else None
        if posted is not None:
            conflict = refused.conflicts.get(code) if refused is not None else None
            form.kind, form.reply = posted.kind, posted.text(reply_field(code))
            form.errors, form.conflict = posted.errors, conflict
            form.refused = refused.errors.get(code, "") if refused is not None else ""
            if conflict is None:
                form.version = posted.cleaned.version
        row.form = form
