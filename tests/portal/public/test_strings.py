"""Every word the public templates show is marked for translation: once the tags, the
variables and the marked strings are taken out, no letter is left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[3] / "src/portal/public/templates/public"

MARKED = [
    re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
    re.compile(r"<[^>]*>", re.S),
    re.compile(r"&[a-z]+;"),
]


def unmarked(template: Path) -> str:
    source = template.read_text(encoding="utf-8")
    for pattern in MARKED:
        source = pattern.sub(" ", source)
    return " ".join(source.split())


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_no_word_is_left_unmarked(template: Path):
    left = unmarked(template)
    assert not re.search(r"[^\W\d_]", left), f"{template.name}: unmarked text {left!r}"


def test_the_check_finds_an_unmarked_word(tmp_path: Path):
    planted = tmp_path / "planted.html"
    planted.write_text('{% load i18n %}<p title="{% translate "Có" %}">Xếp hạng</p>', "utf-8")
    assert unmarked(planted) == "Xếp hạng"
