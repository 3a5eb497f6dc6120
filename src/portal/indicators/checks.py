"""Checking imported rows against a campaign: which unit, which criterion of its level's
framework, which formula input, and the value in the shape the criterion's rule takes.
Nothing is written here: the result is the values to write, or every problem, each placed
by file, row and column (ImportRefused)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext

from dti.expressions import ExpressionError
from dti.framework.model import FormulaRule, Framework, Node, Source
from dti.names import NameIndex
from portal.answers import AnswerValue
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit
from portal.frameworks.scoring import applicability, unit_attributes
from portal.indicators.rows import MAX_TEXT, ImportRefused, Problem, Row
from portal.indicators.values import read_input, read_measured_at, read_value
from portal.units.models import Unit

SOURCE_MAX_LENGTH = 200


@dataclass
class PlannedValue:
    """The value one import gives one criterion of one unit (formula inputs gathered)."""

    campaign_unit: CampaignUnit
    leaf: Node
    value: AnswerValue
    measured_at: datetime
    sources: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def source(self) -> str:
        return "; ".join(dict.fromkeys(self.sources))[:SOURCE_MAX_LENGTH]


@dataclass(frozen=True)
class _Checked:
    """One row that passed its own checks."""

    row: Row
    campaign_unit: CampaignUnit
    leaf: Node
    input: str
    value: AnswerValue | str
    measured_at: datetime
    source: str


class CampaignScope:
    """The campaign's units (by code and by name), the province's other units (to say
    "not in this campaign" rather than "unknown"), each level's framework, and which
    criteria apply to which unit: read once per import."""

    def __init__(self, campaign: Campaign):
        campaign_units = list(CampaignUnit.objects.filter(campaign=campaign).select_related("unit"))
        self.campaign_units = {
            campaign_unit.unit_id: campaign_unit for campaign_unit in campaign_units
        }
        units = list(Unit.objects.filter(province_id=campaign.province_id))
        self.by_code = {unit.code.casefold(): unit for unit in units}
        self.by_id = {unit.pk: unit for unit in units}
        self.campaign_names = NameIndex.build(
            (str(e.unit_id), e.unit.name, e.unit.aliases or ()) for e in campaign_units
        )
        self.names = NameIndex.build((str(u.pk), u.name, u.aliases or ()) for u in units)
        levels = CampaignLevel.objects.filter(campaign=campaign).select_related("framework")
        self.frameworks: dict[str, Framework] = {lv.level: lv.framework.build() for lv in levels}
        self._applies: dict[int, dict[str, bool] | None] = {}

    def unit(self, text: str) -> Unit | None:
        found = self.by_code.get(text.casefold())
        if found is not None:
            return found
        key = self.campaign_names.find(text) or self.names.find(text)
        return self.by_id[int(key)] if key is not None else None

    def applies(self, campaign_unit: CampaignUnit) -> dict[str, bool] | None:
        """Whether each criterion applies to the unit; None when its attributes do not say."""
        if campaign_unit.pk not in self._applies:
            try:
                found = applicability(
                    self.frameworks[campaign_unit.level], unit_attributes(campaign_unit.unit)
                )
            except (ExpressionError, ValueError):
                found = None
            self._applies[campaign_unit.pk] = found
        return self._applies[campaign_unit.pk]


def plan_import(campaign: Campaign, rows: Sequence[Row], default_source: str) -> list[PlannedValue]:
    """The values to write, one per unit × criterion, or ImportRefused with every problem."""
    if not rows:
        raise ImportRefused([Problem(gettext("Không có dòng số liệu nào để nhập."))])
    scope = CampaignScope(campaign)
    problems: list[Problem] = []
    # (unit, criterion) of rows that failed: no "missing input" is reported for them.
    failed: set[tuple[int, str]] = set()
    checked = [_check_row(scope, row, default_source, problems, failed) for row in rows]
    planned = _gather([c for c in checked if c is not None], problems, failed)
    if problems:
        raise ImportRefused(problems)
    return planned


def _check_row(
    scope: CampaignScope,
    row: Row,
    default_source: str,
    problems: list[Problem],
    failed_keys: set[tuple[int, str]],
) -> _Checked | None:
    before = len(problems)
    problems.extend(row.problem(key, message) for key, message in row.errors)
    if not row.cells:  # not a row at all (a JSON item that is not an object)
        return None
    failed = {key for key, _ in row.errors}
    campaign_unit = _campaign_unit(scope, row, problems) if "unit" not in failed else None
    leaf = (
        _leaf(scope, row, campaign_unit, problems)
        if campaign_unit and "criterion" not in failed
        else None
    )
    value, input_name = None, ""
    if leaf is not None and "input" not in failed:
        input_name, value = _value(row, leaf, problems)
    measured_at = _measured_at(row, problems) if "measured_at" not in failed else None
    source = _source(row, default_source, problems) if "source" not in failed else ""
    if len(problems) > before or campaign_unit is None or leaf is None or measured_at is None:
        if campaign_unit is not None and leaf is not None:
            failed_keys.add((campaign_unit.pk, leaf.code))
        return None
    return _Checked(row, campaign_unit, leaf, input_name, value, measured_at, source)


def _campaign_unit(scope: CampaignScope, row: Row, problems: list[Problem]) -> CampaignUnit | None:
    text = row.text("unit")[:MAX_TEXT]
    if not text:
        problems.append(row.problem("unit", gettext("không được để trống")))
        return None
    unit = scope.unit(text)
    if unit is None:
        message = gettext("không có đơn vị “%(text)s” trong danh mục của tỉnh") % {"text": text}
        close = scope.campaign_names.suggest(text) or scope.names.suggest(text)
        if close:
            message += gettext(" (có phải: %(names)s?)") % {"names": "; ".join(close)}
        problems.append(row.problem("unit", message))
        return None
    campaign_unit = scope.campaign_units.get(unit.pk)
    if campaign_unit is None:
        message = gettext("đơn vị “%(name)s” không tham gia đợt đánh giá này")
        problems.append(row.problem("unit", message % {"name": unit.name}))
    return campaign_unit


def _leaf(
    scope: CampaignScope, row: Row, campaign_unit: CampaignUnit, problems: list[Problem]
) -> Node | None:
    code = row.text("criterion")[:MAX_TEXT]
    framework = scope.frameworks.get(campaign_unit.level)
    node = framework.by_code.get(code) if framework is not None and code else None
    if node is None or not node.is_leaf:
        message = gettext("không có tiêu chí “%(code)s” trong bộ chỉ số khối “%(level)s”")
        if not code:
            message = gettext("không được để trống")
        problems.append(
            row.problem("criterion", message % {"code": code, "level": campaign_unit.level})
        )
        return None
    if node.source is not Source.SYSTEM:
        message = (
            gettext("tiêu chí “%(code)s” do đơn vị kê khai, không lấy số liệu từ hệ thống")
            if node.source is Source.UNIT
            else gettext("tiêu chí “%(code)s” do tổ thẩm định chấm, không lấy số liệu từ hệ thống")
        )
        problems.append(row.problem("criterion", message % {"code": code}))
        return None
    applies = scope.applies(campaign_unit)
    if applies is None or not applies[code]:
        message = (
            gettext("tiêu chí “%(code)s” không áp dụng cho %(unit)s")
            if applies is not None
            else gettext(
                "chưa biết tiêu chí “%(code)s” có áp dụng cho %(unit)s không: "
                "thuộc tính của đơn vị chưa đủ"
            )
        )
        problems.append(
            row.problem("criterion", message % {"code": code, "unit": campaign_unit.unit})
        )
        return None
    return node


def _value(row: Row, leaf: Node, problems: list[Problem]) -> tuple[str, AnswerValue | str]:
    """The formula input this row gives (or ""), and its value read by the leaf's rule."""
    name = row.text("input")
    rule = leaf.rule
    if isinstance(rule, FormulaRule) and name not in rule.inputs:
        message = (
            gettext("tiêu chí “%(code)s” cần ghi đầu vào: %(inputs)s")
            if not name
            else gettext("tiêu chí “%(code)s” không có đầu vào “%(name)s” (có: %(inputs)s)")
        )
        values = {"code": leaf.code, "name": name[:MAX_TEXT], "inputs": ", ".join(rule.inputs)}
        problems.append(row.problem("input", message % values))
        return name, None
    if not isinstance(rule, FormulaRule) and name:
        message = gettext("tiêu chí “%(code)s” không có đầu vào; để trống cột này")
        problems.append(row.problem("input", message % {"code": leaf.code}))
        return name, None
    raw = row.cells.get("value")
    try:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise ValueError(gettext("không được để trống"))
        return name, read_input(raw) if isinstance(rule, FormulaRule) else read_value(leaf, raw)
    except ValueError as error:
        problems.append(row.problem("value", str(error)))
        return name, None


