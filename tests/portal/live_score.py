"""Reading the live score's fragment (assessments/_live_score.html) the way htmx does: every
element carrying hx-swap-oob names the part of the page it replaces. `read_live` turns the
fragment back into what the page would then show."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

_TARGET = re.compile(r"^(?P<swap>\w+):\[(?P<attr>[\w-]+)=['\"](?P<value>[^'\"]*)['\"]\]$")


class _Fragment(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._open: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if self._open is not None:
            self._depth += 1
            if tag == "a":
                self._open.append(f"#{(named.get('href') or '').removeprefix('#tc-')}")
            return
        if "hx-swap-oob" in named:
            self._open = []
            self._depth = 0
            self.parts.append((tag, named, self._open))
            if tag == "progress":
                self._open = None

    def handle_endtag(self, tag: str) -> None:
        if self._open is None:
            return
        if self._depth:
            self._depth -= 1
        else:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and data.strip():
            self._open.append(data.strip())


def read_live(html: str) -> dict[str, Any]:
    """{"criteria": {code: {"score", "problem"}}, "errors": {field: message},
    "indices": {code: {"score", "answered", "required"}}, "total", "max", "ratio", "class",
    "missing": [code, ...] (None when the fragment has no list of what is missing)}."""
    parser = _Fragment()
    parser.feed(html)
    result: dict[str, Any] = {"criteria": {}, "errors": {}, "indices": {}, "missing": None}
    for _tag, attrs, texts in parser.parts:
        oob = attrs["hx-swap-oob"] or ""
        if oob == "true" and attrs.get("id") == "missing":
            result["missing"] = [t[1:] for t in texts if t.startswith("#")]
            continue
        target = _TARGET.match(oob)
        assert target, f"an out-of-band part without a target: {oob}"
        attr, value, text = target["attr"], target["value"], " ".join(texts)
        if attr in ("data-score", "data-problem"):
            result["criteria"].setdefault(value, {})[attr[5:]] = text
        elif attr == "data-error-for":
            if text:
                result["errors"][value] = text
        elif attr == "data-index-score":
            result["indices"].setdefault(value, {})["score"] = text
        elif attr == "data-index-answered":
            result["indices"].setdefault(value, {})["answered"] = int(text)
        elif attr == "data-index-progress":
            result["indices"].setdefault(value, {})["required"] = int(attrs["max"] or 0)
        elif attr == "data-summary":
            result[value] = text
        else:
            raise AssertionError(f"an unknown part of the page: {oob}")
    return result
