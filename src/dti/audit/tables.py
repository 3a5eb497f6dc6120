"""Each published table checked on its own: a row that does not add up, a score above its
max, a max row that is not the framework's, a ratio, rank, order or class that does not
follow from the table's own totals."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

import numpy as np

from dti.audit.findings import Finding, vi
from dti.campaign import Campaign
from dti.fixedpoint import from_scaled, round_half_up, to_scaled
from dti.framework.model import Comparability
from dti.rankings import Ranking, order_by_name, rank_index, rank_units
from dti.reproduce import Reproduction
from dti.tables.model import BLANK_MESSAGE, TOTAL_KEY, PublishedRow, Role


class TableAudit:
    def __init__(self, campaign: Campaign, repro: Reproduction):
        self.campaign = campaign
        self.repro = repro
        self.table = repro.table
        self.framework = repro.level.framework
        self.names = {u.id: u.name for u in repro.level.units}
        self.position = {unit: i for i, unit in enumerate(repro.result.scores.unit_ids)}

    def run(self) -> Iterator[Finding]:
        yield from self._blanks()
        yield from self._max_row()
        yield from self._over_max()
        yield from self._sums()
        yield from self._parts()
        printed = self._printed_ranking()
        if printed is None:
            return
        yield from self._ratios(printed)
        yield from self._ranks(printed)
        yield from self._order(printed)
        yield from self._classes(printed)
        yield from self._previous_classes()

    def printed_classes(self) -> dict[str, str]:
        """unit id -> its class as its printed total gives it, else as printed (what a
        sentence of the report about classes is checked against: a class column that
        contradicts the totals is the table's finding, not the sentence's)."""
        printed = {r.unit: r.class_label for r in self.table.rows if r.class_label is not None}
        ranking = self._printed_ranking()
        if ranking is None:
            return printed
        computed = {unit: v[2] for unit, v in self._expected(ranking).items() if v[2] is not None}
        return printed | computed

    def printed_ranks(self) -> dict[str, int] | None:
        """unit id -> its rank as the table's printed values give it under the level's
        policy (by total or by ratio), or None when the table cannot be ranked on its own."""
        ranking = self._printed_ranking()
        if ranking is None:
            return None
        return {unit: v[0] for unit, v in self._expected(ranking).items()}

    def _finding(
        self,
        kind: str,
        row: PublishedRow | None,
        column: str | None,
        published: object,
        expected: object,
        message: str,
    ) -> Finding:
        return Finding(
            kind=kind,
            table=self.table.source,
            row=row.row if row else self.table.max_row_number,
            unit=self.names[row.unit] if row else None,
            column=column,
            published=None if published is None else str(published),
            expected=None if expected is None else str(expected),
            message=message,
        )

    def _header(self, code: str) -> str:
        for column in self.table.columns:
            if column.node == code:
                return column.header
        total = self.table.column(Role.TOTAL)
        return total.header if total and code == self.table.index else code

    def _blanks(self) -> Iterator[Finding]:
        """Every score cell printed blank where the unit has points to score: never a zero,
        and the row's sum cannot be checked (_sums skips an incomplete row: this says why)."""
        scores = self.repro.result.scores
        total = self.table.column(Role.TOTAL)
        for row in self.table.rows:
            for key in row.blank:
                code = self.table.index if key == TOTAL_KEY else key
                if code is not None and code in scores.node_index:
                    where = scores.node_index[code], self.position[row.unit]
                    if not scores.applicable_max[where]:
                        continue  # the node does not apply to the unit
                header = total.header if key == TOTAL_KEY and total else self._header(key)
                effect = (
                    "tổng không so được với các chỉ số in trên dòng"
                    if key == TOTAL_KEY
                    else "tổng của dòng không kiểm tra được"
                )
                yield self._finding("blank", row, header, "", None, f"{BLANK_MESSAGE}; {effect}")

    def _max_row(self) -> Iterator[Finding]:
        for code, printed in (self.table.max_row or {}).items():
            node = self.framework.by_code.get(code)
            expected = node.max if node else self.framework.max
            header = self._header(code) if node else "Tổng điểm"
            if printed != expected:
                yield self._finding(
                    "max_row",
                    None,
                    header,
                    printed,
                    expected,
                    f"điểm tối đa in {vi(printed)}, bộ chỉ số quy định {vi(expected)}",
                )

    def _over_max(self) -> Iterator[Finding]:
        scores = self.repro.result.scores
        for row in self.table.rows:
            for code in self.framework.by_code:
                value = self.table.score_of(row, code)
                if value is None:
                    continue
                limit = from_scaled(
                    int(scores.applicable_max[scores.node_index[code], self.position[row.unit]])
                )
                if value > limit or value < 0:
                    yield self._finding(
                        "over_max",
                        row,
                        self._header(code),
                        value,
                        format(limit.normalize(), "f"),
                        f"điểm {vi(value)} vượt điểm tối đa {vi(limit)} áp dụng cho đơn vị",
                    )

    def _sums(self) -> Iterator[Finding]:
        """Printed total against the sum of the printed components, under the policy."""
        column = self.table.column(Role.TOTAL)
        if column is None or self.table.index is not None:
            return
        scores = self.repro.result.scores
        roots = scores.root_rows
        computed = self._computed_totals()
        for row in self.table.rows:
            complete = bool(scores.answered[roots, self.position[row.unit]].all())
            scaled = computed.get(row.unit)
            expected = None if scaled is None else from_scaled(scaled, 2)
            if row.total is None or not complete or expected is None or row.total == expected:
                continue
            yield self._finding(
                "sum",
                row,
                column.header,
                row.total,
                expected,
                f"tổng in {vi(row.total)} khác tổng các chỉ số in trên cùng dòng "
                f"({vi(expected)}{self._removal_note(row)})",
            )

    def _parts(self) -> Iterator[Finding]:
        """A printed index (or component) against its printed parts on the same row, at every
        depth the table prints: a main index against its sub-criteria, a component against
        its own parts. Checked only where every part that applies to the unit is printed."""
        scores = self.repro.result.scores
        printed = {c.node for c in self.table.columns if c.node} | (
            {self.table.index} if self.table.index else set()
        )
        for row in self.table.rows:
            column = self.position[row.unit]
            for code in sorted(printed):
                node = self.framework.by_code[code]
                parts = [
                    c.code
                    for c in node.children
                    if scores.applicable_max[scores.node_index[c.code], column]
                ]
                whole = self.table.score_of(row, code)
                if not parts or whole is None or not all(p in row.nodes for p in parts):
                    continue
                expected = sum((row.nodes[p] for p in parts), Decimal(0))
                if whole != expected:
                    yield self._finding(
                        "parts",
                        row,
                        self._header(code),
                        whole,
                        expected,
                        f"“{node.name}” in {vi(whole)} khác tổng các chỉ số thành phần in trên "
                        f"cùng dòng ({vi(expected)})",
                    )

    def _computed_totals(self) -> dict[str, int]:
        """unit id -> the total the ranking compares, computed from the printed components."""
        ranking, ids = self.repro.ranking, self.repro.result.scores.unit_ids
        return {ids[int(u)]: int(t) for u, t in zip(ranking.units, ranking.total, strict=True)}

    def _removal_note(self, row: PublishedRow) -> str:
        policy = self.repro.ranking.policy
        if policy.comparability is not Comparability.REMOVE_BLOCK or policy.block is None:
            return ""
        scores = self.repro.result.scores
        removed = scores.applicable_max[scores.node_index[policy.block], self.position[row.unit]]
        if not removed:
            return ""
        block = self.framework.by_code[policy.block]
        return f", đã trừ {vi(from_scaled(int(removed), 2))} điểm {block.name}"

    def _printed_ranking(self) -> Ranking | None:
        """The ranking the table's own totals give under the level's policy."""
        table, scores = self.table, self.repro.result.scores
        policy = self.repro.ranking.policy
        if policy.comparability is Comparability.NATIONAL_WEIGHTED and table.index is None:
            return None
        computed = self._computed_totals()
        printed = np.array(
            [
                to_scaled(r.total) if r.total is not None else computed.get(r.unit, 0)
                for r in table.rows
            ],
            dtype=np.int64,
        )
        if table.index is not None:
            printed = np.array(
                [
                    to_scaled(v) if (v := table.score_of(r, table.index)) is not None else 0
                    for r in table.rows
                ],
                dtype=np.int64,
            )
        members = np.array(sorted(int(u) for u in self.repro.ranking.units), dtype=np.int64)
        names = order_by_name(self.repro.result.names)
        if table.index is not None:
            everyone = np.arange(len(table.rows), dtype=np.int64)
            return rank_index(scores, table.index, everyone, names, printed=printed)
        return rank_units(scores, policy, members, names, self.repro.ranking.key, printed[members])

    def _expected(self, ranking: Ranking) -> dict[str, tuple[int, Decimal, str | None, int]]:
        """unit id -> (rank, displayed value, class, position in the expected order)."""
        step = Decimal(1).scaleb(-ranking.policy.decimals)
        ids = self.repro.result.scores.unit_ids
        return {
            ids[int(unit)]: (
                int(ranking.rank[i]),
                int(ranking.displayed[i]) * step,
                ranking.classes[i],
                i + 1,
            )
            for i, unit in enumerate(ranking.units)
        }

    def _ratios(self, ranking: Ranking) -> Iterator[Finding]:
        """The printed ratio against the unit's ratio (the compared points over the max
        beside them, as a percent) at the precision the column prints, whatever the ranking
        compares: a per-index ranking on points still prints its ratio, never its points."""
        column = self.table.column(Role.RATIO)
        if column is None:
            return
        printed = [row.ratio.decimals for row in self.table.rows if row.ratio is not None]
        expected = self._ratio_values(ranking, max(printed, default=0))
        for row in self.table.rows:
            if row.ratio is None or row.unit not in expected:
                continue
            value = expected[row.unit]
            if row.ratio.value != value:
                yield self._finding(
                    "ratio",
                    row,
                    column.header,
                    row.ratio.value,
                    value,
                    f"tỷ lệ in {vi(row.ratio.value)}%, theo điểm in trên dòng phải là {vi(value)}%",
                )

    def _ratio_values(self, ranking: Ranking, decimals: int) -> dict[str, Decimal]:
        """unit id -> its points over its max as a percent, rounded half up to `decimals`."""
        ids = self.repro.result.scores.unit_ids
        return {
            ids[int(unit)]: round_half_up(Decimal(int(total)) * 100 / Decimal(int(top)), decimals)
            for unit, total, top in zip(ranking.units, ranking.total, ranking.maximum, strict=True)
            if top > 0
        }

    def _ranks(self, ranking: Ranking) -> Iterator[Finding]:
        column = self.table.column(Role.RANK)
        if column is None:
            return
        expected = self._expected(ranking)
        previous: int | None = None
        ties = (
            "đồng hạng liền kề" if ranking.policy.ties.value == "dense" else "đồng hạng bỏ hạng kế"
        )
        for row in self.table.rows:
            printed = previous if row.rank_blank else row.rank
            previous = printed
            if row.unit not in expected or printed is None:
                continue
            rank = expected[row.unit][0]
            if printed != rank:
                shown = "để trống (cùng hạng dòng trên)" if row.rank_blank else str(printed)
                yield self._finding(
                    "rank",
                    row,
                    column.header,
                    printed,
                    rank,
                    f"xếp hạng in {shown}, theo {self._compared(ranking)} và quy tắc {ties} "
                    f"phải là {rank}",
                )

    def _compared(self, ranking: Ranking) -> str:
        """What a per-index ranking compares, as its rank findings say it."""
        if self.table.index is None:
            return "điểm"
        what = "tỷ lệ" if ranking.policy.percent else "điểm"
        return f"{what} làm tròn {ranking.policy.decimals} chữ số thập phân"

    def _order(self, ranking: Ranking) -> Iterator[Finding]:
        """Rows out of place: those outside a longest run of rows already in order."""
        expected = self._expected(ranking)
        rows = [r for r in self.table.rows if r.unit in expected]
        keys = [expected[r.unit][0] for r in rows]
        kept = _longest_ordered(keys)
        blocks: dict[int, list[int]] = {}
        for rank, *_, position in expected.values():
            blocks.setdefault(rank, []).append(position)
        for index, row in enumerate(rows):
            if index in kept:
                continue
            span = blocks[keys[index]]
            where = f"{min(span)}" if len(span) == 1 else f"{min(span)}–{max(span)}"
            yield self._finding(
                "order",
                row,
                None,
                index + 1,
                where,
                f"in ở vị trí {index + 1} nhưng theo điểm phải ở vị trí {where}",
            )

    def _classes(self, ranking: Ranking) -> Iterator[Finding]:
        column = self.table.column(Role.CLASS)
        if column is None:
            return
        expected = self._expected(ranking)
        for row in self.table.rows:
            label = expected.get(row.unit, (0, Decimal(0), None, 0))[2]
            if row.class_label is not None and label is not None and row.class_label != label:
                yield self._finding(
                    "class",
                    row,
                    column.header,
                    row.class_label,
                    label,
                    f"xếp loại in “{row.class_label}”, "
                    f"theo tổng điểm in trên dòng phải là “{label}”",
                )

    def _previous_classes(self) -> Iterator[Finding]:
        column = self.table.column(Role.PREVIOUS)
        known = {u.id: u.previous_class for u in self.repro.level.units}
        for row in self.table.rows:
            recorded = known.get(row.unit)
            if column and row.previous_class and recorded and row.previous_class != recorded:
                yield self._finding(
                    "previous_class",
                    row,
                    column.header,
                    row.previous_class,
                    recorded,
                    f"xếp loại năm trước in “{row.previous_class}”, "
                    f"dữ liệu đợt đánh giá ghi “{recorded}”",
                )


def _longest_ordered(keys: Sequence[int]) -> set[int]:
    """Indices of a longest subsequence whose keys never decrease (rank 1 first).

    Deterministic: among equally long runs, the one ending latest, built from the latest
    predecessors, so the earliest rows are the ones reported as out of place."""
    length = [1] * len(keys)
    before = [-1] * len(keys)
    for i in range(len(keys)):
        for j in range(i):
            if keys[j] <= keys[i] and length[j] + 1 >= length[i]:
                length[i], before[i] = length[j] + 1, j
    if not keys:
        return set()
    best = max(range(len(keys)), key=lambda i: (length[i], i))
    kept = set()
    while best >= 0:
        kept.add(best)
        best = before[best]
    return kept
