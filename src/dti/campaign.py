"""A campaign: one province's assessment for one year, with a framework per level, the
units assessed, their attributes, last year's classes, and the tables its report printed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from dti.framework.documents import DocumentError, Problem, load_yaml, schema_problems
from dti.framework.loader import build_framework, load_framework_file
from dti.framework.model import Framework
from dti.names import NameIndex, normalize_label

AttributeValue = bool | Decimal | str


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    level: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    parent: str | None = None
    # The parent's name as the source knows it, for a parent the campaign does not hold (a
    # former district): what a report grouped by parent titles its section.
    parent_name: str = ""
    aliases: tuple[str, ...] = ()
    previous_class: str | None = None


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    framework: Framework
    units: tuple[Unit, ...]

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex.build((u.id, u.name, u.aliases) for u in self.units)


@dataclass(frozen=True)
class TableSpec:
    """A table printed in the campaign's report: which level, index or group it shows."""

    file: str
    level: str
    title: str = ""
    index: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Campaign:
    province: str
    year: int
    title: str
    levels: Mapping[str, Level]
    tables: tuple[TableSpec, ...] = ()
    source: str = ""

    def level(self, code: str) -> Level:
        try:
            return self.levels[code]
        except KeyError:
            known = ", ".join(self.levels)
            raise KeyError(f"Không có khối '{code}'; các khối: {known}") from None

    def table_spec(self, file_name: str) -> TableSpec | None:
        wanted = normalize_label(Path(file_name).name)
        return next((t for t in self.tables if normalize_label(t.file) == wanted), None)


def load_campaign(path: Path) -> Campaign:
    """A campaign from a `kind: campaign` file; DocumentError lists every problem."""
    document = load_yaml(path)
    file = str(path)
    problems = schema_problems(document, file)
    if problems:
        raise DocumentError(problems)
    if document["kind"] != "campaign":
        raise DocumentError([Problem(file, "kind", "tệp này không phải tệp đợt đánh giá")])
    problems = []
    frameworks = _frameworks(document, path, problems)
    units = [_unit(raw) for raw in document["units"]]
    problems += _unit_problems(file, units, frameworks)
    tables = tuple(_table(raw) for raw in document.get("tables", []))
    problems += _table_problems(file, tables, frameworks)
    if problems:
        raise DocumentError(problems)
    units = [_canonical_class(u, frameworks[u.level]) for u in units]
    levels = {
        raw["code"]: Level(
            raw["code"],
            raw["name"],
            frameworks[raw["code"]],
            tuple(u for u in units if u.level == raw["code"]),
        )
        for raw in document["levels"]
    }
    return Campaign(
        province=document["province"],
        year=int(document["year"]),
        title=document.get("title", ""),
        levels=levels,
        tables=tables,
        source=document.get("source", ""),
    )


def _frameworks(
    document: Mapping[str, Any], path: Path, problems: list[Problem]
) -> dict[str, Framework]:
    frameworks: dict[str, Framework] = {}
    for raw in document["levels"]:
        where = f"levels[{raw['code']}].framework"
        try:
            if isinstance(raw["framework"], str):
                frameworks[raw["code"]] = load_framework_file(path.parent / raw["framework"])
            else:
                frameworks[raw["code"]] = build_framework(
                    raw["framework"], file=str(path), path=where
                )
        except DocumentError as error:
            problems.extend(error.problems)
    return frameworks


def _unit(raw: Mapping[str, Any]) -> Unit:
    return Unit(
        id=raw["id"],
        name=raw["name"],
        level=raw["level"],
        attributes={key: _attribute(value) for key, value in raw.get("attributes", {}).items()},
        parent=raw.get("parent"),
        aliases=tuple(raw.get("aliases", ())),
        previous_class=raw.get("previous_class"),
    )


def _canonical_class(unit: Unit, framework: Framework) -> Unit:
    if unit.previous_class is None:
        return unit
    return replace(unit, previous_class=class_label(framework, unit.previous_class))


def _attribute(value: object) -> AttributeValue:
    """YAML integers become Decimals: conditions compare numbers exactly, never as floats."""
    if isinstance(value, bool | str | Decimal):
        return value
    return Decimal(str(value))


def _unit_problems(
    file: str, units: Sequence[Unit], frameworks: Mapping[str, Framework]
) -> list[Problem]:
    problems: list[Problem] = []
    ids = [u.id for u in units]
    for unit in units:
        where = f"units[{unit.id}]"
        if ids.count(unit.id) > 1:
            problems.append(Problem(file, where, f"mã đơn vị '{unit.id}' bị trùng"))
        if unit.parent is not None and unit.parent not in ids:
            problems.append(Problem(file, f"{where}.parent", f"không có đơn vị mã '{unit.parent}'"))
        framework = frameworks.get(unit.level)
        if framework is None:
            problems.append(Problem(file, f"{where}.level", f"không có khối '{unit.level}'"))
            continue
        if unit.previous_class is not None and class_label(framework, unit.previous_class) is None:
            known = ", ".join(class_names(framework).values()) or "(bộ chỉ số không xếp loại)"
            problems.append(
                Problem(
                    file,
                    f"{where}.previous_class",
                    f"không nhận ra xếp loại “{unit.previous_class}”; các loại: {known}",
                )
            )
        missing = sorted(condition_names(framework) - set(unit.attributes))
        if missing:
            problems.append(
                Problem(file, f"{where}.attributes", f"thiếu thuộc tính: {', '.join(missing)}")
            )
    return problems


def class_names(framework: Framework) -> dict[str, str]:
    """Every way a class of this framework may be printed (normalised) -> its label."""
    names: dict[str, str] = {}
    for policy in [framework.ranking, *(g.ranking for g in framework.groups)]:
        if policy.classification is not None:
            for band in policy.classification.bands:
                for label in (band.label, *band.aliases):
                    names[normalize_label(label)] = band.label
    return names


def class_label(framework: Framework, text: str) -> str | None:
    """The framework's label for a printed class ("TB" -> "Trung bình"), None if unknown."""
    return class_names(framework).get(normalize_label(text))


def condition_names(framework: Framework) -> set[str]:
    """Unit attributes that the framework's applicability and group conditions read."""
    names: set[str] = set()
    for node in framework.all_nodes:
        if node.applies_when is not None:
            names |= node.applies_when.names
    for group in framework.groups:
        names |= group.when.names
    return names


def _table(raw: Mapping[str, Any]) -> TableSpec:
    return TableSpec(
        file=raw["file"],
        level=raw["level"],
        title=raw.get("title", ""),
        index=raw.get("index"),
        group=raw.get("group"),
    )


def _table_problems(
    file: str, tables: Sequence[TableSpec], frameworks: Mapping[str, Framework]
) -> list[Problem]:
    problems: list[Problem] = []
    for table in tables:
        where = f"tables[{table.file}]"
        framework = frameworks.get(table.level)
        if framework is None:
            problems.append(Problem(file, f"{where}.level", f"không có khối '{table.level}'"))
            continue
        if table.index is not None and table.index not in {n.code for n in framework.main_indices}:
            problems.append(
                Problem(file, f"{where}.index", f"'{table.index}' không phải chỉ số chính")
            )
        if table.group is not None and table.group not in {g.code for g in framework.groups}:
            problems.append(Problem(file, f"{where}.group", f"không có nhóm '{table.group}'"))
    return problems
