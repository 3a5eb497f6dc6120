"""Checking what a report's sentences say against its tables: class counts, shares and the
units named in each class, how many units a level or group has, the year a result is
compared with, averages, counts above a threshold, and who leads or trails.

A run of consecutive sentences about classes ("Nhóm đạt mức Tốt 05 đơn vị: …", "Nhóm đạt
mức Khá 17 đơn vị: …") is checked against one ranking table: the smallest whose units include
every unit the run names (the general ranking, or a peer group's). A finding quotes the
sentence and names its paragraph (or page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from dti.audit.findings import Finding, vi
from dti.audit.recognise import FoundTable
from dti.audit.sentences import Context, Named, Sentence, decimals, number
from dti.campaign import class_names
from dti.fixedpoint import round_half_up
from dti.names import loose_label

_UNITS = r"(?:đơn vị|cơ quan|địa phương|sở, ban, ngành|sở|huyện|xã|phường)"
_NUMBER = r"\d+(?:[.,]\d+)?"
_YEAR = re.compile(r"so với (?:cùng kỳ )?(?:năm )?((?:19|20)\d{2})", re.I)
_AVERAGE = re.compile(
    rf"điểm trung bình(?: chung)?(?: của [^,;.]*?)? (?:đạt|là)\s+({_NUMBER})\s*điểm", re.I
)
_THRESHOLD = re.compile(
    rf"(\d+)\s*/\s*(\d+)\s+{_UNITS}\s+đạt\s+(?:điểm\s+|mức\s+)?"
    rf"(?:(trung bình)|(?:từ\s+)?({_NUMBER})\s*điểm)"
    rf"\s+trở lên(?:[^%]*?chiếm\s+({_NUMBER})\s*%)?",
    re.I,
)
_TOP = re.compile(r"(dẫn đầu|đứng đầu|cao nhất|xếp hạng cao nhất)", re.I)
_BOTTOM = re.compile(r"(thấp nhất|đứng cuối|cuối bảng|xếp cuối)", re.I)
_LIST = re.compile(r"(?:là|gồm|:)\s*(.+)$")
_COUNT_OF = re.compile(rf"^[-+*•\s]*(.{{3,90}}?)\s*(?::|gồm|có)\s*({_NUMBER})\s+{_UNITS}\b", re.I)
_STOPWORDS = {"khoi", "cac", "nhom", "ubnd", "tinh", "don", "vi"}


def narrative_findings(context: Context, sentences: Sequence[Sentence]) -> list[Finding]:
    findings: list[Finding] = []
    findings += _class_runs(context, sentences)
    for sentence in sentences:
        findings += _year(context, sentence)
        findings += _count_of(context, sentence)
        findings += _average(context, sentence)
        findings += _threshold(context, sentence)
        findings += _top_bottom(context, sentence)
    return findings


# ---- classes ---------------------------------------------------------------------------------


def _class_pattern(context: Context) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    labels: dict[str, str] = {}
    for level in context.campaign.levels.values():
        labels |= class_names(level.framework)
    alternation = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    forward = re.compile(
        rf"(?:mức độ|mức|loại|xếp loại)\s+({alternation})\b\s*(?:có|gồm|là)?\s*(\d+)\s+{_UNITS}"
        rf"(?:\s*,?\s*chiếm\s+({_NUMBER})\s*%)?",
        re.I,
    )
    backward = re.compile(
        rf"(\d+)\s+{_UNITS}\s+(?:đạt|xếp)\s+(?:mức độ|mức|loại)\s+({alternation})\b"
        rf"(?:\s*,?\s*chiếm\s+({_NUMBER})\s*%)?",
        re.I,
    )
    return forward, backward, labels


def _class_statement(
    context: Context,
    sentence: Sentence,
    patterns: tuple[re.Pattern[str], re.Pattern[str], dict[str, str]],
) -> tuple[str, int, str | None, list[Named], str] | None:
    forward, backward, labels = patterns
    match = forward.search(sentence.text)
    if match:
        label, count, share = match.group(1), match.group(2), match.group(3)
        printed_count = match.group(2)
    else:
        match = backward.search(sentence.text)
        if not match:
            return None
        label, count, share = match.group(2), match.group(1), match.group(3)
        printed_count = match.group(1)
    rest = _LIST.search(sentence.text[match.end() :])
    named = context.names_in(rest.group(1)) if rest else []
    return labels[label.casefold()], int(count), share, named, printed_count


def _class_runs(context: Context, sentences: Sequence[Sentence]) -> Iterator[Finding]:
    patterns = _class_pattern(context)
    run: list[tuple[Sentence, tuple[str, int, str | None, list[Named], str]]] = []
    for sentence in [*sentences, None]:
        statement = _class_statement(context, sentence, patterns) if sentence else None
        if statement is not None and sentence is not None:
            run.append((sentence, statement))
            continue
        if run:
            yield from _check_run(context, run)
        run = []


def _check_run(
    context: Context, run: list[tuple[Sentence, tuple[str, int, str | None, list[Named], str]]]
) -> Iterator[Finding]:
    named = {n.unit for _, s in run for n in s[3] if n.unit}
    table = _table_for(context, named, sum(s[1] for _, s in run))
    for sentence, (label, count, share, names, printed) in run:
        context.note(sentence, "class", table.label if table else None)
        for unknown in (n for n in names if n.unit is None):
            hint = f"; gần giống: {', '.join(unknown.suggestions)}" if unknown.suggestions else ""
            yield sentence.finding(
                "unknown_unit",
                f"không có đơn vị nào tên “{unknown.text}”{hint}",
                published=unknown.text,
                expected=", ".join(unknown.suggestions) or None,
                mark=unknown.text,
            )
        if names and len(names) != count:
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
        if count != len(members):
            yield sentence.finding(
                "class_count",
                f"câu nói {printed} đơn vị đạt mức {label}; {table.label} có {len(members)}",
                published=count,
                expected=len(members),
                mark=printed,
                table=table.label,
            )
        if share is not None:
            expected = round_half_up(Decimal(100 * len(members)) / len(classes), decimals(share))
            if number(share) != expected:
                yield sentence.finding(
                    "share",
                    f"tỷ lệ in {share}%, {len(members)}/{len(classes)} đơn vị là {vi(expected)}%",
                    published=number(share),
                    expected=expected,
                    mark=share,
                    table=table.label,
                )
        if not names:
            continue
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


def _table_for(context: Context, units: set[str], total: int) -> FoundTable | None:
    candidates = [t for t in context.ranking_tables() if units and units <= set(context.classes(t))]
    if not candidates:
        return None
    return min(
        candidates, key=lambda t: (len(context.classes(t)) != total, len(context.classes(t)))
    )


# ---- counts, years, averages, thresholds, leaders --------------------------------------------


def _year(context: Context, sentence: Sentence) -> Iterator[Finding]:
    for match in _YEAR.finditer(sentence.text):
        year = int(match.group(1))
        context.note(sentence, "year")
        if year >= context.year:
            yield sentence.finding(
                "year",
                f"so sánh với năm {year} trong báo cáo kết quả năm {context.year}; "
                f"có lẽ là năm {context.year - 1}",
                published=year,
                expected=context.year - 1,
                mark=match.group(0),
            )


def _words(text: str) -> set[str]:
    return set(loose_label(text).split()) - _STOPWORDS


def _count_of(context: Context, sentence: Sentence) -> Iterator[Finding]:
    """ "Khối các sở, ban, ngành: 23 đơn vị", "Nhóm các đơn vị có dịch vụ công trực tuyến gồm
    17 đơn vị": a level's or a peer group's number of units, against its table."""
    match = _COUNT_OF.search(sentence.text)
    if not match or re.search(r"mức|loại", match.group(1), re.I):
        return
    what = _words(match.group(1))
    named: list[tuple[int, FoundTable]] = []
    for table in context.ranking_tables():
        assert table.level is not None
        level = context.campaign.level(table.level)
        groups = {g.code: g.name for g in level.framework.groups}
        wanted = _words(groups[table.group] if table.group else level.name)
        if wanted and wanted <= what:
            named.append((len(wanted), table))
    if not named:
        return
    table = max(named, key=lambda pair: pair[0])[1]
    context.note(sentence, "unit_count", table.label)
    expected = len(table.published.rows) if table.published else 0
    if int(number(match.group(2))) != expected:
        yield sentence.finding(
            "unit_count",
            f"câu nói {match.group(2)} đơn vị; {table.label} có {expected}",
            published=match.group(2),
            expected=expected,
            mark=match.group(2),
            table=table.label,
        )


