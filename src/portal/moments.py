"""Dates and times as the portal shows them: one format everywhere, 20/05/2099 17:00 (a date
without a time of day: 20/05/2099), in the portal's time zone, in both languages.

Templates write `|date:"d/m/Y H:i"` (`TEMPLATE_MOMENT`) or `|date:"d/m/Y"`; Python writes
`moment_text` and `day_text`. tests/portal/test_moments.py scans the templates and the code
for any other order."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

MOMENT = "%d/%m/%Y %H:%M"
DAY = "%d/%m/%Y"
TEMPLATE_MOMENT = "d/m/Y H:i"
TEMPLATE_DAY = "d/m/Y"


def moment_text(moment: datetime | None) -> str:
    """'20/05/2099 17:00' in the portal's time zone ('' for no moment); a naive moment is
    taken as already local."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.strftime(MOMENT)


def day_text(day: date | None) -> str:
    """'20/05/2099' ('' for no day)."""
    return day.strftime(DAY) if day is not None else ""
