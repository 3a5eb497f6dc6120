"""Answer values: what a self-assessment answer holds, how a typed answer is read, and how a
stored one is shown. The domain's own type, used by the assessments, the indicators and the
appraisals alike; the forms only call it to validate what was posted.

Numbers are read the Vietnamese way ("87,5", "1.234,5") by the core's one number reader and
kept as exact decimal strings, the way the core wants them."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext

from dti.fixedpoint import format_vi
from dti.framework.model import (
    BandsRule,
    ChoiceRule,
    CountRule,
    EnteredRule,
    FormulaRule,
    Node,
    RatioRule,
    YesNoRule,
)
from dti.numbers import NumberError, read_number
from dti.tables.cells import CellError, NotANumber, ParsedNumber

AnswerValue = bool | str | dict[str, str] | None  # as stored in Answer.value
# "1.200" is 1200 to most people and 1,2 to the table reader: one separator followed by
# exactly three digits is refused rather than guessed.
_AMBIGUOUS = re.compile(r"[+\-−]?[0-9]{1,3}[.,][0-9]{3}\s*%?")


def canonical_answer(value: AnswerValue, note: str) -> str:
    """An answer as one canonical text: two answers are the same when theirs are."""
    return json.dumps({"note": note, "value": value}, sort_keys=True, ensure_ascii=False)


def loaded_mark(value: AnswerValue, note: str) -> str:
    """What the page carries of each answer it loaded, so that a save only touches criteria
    the person changed: an untouched field never overwrites what someone else saved since.
    A digest of `canonical_answer` (BLAKE2b, 128 bits, 22 characters of URL-safe base64):
    short, the same length whatever the answer, and nothing in it to escape in a form's
    body, where the canonical text itself was a JSON object escaped character by character
    (80 of them a save)."""
    digest = hashlib.blake2b(canonical_answer(value, note).encode(), digest_size=16).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def stored_as_is(value: object, note: object) -> bool:
    """Whether an answer is one `Answer` stores as it is: its value an `AnswerValue` of
    exactly those types (nothing, yes/no, a text, or formula inputs by name, each a text),
    its note a text. What the answers form gives always is; the field's own check would
    only learn that the value can be written as JSON, by writing it (80 times a save)."""
    if type(note) is not str:
        return False
    if value is None or type(value) in (bool, str):
        return True
    return type(value) is dict and all(
        type(name) is str and type(item) is str for name, item in value.items()
    )


_PLAIN = (str, bool, int, type(None))  # compared as they are; any other kind as its JSON


def same_answer(value: object, note: str, other_value: object, other_note: str) -> bool:
    """Whether canonical_answer() of the two is the same text, without writing either when
    both values are a plain text, yes/no, whole number or nothing (a save compares 80
    answers with those stored): a yes is never the number 1, a number never its text. Any
    other kind (a mapping of formula inputs, a decimal number, a subclass) is compared as
    its canonical text."""
    if note != other_note:
        return False
    kind, other_kind = type(value), type(other_value)
    if kind in _PLAIN and other_kind in _PLAIN:
        return kind is other_kind and value == other_value
    return canonical_answer(value, note) == canonical_answer(other_value, other_note)  # type: ignore[arg-type]  # whatever JSON the column holds


@dataclass(frozen=True)
class PostedAnswer:
    value: AnswerValue
    note: str
    version: int  # the Answer.version the page was loaded with; 0 when there was none
    loaded: str  # loaded_mark() of what the page was loaded with

    @property
    def changed(self) -> bool:
        return loaded_mark(self.value, self.note) != self.loaded


@dataclass(frozen=True)
class Conflict:
    """Someone else saved a criterion after the page was loaded: what they saved, who, when."""

    value: str
    note: str
    by: str
    at: datetime


def answer_value(leaf: Node, text: str) -> AnswerValue:
    """The stored value for one typed answer; ValueError says what is wrong (in the active
    language)."""
    rule = leaf.rule
    if isinstance(rule, YesNoRule):
        if text not in ("yes", "no"):
            raise ValueError(gettext("Chọn Có hoặc Không."))
        return text == "yes"
    if isinstance(rule, ChoiceRule):
        if text not in {option.value for option in rule.options}:
            raise ValueError(gettext("Chọn một mức trong danh sách."))
        return text
    parsed = parse_typed_number(text, percent_allowed=isinstance(rule, RatioRule | BandsRule))
    number = parsed.value
    if number < 0:
        raise ValueError(gettext("Không được là số âm (đã nhập “%(text)s”).") % {"text": text})
    if isinstance(rule, EnteredRule) and number > leaf.max:
        raise ValueError(
            gettext("Điểm phải từ 0 đến %(max)s (đã nhập “%(text)s”).")
            % {"max": format_vi(leaf.max), "text": text}
        )
    if isinstance(rule, CountRule) and parsed.decimals:
        raise ValueError(
            gettext("Số lượng phải là số nguyên (đã nhập “%(text)s”).") % {"text": text}
        )
    if isinstance(rule, RatioRule | BandsRule) and leaf.measure == "%" and number > 100:
        raise ValueError(
            gettext("Tỷ lệ phải từ 0 đến 100%% (đã nhập “%(text)s”).") % {"text": text}
        )
    return str(number)


def parse_typed_number(text: str, *, percent_allowed: bool = False) -> ParsedNumber:
    """A number as a person types it (decimal comma or point, "1.200" refused as ambiguous),
    read by the core's one number reader (dti.numbers: finite, at most 10^12, four
    decimals); a % sign only if allowed."""
    if _AMBIGUOUS.fullmatch(text.strip()):
        raise ValueError(
            gettext(
                "“%(text)s” không rõ là số nghìn hay số thập phân: viết liền nếu là số nghìn "
                "(ví dụ 1200), hoặc dùng dấu phẩy thập phân với ít chữ số hơn (ví dụ 1,2)."
            )
            % {"text": text}
        )
    try:
        parsed = read_number(text)  # the one reader: finite, |x| ≤ 10^12, 4 decimals
    except NotANumber:  # "abc": what to type, in one sentence (the core's is for tables)
        raise ValueError(
            gettext("“%(text)s” không phải là số: gõ số, ví dụ 87,5.")
            % {"text": abbreviated(text.strip())}
        ) from None
    except CellError as error:  # a number written wrongly: the core names the mistake
        raise ValueError(gettext("%(problem)s. Gõ số, ví dụ 87,5.") % {"problem": error}) from None
    except NumberError as error:
        message = gettext("%(problem)s (đã nhập “%(text)s”).")
        raise ValueError(message % {"problem": error, "text": text}) from None
    if parsed.percent and not percent_allowed:
        raise ValueError(
            gettext("Nhập số, không kèm dấu %% (đã nhập “%(text)s”).") % {"text": text}
        )
    return parsed


def abbreviated(text: str, limit: int = 30) -> str:
    """What was typed, short enough to quote in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_text(leaf: Node, value: AnswerValue, input_name: str = "") -> str:
    """A stored value as it appears in its input: numbers with a decimal comma."""
    if isinstance(value, dict):
        value = value.get(input_name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(leaf.rule, ChoiceRule):
        return str(value)
    try:
        return format_vi(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


def answer_label(leaf: Node, value: AnswerValue) -> str:
    """A stored value in words, for messages: Có, the option's label, 87,5, a formula's inputs
    by their labels ("Số hồ sơ trực tuyến: 12")."""
    rule = leaf.rule
    if value is None:
        return gettext("(để trống)")
    if isinstance(rule, YesNoRule):
        return gettext("Có") if value is True else gettext("Không")
    if isinstance(rule, ChoiceRule):
        labels = {option.value: option.label for option in rule.options}
        return labels.get(str(value), str(value))
    if isinstance(value, dict):
        label = rule.label if isinstance(rule, FormulaRule) else str
        return "; ".join(f"{label(name)}: {display_text(leaf, value, name)}" for name in value)
    return display_text(leaf, value)