def _totals(context: Context, table: FoundTable) -> dict[str, Decimal]:
    assert table.published is not None
    return {r.unit: r.total for r in table.published.rows if r.total is not None}


def _average(context: Context, sentence: Sentence) -> Iterator[Finding]:
    match = _AVERAGE.search(sentence.text)
    if not match:
        return
    stated, places = number(match.group(1)), decimals(match.group(1))
    averages = {}
    for table in context.ranking_tables():
        totals = list(_totals(context, table).values())
        if totals:
            averages[table.label] = round_half_up(sum(totals, Decimal(0)) / len(totals), places)
    if averages:
        context.note(sentence, "average", ", ".join(averages))
    if averages and stated not in averages.values():
        shown = "; ".join(f"{label}: {vi(value)}" for label, value in averages.items())
        yield sentence.finding(
            "average",
            f"điểm trung bình in {match.group(1)} không khớp bảng nào ({shown})",
            published=stated,
            expected=next(iter(averages.values())),
            mark=match.group(1),
        )


def _threshold(context: Context, sentence: Sentence) -> Iterator[Finding]:
    match = _THRESHOLD.search(sentence.text)
    if not match:
        return
    count, size = int(match.group(1)), int(match.group(2))
    tables = [t for t in context.ranking_tables() if len(_totals(context, t)) == size]
    if not tables:
        sizes = ", ".join(
            f"{t.label}: {len(_totals(context, t))}" for t in context.ranking_tables()
        )
        yield sentence.finding(
            "threshold",
            f"câu nói trên tổng số {size} đơn vị; không bảng xếp hạng nào có {size} ({sizes})",
            published=size,
            expected=None,
            mark=f"/{match.group(2)}",
        )
        return
    table = tables[0]
    context.note(sentence, "threshold", table.label)
    totals = list(_totals(context, table).values())
    bar = sum(totals) / len(totals) if match.group(3) else number(match.group(4))
    expected = sum(1 for t in totals if t >= bar)
    if count != expected:
        yield sentence.finding(
            "threshold",
            f"câu nói {count}/{size}; theo {table.label} là {expected}/{size}",
            published=count,
            expected=expected,
            mark=f"{match.group(1)}/",
            table=table.label,
        )
    if match.group(5):
        share = round_half_up(Decimal(100 * count) / size, decimals(match.group(5)))
        if number(match.group(5)) != share:
            yield sentence.finding(
                "share",
                f"tỷ lệ in {match.group(5)}%, {count}/{size} là {vi(share)}%",
                published=number(match.group(5)),
                expected=share,
                mark=match.group(5),
            )


