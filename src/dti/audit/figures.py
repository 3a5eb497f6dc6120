"""What a report's sentences say about figures, checked against its tables: how many units a
level or group has, the year a result is compared with, averages, counts above a threshold,
and who leads or trails. A sentence that names a main index ("- Nhận thức số: Có 18/21 …")
speaks of that index's scores, not of the totals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from dti.audit.findings import Finding, vi
from dti.audit.recognise import FoundTable
from dti.audit.sentences import Context, Named, Sentence, decimals, number
from dti.fixedpoint import round_half_up
from dti.names import loose_label

UNITS = r"(?:đơn vị|cơ quan|địa phương|sở, ban, ngành|sở|huyện|xã|phường)"
NUMBER = r"\d+(?:[.,]\d+)?"
_YEAR = re.compile(r"so với (?:cùng kỳ )?(?:năm )?((?:19|20)\d{2})", re.I)
_AVERAGE = re.compile(  # "Điểm trung bình của các sở, ban, ngành đạt 432,86 điểm"
    rf"điểm trung bình(?: chung)?(?:[^;.\d]{{0,80}}?)\s(?:đạt|là)\s+(?P<value>{NUMBER})\s*điểm",
    re.I,
)
_THRESHOLD = re.compile(
    rf"(\d+)\s*/\s*(\d+)\s+{UNITS}\s+đạt\s+(?:điểm\s+|mức\s+)?"
    rf"(?:(trung bình)|(?:từ\s+)?({NUMBER})\s*điểm)"
    rf"\s+trở lên(?:[^%]*?chiếm\s+({NUMBER})\s*%)?",
    re.I,
)
_TOP = re.compile(r"(dẫn đầu|đứng đầu|cao nhất|xếp hạng cao nhất)", re.I)
_BOTTOM = re.compile(r"(thấp nhất|đứng cuối|cuối bảng|xếp cuối)", re.I)
LIST = re.compile(r"(?:là|gồm|:)\s*(.+)$")
_COUNT_OF = re.compile(rf"^[-+*•\s]*(.{{3,90}}?)\s*(?::|gồm|có)\s*({NUMBER})\s+{UNITS}\b", re.I)
_STOPWORDS = {"khoi", "cac", "nhom", "ubnd", "tinh", "don", "vi"}


def figure_findings(context: Context, sentence: Sentence) -> Iterator[Finding]:
    yield from _year(context, sentence)
    yield from _count_of(context, sentence)
    yield from _average(context, sentence)
    yield from _threshold(context, sentence)
    yield from _top_bottom(context, sentence)


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
        negated = "khong" in what and "khong" not in wanted  # "không có …" is not "có …"
        if wanted and wanted <= what and not negated:
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


def _index_named(context: Context, text: str) -> str | None:
    """The main index a sentence speaks of ("- Nhận thức số: Có 18/21 …"), by its name in
    any level's framework (the longest that fits), or None for the total."""
    words = f" {loose_label(text)} "
    found = [
        (len(name), node.code)
        for level in context.campaign.levels.values()
        for node in level.framework.main_indices
        if (name := loose_label(node.name)) and f" {name} " in words
    ]
    return max(found)[1] if found else None


def _totals(context: Context, table: FoundTable, node: str | None = None) -> dict[str, Decimal]:
    """Each unit's printed total in `table`, or its printed score of the main index `node`
    (empty when the table prints no such column)."""
    assert table.published is not None
    if node is None:
        return {r.unit: r.total for r in table.published.rows if r.total is not None}
    if table.published.index == node:
        return {
            r.unit: value
            for r in table.published.rows
            if (value := r.nodes.get(node, r.total)) is not None
        }
    return {r.unit: r.nodes[node] for r in table.published.rows if node in r.nodes}


def _scored_tables(context: Context, node: str | None, text: str = "") -> list[FoundTable]:
    """The tables printing what a sentence speaks of: the rankings, and for a main index
    also that index's own tables; of the level the sentence names ("khối sở", "cấp huyện"),
    its general ranking first, when it has one."""
    tables = [
        t
        for t in context.tables
        if t.published is not None
        and (t.kind in ("general", "group") or (node and t.index == node))
        and _totals(context, t, node)
    ]
    level = context.level_named(text)
    if level is None:
        return tables
    of_level = [t for t in tables if t.level == level.code]
    general = [t for t in of_level if t.kind == "general"]
    return general or of_level or tables


def _clause(text: str, start: int, end: int) -> str:
    """The part of a sentence between the semicolons around [start, end)."""
    before = text.rfind(";", 0, start) + 1
    after = text.find(";", end)
    return text[before : after if after >= 0 else len(text)]


def _scope(text: str, start: int, end: int) -> str:
    """Where to look for the level a statement speaks of: its clause, and the sentence's
    opening clause ("Dẫn đầu khối sở là A; thấp nhất là B": B is last among the agencies
    too)."""
    clause = _clause(text, start, end)
    head = _clause(text, 0, 0)
    return clause if clause == head else f"{head}; {clause}"


def _index_of(context: Context, text: str, start: int, end: int) -> str | None:
    """The main index a statement speaks of: named in its own clause, else in its sentence
    ("- Nhận thức số: …; Thể chế số có 8/11 …" gives each clause its own)."""
    return _index_named(context, _clause(text, start, end)) or _index_named(context, text)


def _what(context: Context, node: str | None) -> str:
    if node is None:
        return ""
    names = {
        n.code: n.name for lv in context.campaign.levels.values() for n in lv.framework.all_nodes
    }
    return f" (chỉ số {names.get(node, node)})"


