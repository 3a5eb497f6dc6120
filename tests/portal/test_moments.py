"""One date format across the portal: 20/05/2099 17:00, or 20/05/2099 for a day. The
templates and the code are scanned for any other order, and the helpers and Django's own
formats (a datetime printed without a filter) write that one."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.moments import day_text, moment_text
from tests.conftest import REPO

PORTAL = REPO / "src" / "portal"
ALLOWED_FILTERS = {'"d/m/Y H:i"', '"d/m/Y"'}
# Files, not pages: the audit log's CSV keeps the seconds an auditor sorts by.
ALLOWED_STRFTIME = {
    ("auditlog/exports.py", "MOMENT"),
    ("moments.py", "MOMENT"),
    ("moments.py", "DAY"),
    ("backups/restore.py", '"%Y%m%dT%H%M%SZ"'),  # a set-aside file's name, not a date to read
}


def test_every_template_date_filter_uses_the_one_format():
    found = set()
    for path in PORTAL.rglob("*.html"):
        for match in re.finditer(r"\|\s*date(?::\s*(\"[^\"]*\"|'[^']*'))?", path.read_text()):
            found.add((path.relative_to(PORTAL).as_posix(), match.group(1)))
    other = {(path, fmt) for path, fmt in found if fmt not in ALLOWED_FILTERS | {None, "'c'"}}
    assert found and not other
    for path in PORTAL.rglob("*.html"):  # ISO 8601 only for machines: <time datetime="…">
        text = path.read_text()
        assert text.count("|date:'c'") == len(
            re.findall(r'datetime="\{\{[^}]*\|date:\'c\' \}\}"', text)
        )
    assert not [path for path in PORTAL.rglob("*.html") if "|time" in path.read_text()]


def test_the_code_formats_dates_only_through_the_helpers():
    calls = set()
    for path in PORTAL.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for match in re.finditer(r"strftime\(([^)]*)\)", path.read_text()):
            calls.add((path.relative_to(PORTAL).as_posix(), match.group(1)))
    assert calls and calls <= ALLOWED_STRFTIME


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_helpers_and_djangos_formats_write_day_month_year_then_time(language, settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    moment = datetime(2099, 5, 20, 10, 0, tzinfo=UTC)  # 17:00 in Hà Nội
    with translation.override(language):
        assert moment_text(moment) == "20/05/2099 17:00"
        assert day_text(date(2099, 5, 20)) == "20/05/2099"
        printed = Template("{{ at }}|{{ at|date }}|{{ day }}").render(
            Context({"at": moment, "day": date(2099, 5, 20)})
        )
    assert printed == "20/05/2099 17:00|20/05/2099|20/05/2099"
    assert moment_text(None) == day_text(None) == ""


def test_a_form_prefills_a_moment_day_first(settings):
    """Django writes a datetime into an input with the first input format."""
    from django import forms

    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"

    class Deadline(forms.Form):
        due = forms.DateTimeField()

    with translation.override("vi"):
        html = str(Deadline(initial={"due": datetime(2099, 5, 20, 10, 0, tzinfo=UTC)})["due"])
    assert 'value="20/05/2099 17:00"' in html
