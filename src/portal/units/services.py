"""Writing the unit registry: units and their lineage. Every function checks what the
database cannot (same province, no cycle of parents, dates in order) and raises a
ValidationError keyed by field, in Vietnamese, leaving the database as it was."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from dti.tables.xlsx import cell_place as where
from portal.accounts.models import Province
from portal.units.attributes import KEY, AttributeValue
from portal.units.models import Lineage, Unit
from portal.units.workbook import (
    LINEAGE_SHEET,
    UNIT_SHEET,
    LineageRow,
    UnitRow,
    column_of,
    read_registry,
)

UNIT_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")  # a slug, as the model's field requires
LEVEL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # the core's code pattern


@transaction.atomic
def unit_create(
    *,
    province: Province,
    code: str,
    name: str,
    level: str,
    parent: Unit | None = None,
    attributes: Mapping[str, AttributeValue] | None = None,
    aliases: Sequence[str] = (),
    active_from: date | None = None,
    active_until: date | None = None,
) -> Unit:
    unit = Unit(province=province)
    return _save(
        unit,
        code=code,
        name=name,
        level=level,
        parent=parent,
        attributes=attributes or {},
        aliases=aliases,
        active_from=active_from,
        active_until=active_until,
    )


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    code: str,
    name: str,
    level: str,
    parent: Unit | None = None,
    attributes: Mapping[str, AttributeValue] | None = None,
    aliases: Sequence[str] = (),
    active_from: date | None = None,
    active_until: date | None = None,
) -> Unit:
    return _save(
        unit,
        code=code,
        name=name,
        level=level,
        parent=parent,
        attributes=attributes or {},
        aliases=aliases,
        active_from=active_from,
        active_until=active_until,
    )


def _save(unit: Unit, **fields: Any) -> Unit:
    fields["code"] = fields["code"].strip()
    fields["name"] = fields["name"].strip()
    fields["level"] = fields["level"].strip()
    fields["attributes"] = dict(fields["attributes"])
    fields["aliases"] = [a.strip() for a in fields["aliases"] if a.strip()]
    for field, value in fields.items():
        setattr(unit, field, value)
    errors = _unit_problems(unit)
    if errors:
        raise ValidationError(errors)
    unit.full_clean(validate_constraints=False)  # the code's uniqueness was checked above
    unit.save()
    return unit


def _unit_problems(unit: Unit) -> dict[str, str]:
    errors: dict[str, str] = {}
    taken = Unit.objects.filter(province_id=unit.province_id, code=unit.code)
    if unit.pk is not None:
        taken = taken.exclude(pk=unit.pk)
    if unit.code and not UNIT_CODE.match(unit.code):
        errors["code"] = gettext(
            "Mã chỉ gồm chữ cái không dấu, chữ số, dấu - và dấu _ (ví dụ: so-noi-vu, xa-an-nhon)."
        )
    elif unit.code and taken.exists():
        errors["code"] = gettext("Mã đơn vị “%(code)s” đã có trong tỉnh.") % {"code": unit.code}
    if unit.level and not LEVEL_CODE.match(unit.level):
        errors["level"] = gettext(
            "Mã khối chỉ gồm chữ cái không dấu, chữ số và các dấu _ . - (ví dụ: so, xa)."
        )
    if unit.parent is not None:
        parent_problem = _parent_problem(unit, unit.parent)
        if parent_problem:
            errors["parent"] = parent_problem
    if unit.active_from and unit.active_until and unit.active_until < unit.active_from:
        errors["active_until"] = gettext("Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động.")
    attribute_problem = _attributes_problem(unit.attributes)
    if attribute_problem:
        errors["attributes"] = attribute_problem
    if any(";" in alias for alias in unit.aliases):
        errors["aliases"] = gettext(
            "Tên khác không được chứa dấu “;” (dấu phân cách trong tệp Excel)."
        )
    return errors


def _parent_problem(unit: Unit, parent: Unit) -> str:
    if parent.province_id != unit.province_id:
        return gettext("Đơn vị cấp trên phải thuộc cùng tỉnh.")
    ancestor: Unit | None = parent
    seen: set[int] = set()
    while ancestor is not None and ancestor.pk not in seen:
        if unit.pk is not None and ancestor.pk == unit.pk:
            return gettext(
                "Đơn vị cấp trên không được là chính đơn vị này hoặc một đơn vị cấp dưới của nó."
            )
        seen.add(ancestor.pk)
        ancestor = ancestor.parent
    return ""


def _attributes_problem(attributes: Mapping[str, object]) -> str:
    for key, value in attributes.items():
        if not KEY.match(str(key)):
            return gettext(
                "Tên thuộc tính “%(key)s” chỉ được dùng chữ thường không dấu, chữ số và dấu _."
            ) % {"key": key}
        if not isinstance(value, bool | int | float | str):
            return gettext("Thuộc tính “%(key)s” phải là true/false, một số hoặc một đoạn chữ.") % {
                "key": key
            }
    return ""


@transaction.atomic
def lineage_create(
    *, predecessor: Unit, successor: Unit, kind: str, effective: date, note: str = ""
) -> Lineage:
    """Record that `predecessor` was merged into, split into, or renamed to `successor`."""
    errors: dict[str, str] = {}
    if predecessor.pk == successor.pk:
        errors["successor"] = gettext("Một đơn vị không thể kế thừa chính nó.")
    elif predecessor.province_id != successor.province_id:
        errors["successor"] = gettext("Hai đơn vị phải thuộc cùng tỉnh.")
    elif Lineage.objects.filter(predecessor=predecessor, successor=successor, kind=kind).exists():
        errors["successor"] = gettext("Quan hệ kế thừa này đã được ghi nhận.")
    if errors:
        raise ValidationError(errors)
    link = Lineage(
        predecessor=predecessor,
        successor=successor,
        kind=kind,
        effective=effective,
        note=note.strip(),
    )
    link.full_clean(validate_constraints=False)
    link.save()
    return link


@transaction.atomic
def lineage_update(*, link: Lineage, effective: date, note: str = "") -> Lineage:
    link.effective = effective
    link.note = note.strip()
    link.full_clean(validate_constraints=False)
    link.save()
    return link


@transaction.atomic
def lineage_delete(*, link: Lineage) -> None:
    link.delete()


# ---- the registry workbook -------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    links: int


REGISTRY_JOB_ROWS = 300  # a registry of more rows is imported by the worker (docs/tasks.md)


def registry_rows(data: bytes) -> int:
    """How many rows a registry workbook holds (both sheets); ValidationError when it cannot
    be read, with every problem, as registry_import would say."""
    unit_rows, link_rows = read_registry(data)
    return len(unit_rows) + len(link_rows)


def _no_progress(done: int, total: int, step: str = "") -> None:
    return None


def registry_import(
    *,
    province: Province,
    data: bytes,
    progress: Callable[[int, int, str], None] = _no_progress,
) -> ImportSummary:
    """Create or update units by code, then lineage links, from a registry workbook: all or
    nothing. ValidationError lists every problem, located by sheet, row and column.
    `progress(done, total, step)` is told as the rows are written (a job's page shows it).
    The workbook is read before the transaction (on SQLite the database's one write lock)."""
    unit_rows, link_rows = read_registry(data)
    return _registry_written(province, unit_rows, link_rows, progress)


@transaction.atomic
def _registry_written(
    province: Province,
    unit_rows: Sequence[UnitRow],
    link_rows: Sequence[LineageRow],
    progress: Callable[[int, int, str], None],
) -> ImportSummary:
    by_code = _province_graph(province)
    problems = _reference_problems(unit_rows, link_rows, by_code)  # reported with the rest
    created = [row for row in unit_rows if row.code not in by_code]
    total = len(created) + len(unit_rows)
    step = gettext("Đang ghi các đơn vị")
    for done, row in enumerate(created):
        create = partial(
            unit_create, province=province, code=row.code, name=row.name, level=row.level
        )
        _write(row, create, by_code, problems)
        progress(done, total, step)
    for row in unit_rows:  # parents are set afresh, so a reordering is not seen as a cycle
        if row.code in by_code:
            by_code[row.code].parent = None
    for done, row in enumerate(unit_rows, start=len(created)):
        if row.code in by_code:
            update = partial(unit_update, unit=by_code[row.code], **_fields(row, by_code))
            _write(row, update, by_code, problems)
        progress(done, total, step)
    progress(total, total, gettext("Đang ghi các quan hệ kế thừa"))
    links = _import_links(link_rows, by_code, problems)
    if problems:
        raise ValidationError(problems)  # the transaction rolls back: nothing changed
    return ImportSummary(created=len(created), updated=len(unit_rows) - len(created), links=links)


def _province_graph(province: Province) -> dict[str, Unit]:
    """Every unit of the province by code, parents linked to the same objects, so the cycle
    check walks what the import is building and not stale copies."""
    units = list(Unit.objects.filter(province=province))
    by_pk = {unit.pk: unit for unit in units}
    for unit in units:
        unit.parent = by_pk.get(unit.parent_id) if unit.parent_id else None
    return {unit.code: unit for unit in units}


def _reference_problems(
    unit_rows: Sequence[UnitRow], link_rows: Sequence[LineageRow], by_code: Mapping[str, Unit]
) -> list[str]:
    problems: list[str] = []
    first_row: dict[str, int] = {}
    for row in unit_rows:
        if row.code in first_row:
            problems.append(
                f"{where(UNIT_SHEET, row.row, 'Mã')}: mã “{row.code}” bị trùng với dòng "
                f"{first_row[row.code]}"
            )
        first_row.setdefault(row.code, row.row)
    known = set(by_code) | set(first_row)
    for row in unit_rows:
        if row.parent_code and row.parent_code not in known:
            problems.append(
                f"{where(UNIT_SHEET, row.row, 'Mã đơn vị cấp trên')}: không có đơn vị mã "
                f"“{row.parent_code}” trong tệp hay trong danh mục của tỉnh"
            )
    for link in link_rows:
        for column, code in (
            ("Mã đơn vị trước", link.predecessor_code),
            ("Mã đơn vị sau", link.successor_code),
        ):
            if code not in known:
                problems.append(
                    f"{where(LINEAGE_SHEET, link.row, column)}: không có đơn vị mã “{code}”"
                )
    return problems


def _fields(row: UnitRow, by_code: Mapping[str, Unit]) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "level": row.level,
        "parent": by_code.get(row.parent_code),  # absent only if its creation failed
        "attributes": row.attributes,
        "aliases": row.aliases,
        "active_from": row.active_from,
        "active_until": row.active_until,
    }


def _write(
    row: UnitRow, write: Callable[[], Unit], by_code: dict[str, Unit], problems: list[str]
) -> None:
    try:
        by_code[row.code] = write()
    except ValidationError as error:
        for field, messages in _by_field(error).items():
            for message in messages:
                problems.append(f"{where(UNIT_SHEET, row.row, column_of(field))}: {message}")


def _import_links(
    link_rows: Sequence[LineageRow], by_code: Mapping[str, Unit], problems: list[str]
) -> int:
    for row in link_rows:
        predecessor, successor = by_code.get(row.predecessor_code), by_code.get(row.successor_code)
        if predecessor is None or successor is None:
            continue  # a unit whose creation failed: its problem is already listed
        link = Lineage.objects.filter(
            predecessor=predecessor, successor=successor, kind=row.kind
        ).first()
        try:
            if link is None:
                lineage_create(
                    predecessor=predecessor,
                    successor=successor,
                    kind=row.kind,
                    effective=row.effective,
                    note=row.note,
                )
            else:
                lineage_update(link=link, effective=row.effective, note=row.note)
        except ValidationError as error:
            for messages in _by_field(error).values():
                for message in messages:
                    problems.append(f"{where(LINEAGE_SHEET, row.row)}: {message}")
    return len(link_rows)


def _by_field(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}