def _average(context: Context, sentence: Sentence) -> Iterator[Finding]:
    match = _AVERAGE.search(sentence.text)
    if not match:
        return
    value = match["value"]
    stated, places = number(value), decimals(value)
    node = _index_of(context, sentence.text, match.start(), match.end())
    averages = {}
    for table in _scored_tables(context, node, _scope(sentence.text, match.start(), match.end())):
        totals = list(_totals(context, table, node).values())
        averages[table.label] = round_half_up(sum(totals, Decimal(0)) / len(totals), places)
    if averages:
        context.note(sentence, "average", ", ".join(averages))
    if averages and stated not in averages.values():
        shown = "; ".join(f"{label}: {vi(value)}" for label, value in averages.items())
        yield sentence.finding(
            "average",
            f"điểm trung bình{_what(context, node)} in {value} không khớp bảng nào ({shown})",
            published=stated,
            expected=next(iter(averages.values())),
            mark=value,
        )


def _threshold(context: Context, sentence: Sentence) -> Iterator[Finding]:
    for match in _THRESHOLD.finditer(sentence.text):
        yield from _one_threshold(context, sentence, match)


def _one_threshold(context: Context, sentence: Sentence, match: re.Match[str]) -> Iterator[Finding]:
    count, size = int(match.group(1)), int(match.group(2))
    node = _index_of(context, sentence.text, match.start(), match.end())
    scored = _scored_tables(context, node, _scope(sentence.text, match.start(), match.end()))
    tables = [t for t in scored if len(_totals(context, t, node)) == size]
    if not tables:
        if scored:
            sizes = ", ".join(f"{t.label}: {len(_totals(context, t, node))}" for t in scored)
            yield sentence.finding(
                "threshold",
                f"câu nói trên tổng số {size} đơn vị; không bảng nào có {size} đơn vị"
                f"{_what(context, node)} ({sizes})",
                published=size,
                expected=None,
                mark=f"/{match.group(2)}",
            )
        return
    table = tables[0]
    context.note(sentence, "threshold", table.label)
    totals = list(_totals(context, table, node).values())
    bar = sum(totals) / len(totals) if match.group(3) else number(match.group(4))
    expected = sum(1 for t in totals if t >= bar)
    if count != expected:
        yield sentence.finding(
            "threshold",
            f"câu nói {count}/{size}{_what(context, node)}; theo {table.label} là"
            f" {expected}/{size}",
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
    """ "Dẫn đầu là A, B; thấp nhất là C": each list is the one after its own words, up to
    the other's words or the end of its clause."""
    text = sentence.text
    found = sorted(
        [(m, True) for m in _TOP.finditer(text)] + [(m, False) for m in _BOTTOM.finditer(text)],
        key=lambda pair: pair[0].start(),
    )
    for k, (match, top) in enumerate(found):
        stop = found[k + 1][0].start() if k + 1 < len(found) else len(text)
        semicolon = text.find(";", match.end())
        stop = min(stop, semicolon) if semicolon >= 0 else stop
        listed = LIST.search(text[match.end() : stop])
        if listed is None:
            continue
        named = [n for n in context.names_in(listed.group(1)) if n.unit]
        if not named:
            continue
        units = {n.unit for n in named}
        node = _index_of(context, text, match.start(), stop)
        clause = _scope(text, match.start(), stop)
        candidates = [
            t
            for t in _scored_tables(context, node, clause)
            if units <= set(_totals(context, t, node))
        ]
        if not candidates:
            continue
        table = min(candidates, key=lambda t: len(_totals(context, t, node)))
        context.note(sentence, "top" if top else "bottom", table.label)
        yield from _leaders(context, sentence, table, named, node, top)


def _leaders(
    context: Context,
    sentence: Sentence,
    table: FoundTable,
    named: list[Named],
    node: str | None,
    top: bool,
) -> Iterator[Finding]:
    """Each unit said to lead (trail) among the first (last) as many as are named: by the
    rank the table's printed values give under the level's policy (by total or by ratio),
    else by the printed score of the index the sentence names."""
    assert table.published is not None
    where = "dẫn đầu" if top else "cuối bảng"
    ranks = context.ranks(table) if node is None else None
    if ranks is not None:
        size, n = len(ranks), len(named)
        for item in named:
            assert item.unit is not None
            rank = ranks[item.unit]
            if (top and rank > n) or (not top and rank <= size - n):
                yield sentence.finding(
                    "top",
                    f"“{item.text}” được nói là {where} nhưng theo điểm in trong {table.label}"
                    f" đứng thứ {rank}/{size}",
                    unit=context.name(item.unit),
                    published=rank,
                    expected=f"1–{n}" if top else f"{size - n + 1}–{size}",
                    mark=item.text,
                    table=table.label,
                )
        return
    totals = _totals(context, table, node)
    ordered = sorted(totals.values(), reverse=top)
    bar = ordered[len(named) - 1]
    for item in named:
        assert item.unit is not None
        value = totals[item.unit]
        if (top and value < bar) or (not top and value > bar):
            yield sentence.finding(
                "top",
                f"“{item.text}” được nói là {where}{_what(context, node)} nhưng {table.label}"
                f" in {vi(value)} điểm; {len(named)} đơn vị {where} có từ {vi(bar)} điểm "
                f"{'trở lên' if top else 'trở xuống'}",
                unit=context.name(item.unit),
                published=value,
                expected=bar,
                mark=item.text,
                table=table.label,
            )
