"""Deadlines: how people type them (dd/mm/yyyy HH:MM, in the portal's time zone), how they
are shown, and when a unit is late."""

from __future__ import annotations

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


def parse_deadline(text: str) -> datetime:
    """'31/03/2025 17:00' in the portal's time zone; a date alone means the end of that day
    (23:59), which is what an office means by "hạn đến ngày 31/03/2025"."""
    text = " ".join(text.split())
    for pattern, end_of_day in ((FORMAT, False), ("%d/%m/%Y", True)):
        try:
            parsed = datetime.strptime(text, pattern)  # noqa: DTZ007  (made aware below)
        except ValueError:
            continue
        if end_of_day:
            parsed = datetime.combine(parsed.date(), time(23, 59))
        try:
            checked_date(parsed)  # year 0001 cannot move to UTC: an OverflowError when saved
        except DateError as error:
            raise ValidationError(f"{error}.", code="out_of_range") from None
        return timezone.make_aware(parsed)
    raise ValidationError(
        gettext("“%(text)s” không đúng định dạng ngày giờ dd/mm/yyyy HH:MM (ví dụ %(example)s).")
        % {"text": text, "example": EXAMPLE},
        code="invalid",
    )


def format_deadline(moment: datetime | None) -> str:
    return moment_text(moment)


def is_late(deadline: datetime | None, state: str, now: datetime) -> bool:
    """Past the deadline (or the unit's extension) and neither submitted nor approved."""
    return deadline_passed(deadline, now) and state not in DONE
