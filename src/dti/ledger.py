"""A hash chain over an append-only log: each entry's hash covers its own content and the
hash of the entry before it, so changing, removing or inserting an entry anywhere breaks
every link after it. Django-free: the portal's audit trail (portal.audit) stores entries,
`dti audit-log verify` walks them through `verify`.

The content of an entry is canonical JSON (sorted keys, no spaces, UTF-8, no NaN), so the
same entry read back from SQLite or PostgreSQL hashes to the same bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry


def canonical_json(data: Any) -> bytes:
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def link_hash(previous: str, content: Mapping[str, Any]) -> str:
    """The hash of an entry: SHA-256 of the previous entry's hash and the entry's content."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical_json(content)).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One stored entry as read back: its id, content, and the two hashes stored with it."""

    id: int
    content: Mapping[str, Any]
    previous: str
    hash: str


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold, and why (in Vietnamese)."""

    id: int
    position: int  # 1-based position in the chain
    reason: str


@dataclass(frozen=True)
class Verdict:
    checked: int
    last_hash: str
    broken: Break | None


def verify(
    entries: Iterable[Entry], *, head: str | None = None, count: int | None = None
) -> Verdict:
    """Walk the chain in order. `head` and `count`, when given, are what the log says its
    last hash and length are: they catch entries removed from the end."""
    previous, position = GENESIS, 0
    for position, entry in enumerate(entries, start=1):
        if entry.previous != previous:
            reason = "mắt xích trước không khớp (có mục bị xoá, chèn hoặc sửa trước mục này)"
            return Verdict(position - 1, previous, Break(entry.id, position, reason))
        if link_hash(previous, entry.content) != entry.hash:
            reason = "nội dung không khớp với mã băm đã ghi (mục này đã bị sửa)"
            return Verdict(position - 1, previous, Break(entry.id, position, reason))
        previous = entry.hash
    if (head is not None and head != previous) or (count is not None and count != position):
        reason = "sổ ghi có %s mục, mã cuối %s…; chuỗi chỉ còn %s mục: mục cuối đã bị xoá" % (
            count,
            (head or "")[:12],
            position,
        )
        return Verdict(position, previous, Break(0, position + 1, reason))
    return Verdict(position, previous, None)
