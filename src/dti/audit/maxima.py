"""Checking what a report says about maximum points against the campaign's framework: the
table of main indices and their maxima, the sentences that give a set of units a smaller
maximum ("Đối với các 03 đơn vị (…): … tổng điểm của 07 nhóm tiêu chí là 445 điểm"), and
the footnotes that mark those units in a table ("(*) là đơn vị có tổng điểm … là 485")."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from dti.audit.findings import Finding, vi
from dti.audit.recognise import FoundTable
from dti.audit.sentences import Context, Named, Sentence, number
from dti.campaign import Level
from dti.names import footnote_marks, loose_label, normalize_label
from dti.tables.cells import NotANumber, parse_number

_FOR_UNITS = re.compile(r"Đối với (?:các |cả )?(?:(\d+) )?(?:đơn vị|cơ quan) ?\(([^)]*)\)", re.I)
_FOR_REST = re.compile(
    r"Đối với (?:các|những) đơn vị còn lại(?: ?\((?:ngoại trừ|trừ) ([^)]*)\))?", re.I
)
_TOTAL_MAX = re.compile(
    r"tổng điểm của (?:\d+ )?(?:nhóm tiêu chí|chỉ số chính|nhóm chỉ số) là"
    r"\s+\**(\d+(?:[.,]\d+)?)\**\s*điểm",
    re.I,
)
_INDEX_MAX = re.compile(r"nhóm tiêu chí số \((\d+)\) là\s+(\d+(?:[.,]\d+)?)\s*điểm", re.I)
_FOOTNOTE = re.compile(r"^\((\*+)\)\s*là đơn vị có tổng điểm.*?là\s+\**(\d+(?:[.,]\d+)?)", re.I)
_INDEX_COUNT = re.compile(r"(\d+)\s+(?:nhóm tiêu chí|chỉ số chính|nhóm chỉ số)\b", re.I)
_COUNT_IN_HEADER = re.compile(r"\((\d+) chỉ số chính\)", re.I)
_TOTAL_IN_HEADER = re.compile(r"tối đa\s*\((\d+(?:[.,]\d+)?)\)", re.I)


def maxima_findings(context: Context, sentences: Sequence[Sentence]) -> list[Finding]:
    findings: list[Finding] = []
    named_before: set[str] = set()
    for sentence in sentences:
        findings += _applicable(context, sentence, named_before)
        findings += _footnote(context, sentence)
        findings += _index_count(context, sentence)
    for table in context.tables:
        if table.kind == "framework":
            findings += _framework_table(context, table)
    return findings


def _applicable(context: Context, sentence: Sentence, named_before: set[str]) -> Iterator[Finding]:
    total = _TOTAL_MAX.search(sentence.text)
    index = _INDEX_MAX.search(sentence.text)
    if not total and not index:
        return
    units: list[Named]
    stated: str | None = None
    match = _FOR_UNITS.search(sentence.text)
    if match:
        stated = match.group(1)
        units = context.names_in(match.group(2))
        level = context.level_of([n.unit for n in units if n.unit])
        if level is None:
            return
        named_before.update(n.unit for n in units if n.unit)
    else:
        rest = _FOR_REST.search(sentence.text)
        if not rest:
            return
        excepted = context.names_in(rest.group(1)) if rest.group(1) else []
        level = context.level_of(sorted(named_before)) if named_before else None
        if level is None:
            return
        skip = named_before | {n.unit for n in excepted if n.unit}
        units = [Named(u.name, u.id) for u in level.units if u.id not in skip]
    context.note(sentence, "applicable_max")
    if stated is not None and int(stated) != len(units):
        yield sentence.finding(
            "applicable_max",
            f"câu nói {stated} đơn vị nhưng kể tên {len(units)}",
            published=stated,
            expected=len(units),
            mark=stated,
        )
    for n in units:
        if n.unit is None:
            yield sentence.finding(
                "unknown_unit", f"không có đơn vị nào tên “{n.text}”", published=n.text, mark=n.text
            )
            continue
        yield from _one(context, sentence, level, n, total, index)


def _one(
    context: Context,
    sentence: Sentence,
    level: Level,
    named: Named,
    total: re.Match[str] | None,
    index: re.Match[str] | None,
) -> Iterator[Finding]:
    assert named.unit is not None
    name = context.name(named.unit)
    if total is not None:
        expected = context.applicable_max(level, named.unit)
        if number(total.group(1)) != expected:
            yield sentence.finding(
                "applicable_max",
                f"câu nói tổng điểm tối đa của {name} là {total.group(1)}; "
                f"theo bộ chỉ số là {vi(expected)}",
                unit=name,
                published=number(total.group(1)),
                expected=expected,
                mark=total.group(1),
            )
    if index is not None:
        position = int(index.group(1))
        indices = level.framework.main_indices
        if not 1 <= position <= len(indices):
            return
        node = indices[position - 1]
        expected = context.applicable_max(level, named.unit, node.code)
        if number(index.group(2)) != expected:
            yield sentence.finding(
                "applicable_max",
                f"câu nói điểm tối đa chỉ số ({position}) {node.name} của {name} "
                f"là {index.group(2)}; "
                f"theo bộ chỉ số là {vi(expected)}",
                unit=name,
                published=number(index.group(2)),
                expected=expected,
                mark=index.group(2),
            )


def _footnote(context: Context, sentence: Sentence) -> Iterator[Finding]:
    """Each unit a footnote marks, in the nearest table before it that prints that mark."""
    match = _FOOTNOTE.search(sentence.text)
    if not match:
        return
    marks, stated = match.group(1), number(match.group(2))
    tables = [t for t in context.ranking_tables() if t.published and _before(t, sentence)]
    for table in reversed(tables):
        assert table.published is not None and table.level is not None
        rows = [r for r in table.published.rows if footnote_marks(r.printed_name) == marks]
        if not rows:
            continue
        level = context.campaign.level(table.level)
        context.note(sentence, "footnote", table.label)
        for row in rows:
            expected = context.applicable_max(level, row.unit)
            if expected != stated:
                name = context.name(row.unit)
                yield sentence.finding(
                    "footnote",
                    f"{table.label} đánh dấu {marks} cho {name} (tổng điểm tối đa {vi(stated)}); "
                    f"theo bộ chỉ số là {vi(expected)}",
                    unit=name,
                    published=stated,
                    expected=expected,
                    mark=match.group(2),
                    table=table.label,
                )
        return


def _index_count(context: Context, sentence: Sentence) -> Iterator[Finding]:
    """ "Cấp sở: Đánh giá trên 07 nhóm tiêu chí", "Điểm DTI cấp huyện là tổng điểm của 08 chỉ
    số chính": the number of main indices of the level the sentence names."""
    match = _INDEX_COUNT.search(sentence.text)
    if not match or re.search(r"đơn vị|tổng điểm của \d+ nhóm tiêu chí là", sentence.text, re.I):
        return
    level = context.level_named(sentence.text)
    if level is None:
        return
    context.note(sentence, "index_count")
    indices = level.framework.main_indices
    if int(match.group(1)) == len(indices):
        return
    text = loose_label(sentence.text)
    named = [n for n in indices if any(loose_label(x) in text for x in (n.name, *n.aliases))]
    unnamed = [n.name for n in indices if n not in named]
    extra = f" (câu chưa nêu “{'”, “'.join(unnamed)}”)" if named and unnamed else ""
    yield sentence.finding(
        "index_count",
        f"câu nói {match.group(1)} chỉ số chính; tổng điểm của khối {level.name} gồm "
        f"{len(indices)} chỉ số chính{extra}",
        published=match.group(1),
        expected=len(indices),
        mark=match.group(1),
    )


