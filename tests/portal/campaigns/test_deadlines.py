"""How deadlines are typed and when a unit is late."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from portal.campaigns.deadlines import format_deadline, is_late, parse_deadline
from portal.workflow import SubmissionState

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2025, 3, 31, 17, 0, tzinfo=HCM)


@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("31/03/2025 17:00", DEADLINE),
        ("  31/03/2025   17:00 ", DEADLINE),
        ("31/03/2025", datetime(2025, 3, 31, 23, 59, tzinfo=HCM)),
        ("1/4/2025 8:05", datetime(2025, 4, 1, 8, 5, tzinfo=HCM)),
    ],
)
def test_it_reads_a_deadline_in_the_portals_time_zone(db, typed, moment):
    assert parse_deadline(typed) == moment
    assert format_deadline(moment) == moment.strftime("%d/%m/%Y %H:%M")


@pytest.mark.parametrize("typed", ["2025-03-31 17:00", "31/03/2025 17h", "31/03/25", ""])
def test_anything_else_is_refused_with_the_expected_format(db, typed):
    with pytest.raises(ValidationError, match="dd/mm/yyyy HH:MM"):
        parse_deadline(typed)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2026", "Ngày 31/02/2026 không có thật."),
        ("31/02/2026 17:00", "Ngày 31/02/2026 không có thật."),
        ("29/2/2025 8:00", "Ngày 29/02/2025 không có thật."),
        ("0/3/2025", "Ngày 00/03/2025 không có thật."),
        ("31/03/2025 24:00", "Giờ 24:00 không có thật (từ 00:00 đến 23:59)."),
    ],
)
def test_a_day_the_calendar_does_not_have_is_called_so(db, typed, message):
    with pytest.raises(ValidationError) as error:
        parse_deadline(typed)
    assert error.value.messages == [message]
    assert "định dạng" not in message


def test_the_leap_day_is_a_day(db):
    assert parse_deadline("29/02/2028 17:00") == datetime(2028, 2, 29, 17, 0, tzinfo=HCM)


@pytest.mark.parametrize(
    ("state", "minutes_after", "late"),
    [
        (SubmissionState.NOT_STARTED, 1, True),
        (SubmissionState.DRAFT, 1, True),
        (SubmissionState.DRAFT, 0, False),  # at the deadline itself, still in time
        (SubmissionState.DRAFT, -60, False),
        (SubmissionState.SUBMITTED, 60 * 24, False),
        (SubmissionState.APPROVED, 60 * 24, False),
    ],
)
def test_a_unit_is_late_after_its_deadline_until_it_submits(state, minutes_after, late):
    now = DEADLINE + timedelta(minutes=minutes_after)
    assert is_late(DEADLINE, state, now) is late


def test_without_a_deadline_nobody_is_late():
    assert not is_late(None, SubmissionState.NOT_STARTED, DEADLINE)
