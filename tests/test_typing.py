"""`make lint` runs mypy --strict over all of src. What it is told to overlook stays visible
and explained: every `type: ignore` in src names its error codes and says why, after it on
the same line (`# type: ignore[attr-defined]  # set by accounts.middleware`)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from tests.conftest import REPO

IGNORE = re.compile(r"type:\s*ignore")
# The codes in brackets, then a second comment with some text: the reason.
EXPLAINED = re.compile(r"type:\s*ignore\[[a-z][a-z-]*(\s*,\s*[a-z][a-z-]*)*\]\s+#\s*\S")


def ignores(source: str) -> list[tuple[int, str]]:
    """(line, comment) of every comment that holds a `type: ignore`; text in strings and
    docstrings is not a comment and is not looked at."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [
        (token.start[0], token.string)
        for token in tokens
        if token.type == tokenize.COMMENT and IGNORE.search(token.string)
    ]


def unexplained(source: str) -> list[tuple[int, str]]:
    return [(line, comment) for line, comment in ignores(source) if not EXPLAINED.search(comment)]


@pytest.mark.parametrize(
    "line",
    [
        "x = f()  # type: ignore[attr-defined]  # set by the middleware",
        "x = f()  # type: ignore[attr-defined, no-any-return]  # a JSONField: Any",
        "x = f()  # type: ignore[misc] # django-otp ships no types",
    ],
)
def test_an_ignore_with_codes_and_a_reason_passes(line):
    assert ignores(line) and not unexplained(line)


@pytest.mark.parametrize(
    "line",
    [
        "x = f()  # type: ignore",
        "x = f()  # type: ignore  # no code",
        "x = f()  # type:ignore[attr-defined]",
        "x = f()  # type: ignore[attr-defined]",
        "x = f()  # type: ignore[attr-defined]  #",
        "x = f()  # type: ignore[]  # empty brackets",
        "x = f()  # type: ignore # [attr-defined] the code out of its brackets",
    ],
)
def test_an_ignore_without_codes_or_reason_is_found(line):
    assert unexplained(line)


def test_text_in_a_string_is_no_ignore():
    assert not ignores('WHY = "a bare # type: ignore hides every error on its line"\n')


def test_every_type_ignore_in_src_names_its_codes_and_says_why():
    found = [
        f"{path.relative_to(REPO)}:{line}: {comment}"
        for path in sorted((REPO / "src").rglob("*.py"))
        for line, comment in unexplained(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_src_holds_python_files_to_scan():
    assert len(list(Path(REPO / "src").rglob("*.py"))) > 100
