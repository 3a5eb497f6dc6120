"""What the narrative checks share: the report's sentences (a paragraph broken by a page is
one again), the units a sentence names, and the tables a sentence is checked against."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from dti.audit.findings import Finding
from dti.audit.recognise import FoundTable
from dti.audit.tables import TableAudit
from dti.campaign import Campaign, Level
from dti.documents.model import Document, Location, Paragraph
from dti.engine import LevelScores, compute
from dti.fixedpoint import from_scaled
from dti.inputs import UnitInput, build_inputs
from dti.names import NameIndex
from dti.reproduce import reproduce

_MARKER = re.compile(
    r"^\s*(?:[-+*•–]|\d+(?:\.\d+)*\.|[IVXLC]+\.|[a-zđ]\)|\(\*+\)|bảng |phụ lục )", re.I
)
_ENDS = (".", ":", ";", "!", "?", ")")
_LEVEL_WORDS = (("huyện", "huyện"), ("xã", "xã"), ("sở", "sở"), ("tỉnh", "sở"))
_SEPARATOR = re.compile(r"\s*(?:,|;| và )\s*")


@dataclass(frozen=True)
class Sentence:
    text: str
    where: Location

    def finding(
        self,
        kind: str,
        message: str,
        *,
        unit: str | None = None,
        published: object = None,
        expected: object = None,
        mark: str | None = None,
        table: str | None = None,
    ) -> Finding:
        place = self.where.describe()
        return Finding(
            kind=kind,
            table=table or place,
            row=None,
            unit=unit,
            column=None,
            published=plain(published),
            expected=plain(expected),
            message=message,
            location=f"{self.where.source}, {place}",
            context=self.text,
            mark=mark,
        )


def sentences(document: Document) -> list[Sentence]:
    """The document's paragraphs, with a list item that a page break cut in two ("…, Bù" /
    "Gia Mập, …") joined again: an item not ending in punctuation goes on in the next
    paragraph unless that one starts an item, a heading or a bracket ("(Kèm theo …)") of its
    own."""
    out: list[Sentence] = []
    for block in document.blocks:
        if not isinstance(block, Paragraph):
            if out:
                out.append(Sentence("", out[-1].where))  # a table ends the sentence before
            continue
        last = out[-1] if out else None
        if (
            last is not None
            and last.text
            and _MARKER.match(last.text)
            and len(last.text.split()) >= 6
            and last.text != last.text.upper()
            and not last.text.rstrip().endswith(_ENDS)
            and not _MARKER.match(block.text)
            and not block.text.lstrip().startswith("(")
        ):
            out[-1] = Sentence(f"{last.text} {block.text}", last.where)
        else:
            out.append(Sentence(block.text, block.where))
    return [s for s in out if s.text]


@dataclass(frozen=True)
class Named:
    text: str  # as printed
    unit: str | None  # the unit's id, None when no unit has that name
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checked:
    """A statement the audit understood and checked, found wrong or not."""

    sentence: Sentence
    kind: str
    against: str | None  # the table it was checked against, or None (the framework)


@dataclass
class Context:
    """The campaign and the report's recognised tables, with what the sentences need."""

    campaign: Campaign
    tables: Sequence[FoundTable]
    _classes: dict[str, dict[str, str]] = field(default_factory=dict)
    _ranks: dict[str, dict[str, int] | None] = field(default_factory=dict)
    _audits: dict[str, TableAudit] = field(default_factory=dict)
    checked: list[Checked] = field(default_factory=list)

    def note(self, sentence: Sentence, kind: str, against: str | None = None) -> None:
        """Record that `sentence` states something of `kind` and was checked."""
        self.checked.append(Checked(sentence, kind, against))

    def note_table(self, table: FoundTable, against: str) -> None:
        """Record that a table of the report (a class summary) was checked."""
        sentence = Sentence(f"{table.label}: {table.caption}".strip(": "), table.block.where)
        self.checked.append(Checked(sentence, table.kind, against))

    @property
    def year(self) -> int:
        return self.campaign.year

    def ranking_tables(self) -> list[FoundTable]:
        return [t for t in self.tables if t.kind in ("general", "group") and t.published]

    def _audit(self, table: FoundTable) -> TableAudit:
        """The table reproduced and audited once, for what every sentence asks of it."""
        if table.label not in self._audits:
            assert table.published is not None
            repro = reproduce(table.published, self.campaign)
            self._audits[table.label] = TableAudit(self.campaign, repro)
        return self._audits[table.label]

    def classes(self, table: FoundTable) -> dict[str, str]:
        """unit id -> class in `table`: printed, else as its printed total gives it."""
        if table.label not in self._classes:
            self._classes[table.label] = self._audit(table).printed_classes()
        return self._classes[table.label]

    def ranks(self, table: FoundTable) -> dict[str, int] | None:
        """unit id -> rank in `table` as its printed values give it, None if unrankable."""
        if table.label not in self._ranks:
            self._ranks[table.label] = self._audit(table).printed_ranks()
        return self._ranks[table.label]

    def level_of(self, units: Sequence[str]) -> Level | None:
        for level in self.campaign.levels.values():
            ids = {u.id for u in level.units}
            if units and all(u in ids for u in units):
                return level
        return None

    def level_named(self, text: str) -> Level | None:
        """The level a text names as reports do: "cấp huyện", "cấp xã", "cấp sở" or "cấp
        tỉnh" (the province's agencies), "khối sở", "của các sở", "khối UBND huyện", by the
        words of the levels' names."""
        words = text.casefold()
        for word, in_name in _LEVEL_WORDS:
            if re.search(rf"(?:cấp|khối|của)(?: các)?(?: ubnd)? {word}\b", words):
                return next(
                    (lv for lv in self.campaign.levels.values() if in_name in lv.name.casefold()),
                    None,
                )
        return None

    @cached_property
    def _indices(self) -> dict[str, NameIndex]:
        return {code: level.names for code, level in self.campaign.levels.items()}

    def find(self, text: str) -> str | None:
        """The unit printed as `text`, in whichever level has exactly one such unit; "tỉnh"
        after an agency's name ("Ban Dân tộc tỉnh") is optional in sentences."""
        text = text.strip(" .:;()\"“”'")
        for candidate in (text, re.sub(r"\s+tỉnh$", "", text, flags=re.I)):
            found = {i.find(candidate) for i in self._indices.values()} - {None}
            if len(found) == 1:
                return found.pop()
        return None

    def suggest(self, text: str) -> tuple[str, ...]:
        out: list[str] = []
        for index in self._indices.values():
            out += index.suggest(text)
        return tuple(out[:3])

    def name(self, unit: str) -> str:
        for level in self.campaign.levels.values():
            for u in level.units:
                if u.id == unit:
                    return u.name
        return unit

    def names_in(self, text: str) -> list[Named]:
        """The units a list names ("A, B và C"), as split_names reads them."""
        return [
            Named(printed, unit, self.suggest(printed) if unit is None else ())
            for printed, unit in split_names(text, self.find)
        ]

    def applicable_max(self, level: Level, unit: str, node: str | None = None) -> Decimal:
        """The unit's applicable max: of the whole framework, or of one node."""
        scores = self._maxima(level.code)
        column = scores.unit_ids.index(unit)
        if node is None:
            return from_scaled(int(scores.total_applicable_max[column]))
        return from_scaled(int(scores.applicable_max[scores.node_index[node], column]))

    @cached_property
    def _scores(self) -> dict[str, LevelScores]:
        return {}

    def _maxima(self, code: str) -> LevelScores:
        """The level's applicable maxima: they depend on units' attributes only."""
        if code not in self._scores:
            level = self.campaign.level(code)
            entries = [UnitInput(u.id, u.attributes, scores={}) for u in level.units]
            self._scores[code] = compute(level.framework, build_inputs(level.framework, entries))
        return self._scores[code]


