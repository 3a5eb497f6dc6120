"""Unit attributes as people type them ("has_online_public_services = true") and as they are
stored (JSON: true/false, numbers, text), and the Vietnamese names of the common ones.

Numbers are stored as JSON numbers (an int, or a float for a fraction such as 3,5); the core
wants exact Decimals, which `as_core_value` gives back from the float's shortest text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from dti.numbers import read_number

AttributeValue = bool | int | float | str

KEY = re.compile(r"^[a-z_][a-z0-9_]*$")  # the core's rule for attribute names
_NUMBER = re.compile(r"^-?[0-9]+(?:[.,][0-9]+)?$")

# Names shown instead of the code in plain-Vietnamese descriptions.
ATTRIBUTE_LABELS = {
    "has_online_public_services": "có dịch vụ công trực tuyến",
    "has_online_applications": "có hồ sơ trực tuyến phát sinh",
    "has_satisfaction_ratings": "có đánh giá mức độ hài lòng",
}


def split_outside_quotes(text: str, separator: str = ";") -> list[str]:
    """'a=1; b="x;y"' -> ['a=1', 'b="x;y"']: a quoted text may hold the separator."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def parse_value(text: str) -> AttributeValue:
    """true/false, a number (decimal comma or point), "quoted text", or plain text."""
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _NUMBER.match(text):  # through the one number reader: bounded, never 100,000 digits
        try:
            number = read_number(text.replace(",", "."), max_decimals=12).value
        except ValueError as error:
            raise ValueError(
                gettext("“%(text)s” không phải số dùng được: %(error)s")
                % {"text": text[:40], "error": error}
            ) from None
        return float(number) if "." in text.replace(",", ".") else int(number)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def parse_attributes(entries: Iterable[str]) -> dict[str, AttributeValue]:
    """Attributes from 'key = value' entries; ValueError names the entry that is wrong."""
    attributes: dict[str, AttributeValue] = {}
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        key, equals, value = entry.partition("=")
        key = key.strip()
        if not equals or not value.strip():
            raise ValueError(gettext("“%(entry)s” phải có dạng tên = giá trị") % {"entry": entry})
        if not KEY.match(key):
            raise ValueError(
                gettext(
                    "tên thuộc tính “%(key)s” chỉ được dùng chữ thường không dấu, chữ số và dấu _"
                )
                % {"key": key}
            )
        if key in attributes:
            raise ValueError(gettext("thuộc tính “%(key)s” bị lặp lại") % {"key": key})
        attributes[key] = parse_value(value)
    return attributes


def format_value(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    needs_quotes = value.lower() in ("true", "false") or _NUMBER.match(value) or ";" in value
    return f'"{value}"' if needs_quotes else value


def format_attributes(attributes: Mapping[str, AttributeValue], separator: str = "; ") -> str:
    # Sorted: PostgreSQL's jsonb does not keep the order the keys were written in.
    return separator.join(f"{key}={format_value(attributes[key])}" for key in sorted(attributes))


def as_core_value(value: AttributeValue) -> bool | Decimal | str:
    """The value the scoring core reads: numbers as exact Decimals, never floats."""
    if isinstance(value, bool | str):
        return value
    try:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:  # inf, nan cannot be stored by the forms; be safe anyway
        return str(value)
