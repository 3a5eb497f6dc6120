"""The design system's rules that can be read from the files (docs/design.md): every table
sits in a frame that scrolls on a phone (and takes the focus, so a keyboard scrolls it too), the text colours of the stylesheet reach WCAG's
4.5:1 on the backgrounds they are used on and the focus ring 3:1, and every page has a skip
link to its main content. The browser tests measure the pages themselves
(tests/browser/test_every_page.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.portal.conftest import Cast

SRC = Path(__file__).resolve().parents[3] / "src"
SITE_CSS = SRC / "portal" / "static" / "portal" / "site.css"


def templates() -> list[Path]:
    return sorted(SRC.rglob("templates/**/*.html"))


def test_every_table_is_in_a_scrolling_frame():
    unwrapped = []
    for path in templates():
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if line.lstrip().startswith("<table"):
                before = lines[number - 1].strip() if number else ""
                if before != '<div class="table-scroll" tabindex="0">':
                    unwrapped.append(f"{path.relative_to(SRC)}:{number + 1}")
    assert len(templates()) > 50
    assert unwrapped == []


def tokens() -> dict[str, str]:
    root = re.search(r":root \{(.*?)\n\}", SITE_CSS.read_text(encoding="utf-8"), re.S)
    assert root
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", root.group(1)))


def luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# (text, background, minimum): the pairs the stylesheet puts together.
PAIRS = [
    ("ink", "surface", 4.5), ("ink", "page", 4.5), ("ink", "surface-alt", 4.5),
    ("muted", "surface", 4.5), ("muted", "page", 4.5), ("muted", "surface-alt", 4.5),
    ("accent", "surface", 4.5), ("accent", "page", 4.5), ("accent", "info-bg", 4.5),
    ("surface", "accent", 4.5), ("surface", "accent-dark", 4.5), ("surface", "bad", 4.5),
    ("ok", "ok-bg", 4.5), ("warn", "warn-bg", 4.5), ("bad", "bad-bg", 4.5),
    ("ok", "surface", 4.5), ("warn", "surface", 4.5), ("bad", "surface", 4.5),
    ("focus", "surface", 3), ("focus", "page", 3), ("focus-on-accent", "accent", 3),
    ("line-strong", "surface", 3),  # the edge of a field (WCAG 1.4.11)
]  # fmt: skip


@pytest.mark.parametrize(("text", "background", "minimum"), PAIRS)
def test_the_colours_reach_the_contrast_wcag_asks(text: str, background: str, minimum: float):
    colours = tokens()
    ratio = contrast(colours[text], colours[background])
    assert ratio >= minimum, f"--{text} on --{background}: {ratio:.2f}:1"


def test_the_green_badge_of_before_would_have_failed():
    assert contrast("#1e7d32", "#dff3e3") < 4.5  # 4.48:1, the badge the issue measured


def test_every_page_starts_with_a_skip_link_to_its_main_content(cast: Cast):
    for client in (cast.client(None), cast.client(cast.lan)):
        html = client.get("/", follow=True).content.decode()  # visitors: the public landing
        body = html.split("<body>", 1)[1].lstrip()
        assert body.startswith('<a class="skip-link" href="#main">Bỏ qua, đến nội dung chính</a>')
        assert html.count('<main id="main"') == 1


def test_the_menu_folds_into_a_disclosure_on_a_phone():
    css = SITE_CSS.read_text(encoding="utf-8")
    phone = css.split("@media (max-width: 40rem)", 1)[1].split("\n}\n", 1)[0]
    assert "nav.menu-wide { display: none; }" in phone
    assert "details.menu-narrow { display: block; }" in phone