def split_names(text: str, find: Callable[[str], str | None]) -> list[tuple[str, str | None]]:
    """The names a list prints ("A, B và C"), each with the unit `find` gives it (None for
    none). A name may itself hold a comma or "và" ("Sở Lao động, Thương binh và Xã hội"), so
    the longest run of pieces that names a unit is taken first; pieces in a row that name
    no unit are one unknown name, as printed, not several made-up ones."""
    body = text.strip().rstrip(".;:")
    pieces = [p for p in _SEPARATOR.split(body) if p.strip()]
    joined = _SEPARATOR.findall(body)
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(pieces):
        for j in range(min(len(pieces), i + 4), i, -1):
            candidate = pieces[i]
            for k in range(i + 1, j):
                candidate += (joined[k - 1] if k - 1 < len(joined) else ", ") + pieces[k]
            unit = find(candidate)
            if unit is not None:
                out.append((candidate.strip(), unit))
                i = j
                break
        else:
            if out and out[-1][1] is None:
                separator = joined[i - 1] if i - 1 < len(joined) else ", "
                out[-1] = (f"{out[-1][0]}{separator}{pieces[i].strip()}", None)
            else:
                out.append((pieces[i].strip(), None))
            i += 1
    return out


def plain(value: object) -> str | None:
    """A finding's value as JSON gives it: 445, 21.7 (a point, no trailing zeros)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def number(text: str) -> Decimal:
    """A number as a sentence prints it: "22,7", "05", "1.234,5"."""
    text = text.strip().rstrip(".")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    return Decimal(text)


def decimals(text: str) -> int:
    text = text.strip().rstrip(".")
    for mark in (",", "."):
        if mark in text:
            return len(text.rsplit(mark, 1)[1])
    return 0
