"""Charts drawn on the server as inline SVG: horizontal bars on a 0–100 % scale, one group
of bars per category (a main index, a year, a class), one bar per series (the unit, the
level's average, its peer group's).

No script and no style attribute (the Content-Security-Policy allows neither): geometry is
in SVG attributes, colours come from classes styled in public.css. Each chart has a title
and a description for screen readers, and every page that shows one shows the same figures
in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dti.fixedpoint import format_vi, round_half_up

# In the SVG's own units: drawn 360 wide, it is about life size on a phone and scaled up
# a little on a laptop (public.css caps its width), so the text stays readable on both.
WIDTH = 360
LEFT = 4
VALUE_ROOM = 52  # right of the longest bar: its value
FONT = 13
LINE = 18  # a category's name, and each row of the legend
BAR = 13
GAP = 3  # between the bars of a category
SPACE = 12  # between categories
SERIES = 4  # distinct colours in public.css (.chart .s0 … .s3)
LONGEST = 52  # characters of a label that fit the width; longer ones end with "…"


@dataclass(frozen=True)
class Category:
    label: str
    values: Sequence[Decimal | None]  # one per series, a percent; None: no bar
    texts: Sequence[str] = ()  # the values as written at the bars ('' or missing: the percent)


def bar_chart(
    ident: str,
    title: str,
    description: str,
    series: Sequence[str],
    categories: Sequence[Category],
) -> SafeString:
    """An SVG of horizontal bars. `ident` makes the ids of its title and description unique
    on the page."""
    parts: list[str] = []
    y = 0
    if len(series) > 1:
        for number, name in enumerate(series):
            parts.append(
                f'<rect class="s{number % SERIES}" x="{LEFT}" y="{y + 4}" width="12" height="12"/>'
                f'<text class="label" x="{LEFT + 18}" y="{y + 15}" font-size="{FONT}">'
                f"{escape(_fitted(name))}</text>"
            )
            y += LINE
        y += SPACE // 2
    scale = WIDTH - LEFT - VALUE_ROOM
    for category in categories:
        parts.append(
            f'<text class="label" x="{LEFT}" y="{y + FONT}" font-size="{FONT}">'
            f"{escape(_fitted(category.label))}</text>"
        )
        y += LINE
        for number, value in enumerate(category.values):
            text = category.texts[number] if number < len(category.texts) else ""
            parts.append(_bar(number, value, text, y, scale, series))
            y += BAR + GAP
        y += SPACE
    height = max(y, LINE)
    return mark_safe(  # noqa: S308  every text above is escaped
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-tieu-de {ident}-mo-ta" focusable="false">'
        f'<title id="{ident}-tieu-de">{escape(title)}</title>'
        f'<desc id="{ident}-mo-ta">{escape(description)}</desc>'
        f'<line class="axis" x1="{LEFT}" y1="0" x2="{LEFT}" y2="{height}"/>'
        + "".join(parts)
        + "</svg>"
    )


def _fitted(label: str) -> str:
    """A label cut to the chart's width (the table beside the chart has it whole)."""
    return label if len(label) <= LONGEST else label[: LONGEST - 1].rstrip() + "…"


def _bar(
    number: int, value: Decimal | None, text: str, y: int, scale: int, series: Sequence[str]
) -> str:
    if value is None:
        return ""
    clamped = min(max(value, Decimal(0)), Decimal(100))
    width = int(round_half_up(clamped * scale / 100, 0))
    shown = text or f"{format_vi(round_half_up(value, 1))}%"
    name = series[number] if number < len(series) else ""
    tooltip = f"{name}: {shown}" if name else shown
    return (
        f'<rect class="s{number % SERIES}" x="{LEFT}" y="{y}" width="{max(width, 1)}" '
        f'height="{BAR}"><title>{escape(tooltip)}</title></rect>'
        f'<text class="value" x="{LEFT + width + 4}" y="{y + BAR - 2}" font-size="{FONT - 1}">'
        f"{escape(shown)}</text>"
    )