def _before(table: FoundTable, sentence: Sentence) -> bool:
    t, s = table.block.where, sentence.where
    if t.source != s.source:
        return False
    return (t.paragraph or 0) <= (s.paragraph or 0)


def _framework_table(context: Context, table: FoundTable) -> Iterator[Finding]:
    """Each row's maximum against the framework's, and the header's counts and total."""
    assert table.level is not None
    level = context.campaign.level(table.level)
    framework = level.framework
    nodes = {
        normalize_label(n): node for node in framework.all_nodes for n in (node.name, *node.aliases)
    }
    header = table.block.rows[0] if table.block.rows else ()
    column = next(
        (i for i, h in reversed(list(enumerate(header))) if "tối đa" in h.casefold()), None
    )
    location = f"{table.block.where.source}, {table.block.where.describe()}"
    for i, cells in enumerate(table.block.rows[1:], start=2):
        node = next((nodes[normalize_label(c)] for c in cells if normalize_label(c) in nodes), None)
        if node is None or column is None or column >= len(cells):
            continue
        printed = _value(cells[column])
        if printed is not None and printed != node.max:
            yield Finding(
                "framework",
                table.label,
                i,
                None,
                header[column],
                str(printed),
                str(node.max),
                f"điểm tối đa của “{node.name}” in {vi(printed)}; "
                f"theo {framework.name} là {vi(node.max)}",
                location,
                " | ".join(cells),
                cells[column],
            )
    for cell in header:
        count = _COUNT_IN_HEADER.search(cell)
        if count and int(count.group(1)) != len(framework.main_indices):
            yield Finding(
                "framework",
                table.label,
                1,
                None,
                cell,
                count.group(1),
                str(len(framework.main_indices)),
                f"bảng nói {count.group(1)} chỉ số chính; "
                f"bộ chỉ số có {len(framework.main_indices)}",
                location,
                " | ".join(header),
                count.group(1),
            )
        total = _TOTAL_IN_HEADER.search(cell)
        expected = sum((n.max for n in framework.nodes), Decimal(0))
        if total and number(total.group(1)) != expected:
            yield Finding(
                "framework",
                table.label,
                1,
                None,
                cell,
                total.group(1),
                str(expected),
                f"bảng nói tổng điểm tối đa {total.group(1)}; bộ chỉ số là {vi(expected)}",
                location,
                " | ".join(header),
                total.group(1),
            )


def _value(text: str) -> Decimal | None:
    try:
        return parse_number(text).value
    except (NotANumber, ValueError):
        return None
