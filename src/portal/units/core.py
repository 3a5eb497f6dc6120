"""The registry's units as the scoring core sees them: the one place where a stored unit
becomes a `dti.campaign.Unit` and its JSON attributes become exact values."""

from __future__ import annotations

from collections.abc import Mapping

from dti.campaign import AttributeValue
from dti.campaign import Unit as CoreUnit
from portal.units.attributes import as_core_value
from portal.units.models import Unit


def core_attributes(stored: Mapping[str, object] | None) -> dict[str, AttributeValue]:
    """JSON numbers become Decimals (conditions compare numbers exactly, never as floats);
    values the core cannot read (lists, null) are left out."""
    return {
        key: as_core_value(value)
        for key, value in (stored or {}).items()
        if isinstance(value, bool | str | int | float)
    }


def core_unit(unit: Unit, level: str, previous_class: str | None = None) -> CoreUnit:
    """The core's unit for `unit` in `level`: its id is the unit's code."""
    return CoreUnit(
        id=unit.code,
        name=unit.name,
        level=level,
        attributes=core_attributes(unit.attributes),
        aliases=tuple(unit.aliases or ()),
        previous_class=previous_class or None,
    )
