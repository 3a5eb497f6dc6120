"""Checking what a report's sentences say against its tables: class counts, shares and the
units named in each class here; how many units a level or group has, years, averages,
thresholds and leaders in dti.audit.figures.

A run of consecutive sentences about classes ("Nhóm đạt mức Tốt 05 đơn vị: …", "Nhóm đạt
mức Khá 17 đơn vị: …") is checked against one ranking table: the smallest whose units include
every unit the run names (the general ranking, or a peer group's). A finding quotes the
sentence and names its paragraph (or page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from dti.audit.figures import LIST, NUMBER, UNITS, figure_findings
from dti.audit.findings import Finding, vi
from dti.audit.recognise import FoundTable
from dti.audit.sentences import Context, Named, Sentence, decimals, number
from dti.campaign import class_names
from dti.fixedpoint import round_half_up


def narrative_findings(context: Context, sentences: Sequence[Sentence]) -> list[Finding]:
    findings: list[Finding] = []
    findings += _class_runs(context, sentences)
    for sentence in sentences:
        findings += figure_findings(context, sentence)
    return findings


# ---- classes ---------------------------------------------------------------------------------


# class, count, share, names, the count as printed, and the total it is "of" ("05/23")
Statement = tuple[str, int, str | None, list[Named], str, int | None]


def _class_pattern(context: Context) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    labels: dict[str, str] = {}
    for level in context.campaign.levels.values():
        labels |= class_names(level.framework)
    alternation = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    share = (  # ", chiếm 21,7%", "(chiếm tỷ lệ 21,7%)", "(21,7%)"
        rf"(?:\s*,?\s*(?:\(\s*(?:chiếm\s+(?:tỷ lệ\s+)?)?|chiếm\s+(?:tỷ lệ\s+)?)"
        rf"(?P<share>{NUMBER})\s*%)?"
    )
    count = rf"(?P<count>\d+)(?:\s*/\s*(?P<of>\d+))?\s+{UNITS}"
    forward = re.compile(
        rf"(?:mức độ|mức|loại|xếp loại)\s+(?P<label>{alternation})\b\s*(?::|có|gồm|là)?\s*"
        rf"{count}{share}",
        re.I,
    )
    backward = re.compile(
        rf"{count}\s+(?:đạt|xếp|được xếp)\s+(?:mức độ|mức|loại)\s+(?P<label>{alternation})\b"
        rf"{share}",
        re.I,
    )
    return forward, backward, labels


def _class_statements(
    context: Context,
    sentence: Sentence,
    patterns: tuple[re.Pattern[str], re.Pattern[str], dict[str, str]],
) -> list[Statement]:
    """Every class statement of a sentence ("5 đơn vị đạt mức Tốt, 17 đơn vị đạt mức Khá"),
    each with the units listed after it, up to the next statement."""
    forward, backward, labels = patterns
    found = list(forward.finditer(sentence.text))
    found += [
        match
        for match in backward.finditer(sentence.text)
        if not any(
            f.start() <= match.start() < f.end() or match.start() <= f.start() < match.end()
            for f in found
        )
    ]
    found.sort(key=lambda m: m.start())
    out: list[Statement] = []
    for k, match in enumerate(found):
        stop = found[k + 1].start() if k + 1 < len(found) else len(sentence.text)
        rest = LIST.search(sentence.text[match.end() : stop])
        named = context.names_in(rest.group(1)) if rest else []
        of = int(match["of"]) if match["of"] else None
        label = labels[match["label"].casefold()]
        out.append((label, int(match["count"]), match["share"], named, match["count"], of))
    return out


def _class_runs(context: Context, sentences: Sequence[Sentence]) -> Iterator[Finding]:
    patterns = _class_pattern(context)
    run: list[tuple[Sentence, Statement]] = []
    for sentence in [*sentences, None]:
        statements = _class_statements(context, sentence, patterns) if sentence else []
        if statements and sentence is not None:
            run += [(sentence, statement) for statement in statements]
            continue
        if run:
            yield from _check_run(context, run)
        run = []


def _check_run(context: Context, run: list[tuple[Sentence, Statement]]) -> Iterator[Finding]:
    named = {n.unit for _, s in run for n in s[3] if n.unit}
    stated = {s[5] for _, s in run if s[5] is not None}  # "05/23": the ranking has 23 units
    total = stated.pop() if len(stated) == 1 else sum(s[1] for _, s in run)
    table = _table_for(context, named, total)
    if table is None and not named:
        table = _table_by_shares(context, [(s[1], s[2]) for _, s in run if s[2] is not None])
    for sentence, (label, count, share, names, printed, _) in run:
        if table is not None or names:
            context.note(sentence, "class", table.label if table else None)
        for unknown in (n for n in names if n.unit is None):
            hint = f"; gần giống: {', '.join(unknown.suggestions)}" if unknown.suggestions else ""
            yield sentence.finding(
                "unknown_unit",
                f"không có đơn vị nào tên “{unknown.text}”{hint}",
                published=unknown.text,
                expected="; ".join(unknown.suggestions) or None,
                mark=unknown.text,
            )
        if names and all(n.unit for n in names) and len(names) != count:
            yield sentence.finding(
                "class_count",
                f"câu nói {printed} đơn vị đạt mức {label} nhưng kể tên {len(names)} đơn vị",
                published=count,
                expected=len(names),
                mark=printed,
            )
        if table is None:
            continue
        classes = context.classes(table)
        members = [u for u, c in classes.items() if c == label]
        yield from _count_and_share(sentence, table, label, count, share, printed, classes)
        for n in names:
            if n.unit is not None and n.unit in classes and classes[n.unit] != label:
                yield sentence.finding(
                    "class_units",
                    f"“{n.text}” được kể ở mức {label}; {table.label} xếp {classes[n.unit]}",
                    unit=context.name(n.unit),
                    published=label,
                    expected=classes[n.unit],
                    mark=n.text,
                    table=table.label,
                )
        if not names:
            continue
        listed = {n.unit for n in names}
        for unit in members:
            if unit not in listed:
                yield sentence.finding(
                    "class_units",
                    f"{context.name(unit)} đạt mức {label} trong {table.label} "
                    "nhưng không được kể tên",
                    unit=context.name(unit),
                    published=None,
                    expected=label,
                    table=table.label,
                )


def _count_and_share(
    sentence: Sentence,
    table: FoundTable,
    label: str,
    count: int,
    share: str | None,
    printed: str,
    classes: dict[str, str],
) -> Iterator[Finding]:
    members = sum(1 for c in classes.values() if c == label)
    if count != members:
        yield sentence.finding(
            "class_count",
            f"câu nói {printed} đơn vị đạt mức {label}; {table.label} có {members} đơn vị"
            f" đạt mức {label}",
            published=count,
            expected=members,
            mark=printed,
            table=table.label,
        )
    if share is not None:
        expected = round_half_up(Decimal(100 * members) / len(classes), decimals(share))
        if number(share) != expected:
            yield sentence.finding(
                "share",
                f"tỷ lệ in {share}%, {members}/{len(classes)} đơn vị là {vi(expected)}%",
                published=number(share),
                expected=expected,
                mark=share,
                table=table.label,
            )


def _table_by_shares(context: Context, shares: list[tuple[int, str]]) -> FoundTable | None:
    """The ranking a run that lists no unit speaks of, from its shares when its counts fit
    none ("05 đơn vị … chiếm 21,7%": 5 of 23): the one ranking whose number of units gives
    more of the printed shares than any other, if any does."""
    fits: dict[str, tuple[int, FoundTable]] = {}
    for table in context.ranking_tables():
        size = len(context.classes(table))
        given = sum(
            1
            for count, share in shares
            if size and round_half_up(Decimal(100 * count) / size, decimals(share)) == number(share)
        )
        if given:
            fits[table.label] = (given, table)
    best = sorted(fits.values(), key=lambda pair: -pair[0])
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    return best[0][1]


def _table_for(context: Context, units: set[str], total: int) -> FoundTable | None:
    """The ranking a run of class sentences speaks of: the smallest one holding every unit
    the run names whose units the run's counts add up to, or which the run names in full.
    A run that fits none speaks of part of a ranking (a peer group whose table the report
    does not print, and whose classes may differ from the general ranking's): it is checked
    only against itself, never against a table it does not describe."""
    rankings = [t for t in context.ranking_tables() if units <= set(context.classes(t))]
    whole = [
        t
        for t in rankings
        if len(context.classes(t)) == total or (units and set(context.classes(t)) == units)
    ]
    if not units and len(whole) > 1:
        return None
    return min(whole, key=lambda t: len(context.classes(t))) if whole else None
