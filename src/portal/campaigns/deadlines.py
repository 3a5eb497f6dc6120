"""Deadlines: how people type them (dd/mm/yyyy HH:MM, in the portal's time zone), how they
are shown, and when a unit is late."""

from __future__ import annotations

import re
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from dti.dates import DateError, checked_date
from portal.moments import moment_text
from portal.workflow import SubmissionState, deadline_passed

FORMAT = "%d/%m/%Y %H:%M"
EXAMPLE = "31/03/2025 17:00"
DONE = frozenset({SubmissionState.SUBMITTED, SubmissionState.APPROVED})


TYPED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2}))?")


def parse_deadline(text: str) -> datetime:
    """'31/03/2025 17:00' in the portal's time zone; a date alone means the end of that day
    (23:59), which is what an office means by "hạn đến ngày 31/03/2025". A day the calendar
    does not have (31/02) is refused as such, not as a wrong format."""
    text = " ".join(text.split())
    typed = TYPED.fullmatch(text)
    if typed is None:
        raise ValidationError(
            gettext(
                "“%(text)s” không đúng định dạng ngày giờ dd/mm/yyyy HH:MM (ví dụ %(example)s)."
            )
            % {"text": text, "example": EXAMPLE},
            code="invalid",
        )
    day, month, year = (int(part) for part in typed.groups()[:3])
    hour, minute = (23, 59) if typed[4] is None else (int(typed[4]), int(typed[5]))
    try:
        moment = datetime(year, month, day)  # noqa: DTZ001  (made aware below)
    except ValueError:
        raise ValidationError(
            gettext("Ngày %(date)s không có thật.") % {"date": f"{day:02d}/{month:02d}/{year}"},
            code="no_such_day",
        ) from None
    if hour > 23 or minute > 59:
        raise ValidationError(
            gettext("Giờ %(time)s không có thật (từ 00:00 đến 23:59).")
            % {"time": f"{hour:02d}:{minute:02d}"},
            code="no_such_time",
        )
    moment = datetime.combine(moment.date(), time(hour, minute))
    try:
        checked_date(moment)  # year 0001 cannot move to UTC: an OverflowError when saved
    except DateError as error:
        raise ValidationError(f"{error}.", code="out_of_range") from None
    return timezone.make_aware(moment)


def format_deadline(moment: datetime | None) -> str:
    return moment_text(moment)


def is_late(deadline: datetime | None, state: str, now: datetime) -> bool:
    """Past the deadline (or the unit's extension) and neither submitted nor approved."""
    return deadline_passed(deadline, now) and state not in DONE
