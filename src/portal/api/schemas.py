"""The shapes the API answers with (they are also its OpenAPI document). Points are exact
decimals written as JSON strings ("12.5"), never floats; dates are ISO 8601 with offset."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from portal.workflow import CAMPAIGN_STATE_LABELS, CampaignState


class ProvinceOut(Schema):
    code: str
    name: str


class CampaignOut(Schema):
    id: int
    year: int
    title: str
    state: str
    state_label: str
    historic: bool
    province: ProvinceOut

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(CAMPAIGN_STATE_LABELS[CampaignState(obj.state)])  # lazy: the request's language


class FrameworkRef(Schema):
    id: int
    code: str
    name: str
    year: int


class LevelOut(Schema):
    level: str
    name: str
    framework: FrameworkRef


class RoundOut(Schema):
    number: int
    appraisal_due: datetime
    supplement_due: datetime | None


class CampaignDetailOut(CampaignOut):
    source: str
    self_assessment_deadline: datetime | None
    levels: list[LevelOut]
    rounds: list[RoundOut]


class UnitRef(Schema):
    id: int
    code: str
    name: str


class CampaignUnitOut(Schema):
    """A unit in a campaign's scope. The submission state is null for units whose work the
    reader may not see (another unit's reporter, a visitor of a published campaign)."""

    id: int
    unit: UnitRef
    level: str
    previous_class: str
    extension_until: datetime | None
    submission_state: str | None
    submission_state_label: str | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent: UnitRef | None
    attributes: dict[str, Any]
    aliases: list[str]
    active_from: date | None
    active_until: date | None


class NodeOut(Schema):
    code: str
    name: str
    kind: str
    max: Decimal
    weight: Decimal | None
    source: str
    rule: str | None  # leaves only: yes_no, choice, ratio, bands, count, formula, entered
    rule_text: str | None  # leaves only: how it is scored, in plain Vietnamese
    applies_when: str | None
    measure: str
    guidance: str
    children: list[NodeOut]


class FrameworkOut(Schema):
    id: int
    code: str
    name: str
    year: int
    level: str
    source: str
    province: ProvinceOut
    max: Decimal
    document: dict[str, Any]  # as stored: the YAML format of docs/frameworks.md, in JSON
    tree: list[NodeOut]


class AnswerOut(Schema):
    criterion: str
    value: Any
    note: str
    version: int
    updated_by: str
    updated_at: datetime

    @staticmethod
    def resolve_updated_by(obj: Any) -> str:
        return str(obj.updated_by)


class EvidenceOut(Schema):
    """What is known of an evidence file or link; the file itself is served by the portal."""

    id: int
    criterion: str
    url: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime

    @staticmethod
    def resolve_uploaded_by(obj: Any) -> str:
        return str(obj.uploaded_by)


class AnswersOut(Schema):
    campaign_unit: int
    campaign: int
    unit: UnitRef
    submission_state: str
    submission_state_label: str
    answers: list[AnswerOut]
    evidence: list[EvidenceOut]


class ErrorOut(Schema):
    detail: str


# ---- pushing system values (POST /api/indicators) ----------------------------------------


class SystemValueIn(Schema):
    """One value: a unit × a criterion (× a formula input), as in a JSON upload."""

    unit: str  # the unit's code or name
    criterion: str  # a system-sourced criterion of the unit's level framework
    input: str | None = None  # the formula input, for a criterion scored by a formula
    value: bool | int | float | str  # a number, "có"/"không" (yes/no), or an option's key
    measured_at: str  # dd/mm/yyyy [HH:MM] or ISO 8601
    source: str | None = None  # default: the body's source


class SystemValuesIn(Schema):
    campaign: int
    source: str | None = None
    values: list[SystemValueIn]


class ImportedOut(Schema):
    batch: int
    campaign: int
    count: int
    source: str
    at: datetime


class ImportProblemOut(Schema):
    row: int | None  # the item's position in `values`, from 1; null for the body as a whole
    column: str  # the field: unit, criterion, input, value, measured_at, source ("" for none)
    message: str


class ImportErrorOut(Schema):
    detail: str
    errors: list[ImportProblemOut]
