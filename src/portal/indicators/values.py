"""One imported cell as the value the portal stores: shaped exactly like the unit's answer
(assessments.Answer.value) for the criterion's rule, and refused for the same reasons the
self-assessment page refuses a typed answer (see portal.answers).

Numbers are read exactly: text the Vietnamese way or with a decimal point ("87,5", "87.5",
"1.234,5"), spreadsheet and JSON numbers as they are. Text like "1.200" (one separator
followed by exactly three digits) is refused rather than guessed, as on the page. Every
refusal is a ValueError whose message, in the active language, says what is wrong."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from dti.dates import DateError, checked_date
from dti.fixedpoint import format_vi
from dti.framework.model import (
    BandsRule,
    ChoiceRule,
    CountRule,
    EnteredRule,
    Node,
    RatioRule,
    YesNoRule,
)
from dti.names import normalize_label
from dti.numbers import NumberError, read_number
from portal.answers import AnswerValue, parse_typed_number
from portal.indicators.rows import Cell

YES = frozenset({"yes", "có", "co", "true", "1", "x", "đạt", "dat"})
NO = frozenset({"no", "không", "khong", "false", "0", "chưa", "chua", "không đạt"})
DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")
# A value measured "in the future" is a clock or a typing mistake; a little skew is not.
FUTURE_SKEW = timedelta(minutes=10)


def read_value(leaf: Node, raw: Cell) -> AnswerValue:
    """The stored value of a criterion whose rule takes one value (not a formula)."""
    rule = leaf.rule
    if isinstance(rule, YesNoRule):
        return _yes_no(raw)
    if isinstance(rule, ChoiceRule):
        return _choice(rule, raw)
    number, percent, decimals = _number(raw)
    if percent and not isinstance(rule, RatioRule | BandsRule):
        raise ValueError(gettext("Nhập số, không kèm dấu %."))
    if number < 0:
        raise ValueError(gettext("Không được là số âm."))
    if isinstance(rule, EnteredRule) and number > leaf.max:
        raise ValueError(gettext("Điểm phải từ 0 đến %(max)s.") % {"max": format_vi(leaf.max)})
    if isinstance(rule, CountRule) and decimals:
        raise ValueError(gettext("Số lượng phải là số nguyên."))
    if isinstance(rule, RatioRule | BandsRule) and leaf.measure == "%" and number > 100:
        raise ValueError(gettext("Tỷ lệ phải từ 0 đến 100%."))
    return str(number)


def read_input(raw: Cell) -> str:
    """One named input of a formula rule: a number, never negative (these are counts and
    amounts measured by a system), as exact decimal text."""
    number, percent, _ = _number(raw)
    if percent:
        raise ValueError(gettext("Nhập số, không kèm dấu %."))
    if number < 0:
        raise ValueError(gettext("Không được là số âm."))
    return str(number)


def _yes_no(raw: Cell) -> bool:
    if isinstance(raw, bool):
        return raw
    text = normalize_label(str(raw)) if raw is not None else ""
    if isinstance(raw, int | Decimal | float):
        text = str(int(raw)) if raw in (0, 1) else text
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(gettext("Cần “có” hoặc “không” (yes/no), đã ghi “%(text)s”.") % {"text": raw})


def _choice(rule: ChoiceRule, raw: Cell) -> str:
    text = str(raw).strip() if raw is not None else ""
    for option in rule.options:
        if text == option.value or normalize_label(text) == normalize_label(option.label):
            return option.value
    options = "; ".join(f"{option.value} ({option.label})" for option in rule.options)
    raise ValueError(
        gettext("“%(text)s” không phải một mức của tiêu chí; chọn: %(options)s.")
        % {"text": text, "options": options}
    )


def _number(raw: Cell) -> tuple[Decimal, bool, int]:
    """The exact number, whether it had a % sign, and its count of decimals: text as the
    unit's page reads it, spreadsheet and JSON numbers through the same core reader."""
    if raw is None or isinstance(raw, bool | datetime | date):
        raise ValueError(gettext("Cần một số."))
    if isinstance(raw, str):
        parsed = parse_typed_number(raw, percent_allowed=True)
    else:
        try:
            parsed = read_number(raw)  # a list or an object from JSON is refused here too
        except NumberError as error:  # the value itself is not echoed: it may be huge
            raise ValueError(gettext("%(problem)s.") % {"problem": error}) from None
    return parsed.value, parsed.percent, parsed.decimals


def read_measured_at(raw: Cell) -> datetime:
    """When the system measured the value: dd/mm/yyyy [HH:MM], ISO 8601, or a spreadsheet
    date. Without an offset it is the portal's time zone; never in the future."""
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime.combine(raw, time())
    elif isinstance(raw, str) and raw.strip():
        moment = _parse_moment(raw.strip())
    else:
        raise ValueError(gettext("Cần thời điểm đo (dd/mm/yyyy hoặc dd/mm/yyyy HH:MM)."))
    try:
        checked_date(moment)  # year 0001 cannot move to UTC: an OverflowError when stored
    except DateError as error:
        raise ValueError(gettext("%(problem)s.") % {"problem": error}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + FUTURE_SKEW:
        raise ValueError(gettext("Thời điểm đo ở tương lai."))
    return moment


def _parse_moment(text: str) -> datetime:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)  # noqa: DTZ007  (the caller makes it aware)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            gettext(
                "Thời điểm đo “%(text)s” không hợp lệ (cần dd/mm/yyyy, dd/mm/yyyy HH:MM "
                "hoặc ISO 8601, ví dụ 2025-06-30T08:00:00+07:00)."
            )
            % {"text": text[:40]}
        ) from None
