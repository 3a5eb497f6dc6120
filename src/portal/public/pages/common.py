"""What every page of a version shares: finding the version a URL names (or answering 404),
the links that keep to that version, the superseded banner, and numbers as the pages write
them (decimal comma, dd/mm/yyyy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from dti.fixedpoint import format_vi, round_half_up
from portal.form_text import control_character_message
from portal.moments import day_text, moment_text
from portal.publication.models import Version, VersionLevel
from portal.publication.selectors import levels_of, version_at
from portal.publication.unit_selectors import superseding

FIRST_YEAR, LAST_YEAR = 1900, 2100  # a year outside is no year of results: 404, no query
MAX_NUMBER = 32767  # versions are numbered 1..: a larger number is none
MAX_TEXT = 100  # characters of a name typed in a search or a filter
CACHE_SECONDS = 24 * 60 * 60  # cached public content; a new publication replaces it sooner


class Refused(Exception):
    """A query string no form of the site makes (a class the table has not, five units to
    compare, a name of 500 characters): the view answers 400 with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Banner:
    """A superseded version's notice: which version replaced it, why, and the current one."""

    replaced_by: int | None
    change_note: str
    current_url: str
    current_number: int | None


@dataclass
class Scope:
    """The version a page belongs to, reached as the current one (<province>/<year>/) or by
    its number (.../phien-ban-<n>/): links keep to the same version."""

    version: Version
    numbered: bool
    levels: list[VersionLevel]
    banner: Banner | None = None

    @property
    def province(self) -> str:
        return self.version.campaign.province.name

    @property
    def province_code(self) -> str:
        return self.version.campaign.province.code

    @property
    def year(self) -> int:
        return self.version.campaign.year

    @property
    def published(self) -> str:
        return moment_text(self.version.published_at)

    @property
    def version_url(self) -> str:
        return self.url("version")

    @property
    def methodology_url(self) -> str:
        return self.url("methodology")

    @property
    def corrections_url(self) -> str:
        return self.url("corrections")

    def kwargs(self, **more: Any) -> dict[str, Any]:
        found: dict[str, Any] = {"province": self.province_code, "year": self.year}
        if self.numbered:
            found["number"] = self.version.number
        return found | more

    def url(self, name: str, **more: Any) -> str:
        return link(f"public:{name}", **self.kwargs(**more))

    def level(self, code: str) -> VersionLevel:
        found = next((level for level in self.levels if level.level == code), None)
        if found is None:
            raise Http404
        return found


def link(name: str, **kwargs: Any) -> str:
    """The URL, or '' when a code stored in a version cannot make one (the page then shows
    the name without a link rather than failing)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def scope_of(province: str, year: int, number: int | None = None) -> Scope:
    """The published version the URL names, or 404: a pending, refused or never published
    one is not found, and a superseded one only by its number."""
    if number is not None and not 1 <= number <= MAX_NUMBER:
        raise Http404
    version = version_at(province, checked_year(year), number)
    if version is None:
        raise Http404
    scope = Scope(version, number is not None, levels_of(version))
    if version.superseded_at is not None:
        scope.banner = _banner(scope)
    return scope


def _banner(scope: Scope) -> Banner:
    following, current = superseding(scope.version)
    current_url = link(
        "public:version", province=scope.province_code, year=scope.year
    )  # the current version of the year, whichever number it has
    return Banner(
        replaced_by=following.number if following else None,
        change_note=following.change_note if following else "",
        current_url=current_url,
        current_number=current.number if current else None,
    )


def checked_text(value: str | None, what: str) -> str:
    """A name typed into a form: at most MAX_TEXT characters, no control characters."""
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise Refused(
            gettext("%(what)s dài quá: tối đa %(max)s ký tự.") % {"what": what, "max": MAX_TEXT}
        )
    problem = control_character_message(text)
    if problem:
        raise Refused(f"{what}: {problem}")
    return text


# ---- numbers and dates as pages write them ------------------------------------------------


def number_text(value: Decimal | None, decimals: int | None = None) -> str:
    """'481,45', '500', '99,3' ('' for no value): with `decimals`, rounded half up to them,
    as the framework displays the figure; without, as stored, no trailing zeros."""
    if value is None:
        return ""
    if decimals is not None:
        return format_vi(round_half_up(value, decimals))
    return format_vi(value.normalize())  # f"{Decimal('5E+2'):f}" is '500'


def plain_text(value: Any) -> str:
    """A figure of the corrections log as the page writes it: numbers with a comma."""
    if isinstance(value, Decimal):
        return number_text(value)
    text = str(value)
    try:
        return number_text(Decimal(text))
    except ArithmeticError:
        return text


def change_text(change: int | None) -> str:
    """A change of rank: '+3' (up three places), '−2', '0'; '' when unknown, never 0."""
    if change is None:
        return ""
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"−{-change}"
    return "0"


def iso_day(text: object) -> str:
    """A date kept as ISO text in a version's context, written dd/mm/yyyy ('' if none)."""
    if not isinstance(text, str) or not text:
        return ""
    moment = parse_datetime(text)
    if isinstance(moment, datetime):
        return moment_text(moment)
    day = parse_date(text)
    return day_text(day) if isinstance(day, date) else ""
