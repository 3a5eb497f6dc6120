"""Numbers as Vietnamese offices print them in score tables.

The published tables are typed by hand, in Word or Excel, with either separator. The rules:

* Surrounding whitespace is ignored, including no-break spaces (U+00A0, U+202F), thin
  spaces (U+2009) and zero-width characters left by copy and paste.
* One optional sign in front: ``+``, ``-`` or the typographic minus ``−`` (U+2212).
  Two signs (``--5``, ``+-5``) are an error.
* One optional trailing percent sign, possibly after a space: ``94%``, ``100 %``. The value
  is the printed number, not a fraction: ``99,3%`` is ``Decimal("99.3")`` with ``percent``
  set, never ``0.993``.
* Digits are ASCII ``0``–``9``, separated by ``,`` or ``.``:

  - no separator: an integer (``50``);
  - one separator character occurring exactly once is the decimal separator, whichever it
    is: scores are small numbers, so ``57.14`` and ``164,85`` are both decimals, and so is
    ``1.234`` (one and a bit);
  - one separator character repeated is a thousands separator: ``1.234.567``;
  - both characters: the last one to appear is the decimal separator and must occur once,
    the other groups thousands: ``1.234,5`` and ``1,234.5``.

  Thousands groups must have exactly three digits after a first group of one to three
  (``1,2,3`` is an error), and a separator must sit between two digits (``12..5``, ``,5``
  and ``5,`` are errors).
* Rejected: empty text, letters, exponent notation (``1e5``), ``NaN``/``Infinity``, text
  longer than 30 characters. Rejections raise :class:`CellError` with a Vietnamese message.

The value is built from the digits as text, never through ``float``, so it is exact and keeps
the printed trailing zeros (``427,80`` is ``Decimal("427.80")``, ``decimals`` 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MAX_LENGTH = 30

# \s covers Unicode whitespace (NBSP, thin and narrow spaces); the zero-width characters
# are not whitespace to Python but arrive with text pasted from Word or web pages.
_SPACE = r"[\s\u200b\u200c\u200d\u2060\ufeff]+"
_EDGE_SPACE = re.compile(f"^{_SPACE}|{_SPACE}$")
_SIGNS = "+-−"
_BLANK_MARKS = frozenset({"", "-", "–", "—"})
# [0-9] rather than \d: Decimal would happily accept Arabic-Indic or full-width digits.
_DIGITS_AND_SEPARATORS = re.compile(r"[0-9.,]+")
_EXPONENT = re.compile(r"[0-9.,]+[eE][+\-−]?[0-9]+")
_NOT_FINITE = frozenset({"nan", "snan", "inf", "infinity"})
_DOUBLE_SEPARATOR = re.compile(r"[.,]{2}")


class CellError(ValueError):
    """The text of a cell is not a number; the message, in Vietnamese, says why."""


class NotANumber(CellError):
    """The text is no number at all ("abc"), not a number written wrongly ("12..5", "1e5"):
    a reader facing a person says what to type rather than what went wrong."""


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    percent: bool
    decimals: int


def is_blank(text: str) -> bool:
    """True for an empty cell or one holding only a dash, the offices' mark for "no value"."""
    return _strip(text) in _BLANK_MARKS


def parse_number(text: str) -> ParsedNumber:
    """Read a printed number; raise :class:`CellError` if the text is not one."""
    cleaned = _strip(text)
    if not cleaned:
        raise CellError("Ô trống, không có số.")
    if len(cleaned) > MAX_LENGTH:
        shown = _quote(cleaned[:MAX_LENGTH] + "…")
        raise CellError(f"Quá dài để là một số (tối đa {MAX_LENGTH} ký tự): {shown}")
    body, percent = _split_percent(cleaned)
    negative, digits = _split_sign(body, cleaned)
    _check_characters(digits, cleaned)
    integer, fraction = _split_separators(digits, cleaned)
    literal = f"{'-' if negative else ''}{integer}" + (f".{fraction}" if fraction else "")
    return ParsedNumber(value=Decimal(literal), percent=percent, decimals=len(fraction))


def _strip(text: str) -> str:
    return _EDGE_SPACE.sub("", text)


def _quote(text: str) -> str:
    return f"“{text}”"


def _split_percent(cleaned: str) -> tuple[str, bool]:
    if not cleaned.endswith("%"):
        return cleaned, False
    body = _strip(cleaned[:-1])
    if not body:
        raise CellError(f"Chỉ có dấu phần trăm, không có số: {_quote(cleaned)}")
    return body, True


def _split_sign(body: str, cleaned: str) -> tuple[bool, str]:
    if body[0] not in _SIGNS:
        return False, body
    rest = body[1:]
    if rest and rest[0] in _SIGNS:
        raise CellError(f"Số có hai dấu: {_quote(cleaned)}")
    if not rest:
        raise CellError(f"Chỉ có dấu, không có số: {_quote(cleaned)}")
    return body[0] != "+", rest


def _check_characters(digits: str, cleaned: str) -> None:
    """Reject anything but ASCII digits and separators, naming the common mistakes."""
    if _DIGITS_AND_SEPARATORS.fullmatch(digits):
        return
    if _EXPONENT.fullmatch(digits):
        raise CellError(f"Không chấp nhận số viết dạng lũy thừa: {_quote(cleaned)}")
    if digits.casefold() in _NOT_FINITE:
        raise CellError(f"Không phải một số hữu hạn: {_quote(cleaned)}")
    raise NotANumber(f"Không đọc được số: {_quote(cleaned)}")


def _split_separators(digits: str, cleaned: str) -> tuple[str, str]:
    """Return the integer digits and the fraction digits, separators removed."""
    if not (digits[0].isdigit() and digits[-1].isdigit()):
        raise CellError(f"Dấu phân cách phải nằm giữa hai chữ số: {_quote(cleaned)}")
    if _DOUBLE_SEPARATOR.search(digits):
        raise CellError(f"Hai dấu phân cách liền nhau: {_quote(cleaned)}")
    separators = [char for char in digits if char in ".,"]
    if not separators:
        return digits, ""
    decimal_mark = separators[-1]
    if len(set(separators)) == 1 and len(separators) > 1:
        return _ungroup(digits, decimal_mark, cleaned), ""
    if separators.count(decimal_mark) > 1:
        raise CellError(f"Dấu thập phân “{decimal_mark}” xuất hiện nhiều lần: {_quote(cleaned)}")
    integer, fraction = digits.rsplit(decimal_mark, 1)
    thousands_mark = "," if decimal_mark == "." else "."
    return _ungroup(integer, thousands_mark, cleaned), fraction


def _ungroup(integer: str, thousands_mark: str, cleaned: str) -> str:
    groups = integer.split(thousands_mark)
    if len(groups) == 1:
        return integer
    if len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:]):
        raise CellError(
            f"Nhóm hàng nghìn sai (mỗi nhóm sau dấu “{thousands_mark}” phải có đúng 3 chữ số): "
            f"{_quote(cleaned)}"
        )
    return "".join(groups)
