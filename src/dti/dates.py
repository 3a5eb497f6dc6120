"""The dates the DTI accepts from any input: 1900 to 2100.

A spreadsheet or a person may give year 0001 (an empty date cell typed as 01/01/0001, a
deadline mistyped) or 9999. Python holds them, but a time zone cannot move 0001-01-01 00:00
in Asia/Ho_Chi_Minh back to UTC (OverflowError, a 500 when it is stored), and no campaign,
unit or measurement of the DTI lies outside these years."""

from __future__ import annotations

from datetime import date, datetime

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


class DateError(ValueError):
    """A date outside EARLIEST..LATEST; the message is in Vietnamese."""


def checked_date(value: date) -> date:
    """`value` (a date or a datetime) when its day lies between EARLIEST and LATEST."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        shown = f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
        raise DateError(f"Ngày {shown} nằm ngoài khoảng năm {EARLIEST.year}–{LATEST.year}")
    return value
