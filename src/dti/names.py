"""Matching the names people type (units, column headers) to the campaign's canonical ones.

Offices write the same unit as "Sở Tư pháp", "Sở Tư Pháp", "Sở Nội vụ**" or with the
letters decomposed (NFD) when copied from some PDF viewers. A name matches when it is
equal after normalisation (NFC, case, spacing, footnote stars) to a unit's name or one of
its aliases; failing that, when it is equal ignoring diacritics and punctuation and
exactly one candidate has that form. Everything else is reported, with suggestions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_SPACES = re.compile(r"\s+")
_FOOTNOTE = re.compile(r"[\s*¹²³]+$")
_PUNCTUATION = re.compile(r"[^\w\s]")
_SLASH = re.compile(r" ?/ ?")
# Words a unit's name may be printed with or without (on loose labels: no diacritics).
_PREFIX = re.compile(
    r"^(?:(?:ubnd|uy ban nhan dan|so|huyen|thi xa|thanh pho|tp|tx|quan|xa|phuong)\s+)+"
)


def normalize_label(text: str) -> str:
    """NFC, case-folded, single-spaced, without trailing footnote stars and colons;
    "Đơn vị / Địa phương" and "Đơn vị/Địa phương" are the same label."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    text = _FOOTNOTE.sub("", text.replace("\u00a0", " ").strip().rstrip(":"))
    return _SLASH.sub("/", _SPACES.sub(" ", text).strip())


def loose_label(text: str) -> str:
    """normalize_label without diacritics or punctuation: 'Sở Tư-pháp' -> 'so tu phap'."""
    decomposed = unicodedata.normalize("NFD", normalize_label(text).replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", bare)).strip()


def bare_label(text: str) -> str:
    """loose_label without the words a unit's name is printed with or without: "UBND",
    "Sở", "huyện", "thị xã", "thành phố" ("UBND huyện Bù Đăng" -> "bu dang")."""
    label = loose_label(text)
    return _PREFIX.sub("", label) or label


def footnote_marks(text: str) -> str:
    """The footnote stars printed after a name ('Sở Nội vụ**' -> '**')."""
    match = re.search(r"\*+\s*$", text)
    return match.group(0).strip() if match else ""


@dataclass(frozen=True)
class NameIndex:
    """Canonical keys by their names and aliases."""

    exact: Mapping[str, str]
    loose: Mapping[str, frozenset[str]]
    names: Mapping[str, str]  # key -> display name, for suggestions
    bare: Mapping[str, frozenset[str]] = field(default_factory=dict)  # without prefixes

    @classmethod
    def build(cls, entries: Iterable[tuple[str, str, Iterable[str]]]) -> NameIndex:
        """From (key, name, aliases) triples."""
        exact: dict[str, str] = {}
        loose: dict[str, set[str]] = {}
        bare: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for key, name, aliases in entries:
            names[key] = name
            for label in (name, *aliases):
                exact.setdefault(normalize_label(label), key)
                loose.setdefault(loose_label(label), set()).add(key)
                bare.setdefault(bare_label(label), set()).add(key)
        return cls(
            exact,
            {k: frozenset(v) for k, v in loose.items()},
            names,
            {k: frozenset(v) for k, v in bare.items()},
        )

    def find(self, text: str) -> str | None:
        key = self.exact.get(normalize_label(text))
        if key is not None:
            return key
        candidates = self.loose.get(loose_label(text), frozenset())
        if not candidates:
            # "Bù Đăng", "Thành phố Đồng Xoài" for "UBND huyện Bù Đăng", "UBND thành phố
            # Đồng Xoài": without their prefixes, when exactly one unit has that form.
            candidates = self.bare.get(bare_label(text), frozenset())
        return next(iter(candidates)) if len(candidates) == 1 else None

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        by_loose = {loose_label(name): name for name in self.names.values()}
        close = difflib.get_close_matches(loose_label(text), list(by_loose), n=limit, cutoff=0.6)
        return [by_loose[c] for c in close]
