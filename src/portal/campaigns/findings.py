"""A finding of a published report's audit (dti.audit.findings.Finding, stored as a dict on
the level) as a page shows it: where it is, what is wrong, and the row or sentence as printed
with the wrong part marked. The printed text is the report's, whoever wrote it: escaped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import escape, format_html
from django.utils.translation import gettext


@dataclass(frozen=True)
class Finding:
    where: str
    message: str
    context: str = ""  # the row or sentence as printed, escaped, its wrong part in <mark>


def shown_findings(items: list[dict[str, Any]] | None) -> list[Finding]:
    return [shown_finding(item) for item in items or []]


def shown_finding(item: dict[str, Any]) -> Finding:
    """A stored finding (dti.audit.findings.Finding.as_dict): where it is, by table and row,
    or, from a whole report, by its place in the report's file (a table's caption first
    when the place does not name it); then the unit and the column."""
    table, location = str(item.get("table") or ""), str(item.get("location") or "")
    if location:
        named = not table or table in location or not item.get("row")
        parts = [location if named else f"{table} ({location})"]
    else:
        parts = [table]
        if item.get("row"):
            parts.append(gettext("dòng %(row)s") % {"row": item["row"]})
    if item.get("unit"):
        parts.append(str(item["unit"]))
    if item.get("column"):
        parts.append(gettext("cột “%(column)s”") % {"column": item["column"]})
    return Finding(
        ", ".join(p for p in parts if p),
        str(item.get("message") or ""),
        _context(str(item.get("context") or ""), str(item.get("mark") or "")),
    )


CONTEXT_AROUND = 160  # characters of a long sentence kept on each side of its wrong part


def _context(context: str, mark: str) -> str:
    """The printed text, escaped (it is the report's, whoever wrote it), cut around its
    wrong part, which is in <mark>."""
    at = context.find(mark) if mark else -1
    if at < 0:
        return escape(_head(context, 2 * CONTEXT_AROUND))
    before = context[:at]
    if len(before) > CONTEXT_AROUND:
        before = "…" + before[-CONTEXT_AROUND:].split(" ", 1)[-1]
    after = _head(context[at + len(mark) :], CONTEXT_AROUND)
    return format_html("{}<mark>{}</mark>{}", before, mark, after)


def _head(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"