def _top_bottom(context: Context, sentence: Sentence) -> Iterator[Finding]:
    for pattern, top in ((_TOP, True), (_BOTTOM, False)):
        match = pattern.search(sentence.text)
        if not match:
            continue
        named = [n for n in context.names_in(_after_list_start(sentence.text)) if n.unit]
        if not named:
            continue
        units = {n.unit for n in named}
        candidates = [t for t in context.ranking_tables() if units <= set(_totals(context, t))]
        if not candidates:
            continue
        table = min(candidates, key=lambda t: len(_totals(context, t)))
        context.note(sentence, "top" if top else "bottom", table.label)
        totals = _totals(context, table)
        ordered = sorted(totals.values(), reverse=top)
        bar = ordered[len(units) - 1]
        for n in named:
            assert n.unit is not None
            value = totals[n.unit]
            if (top and value < bar) or (not top and value > bar):
                where = "dẫn đầu" if top else "cuối bảng"
                yield sentence.finding(
                    "top",
                    f"“{n.text}” được nói là {where} nhưng {table.label} in {vi(value)} điểm; "
                    f"{len(units)} đơn vị {where} có từ {vi(bar)} điểm "
                    f"{'trở lên' if top else 'trở xuống'}",
                    unit=context.name(n.unit),
                    published=value,
                    expected=bar,
                    mark=n.text,
                    table=table.label,
                )
        return


def _after_list_start(text: str) -> str:
    match = _LIST.search(text)
    return match.group(1) if match else text