def _measured_at(row: Row, problems: list[Problem]) -> datetime | None:
    try:
        return read_measured_at(row.cells.get("measured_at"))
    except ValueError as error:
        problems.append(row.problem("measured_at", str(error)))
        return None


def _source(row: Row, default_source: str, problems: list[Problem]) -> str:
    source = row.text("source") or default_source.strip()
    if not source:
        message = gettext("thiếu nguồn số liệu (ghi ở cột này, hoặc nguồn chung của lần nhập)")
        problems.append(row.problem("source", message))
    elif len(source) > SOURCE_MAX_LENGTH:
        message = gettext("nguồn dài quá %(max)s ký tự") % {"max": SOURCE_MAX_LENGTH}
        problems.append(row.problem("source", message))
    return source


def _gather(
    checked: Sequence[_Checked], problems: list[Problem], failed: set[tuple[int, str]]
) -> list[PlannedValue]:
    """One value per unit × criterion: a formula's inputs joined, duplicates refused."""
    planned: dict[tuple[int, str], PlannedValue] = {}
    first_row: dict[tuple[int, str, str], Row] = {}
    for item in checked:
        key = (item.campaign_unit.pk, item.leaf.code, item.input)
        if key in first_row:
            message = gettext("trùng với %(row)s (cùng đơn vị, tiêu chí và đầu vào)")
            problems.append(item.row.problem("unit", message % {"row": _row_name(first_row[key])}))
            continue
        first_row[key] = item.row
        plan = planned.get(key[:2])
        if plan is None:
            value: AnswerValue = {} if item.input else item.value
            plan = PlannedValue(
                item.campaign_unit, item.leaf, value, item.measured_at, [item.source]
            )
            planned[key[:2]] = plan
        else:
            plan.measured_at = max(plan.measured_at, item.measured_at)
            plan.sources.append(item.source)
        if item.input:
            inputs, text = plan.value, item.value
            assert isinstance(inputs, dict) and isinstance(text, str)  # {} above; read_input
            inputs[item.input] = text
        plan.rows.append(item.row)
    for pair, plan in planned.items():
        if pair not in failed:
            _check_inputs(plan, problems)
    return list(planned.values())


def _row_name(row: Row) -> str:
    return (gettext("mục %(n)s") if row.item else gettext("dòng %(n)s")) % {"n": row.number}


def _check_inputs(plan: PlannedValue, problems: list[Problem]) -> None:
    rule = plan.leaf.rule
    if not isinstance(rule, FormulaRule):
        return
    given = plan.value
    assert isinstance(given, dict)  # a formula's inputs by name, gathered by _gather
    missing = [name for name in rule.inputs if name not in given]
    if missing:
        message = gettext("tiêu chí “%(code)s” của %(unit)s còn thiếu đầu vào: %(names)s")
        values = {
            "code": plan.leaf.code,
            "unit": plan.campaign_unit.unit,
            "names": ", ".join(missing),
        }
        problems.append(plan.rows[0].problem("input", message % values))
    else:  # in the rule's order, so the stored value reads like the unit's answers
        plan.value = {name: given[name] for name in rule.inputs}
