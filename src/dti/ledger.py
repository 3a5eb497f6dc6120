"""A hash chain over an append-only log: each entry's hash covers its own content and the
hash of the entry before it, so changing, removing or inserting an entry anywhere breaks
the chain at that entry. Django-free: the portal's audit trail (portal.audit) stores entries,
its check (`manage.py audit_log_verify`, the integrity button) walks them through `verify`.

The content of an entry is canonical JSON (sorted keys, no spaces, UTF-8, no NaN), so the
same entry read back from SQLite or PostgreSQL hashes to the same bytes.

What the chain cannot prove: the hash is not keyed, so someone with write access to the
database who recomputes every hash after the one they changed, and the head, leaves a valid
chain. Checkpoints of the chain kept outside the database (dti.anchor, passed to `verify`)
catch that for everything up to the newest checkpoint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry


# One encoder for every entry: json.dumps with these options builds a new one on each call,
# which cost checking 100,000 entries a tenth of a second.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


# What hashing a content no writer can make raises (bytes, infinity, endless nesting, a
# time past year 9999 in UTC): such an entry cannot match its hash.
UNHASHABLE = (TypeError, ValueError, OverflowError, RecursionError)


def canonical_json(data: Any, encoded: Mapping[str, str] | None = None) -> bytes:
    """`data` as canonical JSON bytes. `encoded`: for a mapping, some of its values as
    `canonical_text` wrote them already (a writer encodes an entry's large values once,
    before it takes a lock): the same bytes as without, its other values encoded here."""
    if not encoded:
        return _CANONICAL.encode(data).encode("utf-8")
    encode = _CANONICAL.encode
    if not isinstance(data, Mapping) or not all(type(key) is str for key in data):
        raise TypeError("only a mapping keyed by text takes values encoded already")
    # as the encoder writes a mapping: its keys sorted, each with its value, no spaces
    items = [
        f"{encode(key)}:{encoded[key] if key in encoded else encode(data[key])}"
        for key in sorted(data)
    ]
    return ("{" + ",".join(items) + "}").encode("utf-8")


def canonical_text(data: Any) -> str:
    """`data` as canonical JSON text: what `canonical_json` encodes, before its UTF-8."""
    return _CANONICAL.encode(data)


def link_hash(previous: str, content: Mapping[str, Any]) -> str:
    """The hash of an entry: SHA-256 of the previous entry's hash and the entry's content."""
    return encoded_link_hash(previous, canonical_json(content))


def encoded_link_hash(previous: str, encoded: bytes) -> str:
    """`link_hash` of a content already written as `canonical_json`: a writer encodes its
    entries before it locks the chain's head, and only chains the hashes under the lock."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + encoded).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One stored entry as read back: its id, content, and the two hashes stored with it."""

    id: int
    content: Mapping[str, Any]
    previous: str
    hash: str


@dataclass(frozen=True)
class Head:
    """What the log records of its own end, kept beside the entries and updated with each
    append: how many entries it holds, the last one's hash and id (None while empty)."""

    count: int
    hash: str = GENESIS
    id: int | None = None


@dataclass(frozen=True)
class Checkpoint:
    """The chain as it was at one moment, kept outside the database (dti.anchor): it held
    `count` entries and the last one's hash was `hash`. `at` is ISO 8601 text in UTC."""

    count: int
    hash: str
    at: str


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold, and why (in Vietnamese). `id` is None
    when that entry is missing and its id unknown."""

    id: int | None
    position: int  # 1-based position in the chain
    reason: str
    # True when only a checkpoint shows the break: some entry at or before `position` was
    # changed and the chain recomputed after it, so none of them is known to be intact.
    anywhere_before: bool = False


@dataclass(frozen=True)
class Verdict:
    checked: int  # entries found intact before the break (all of them when intact)
    last_hash: str  # the hash of the last intact entry
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(
    entries: Iterable[Entry],
    *,
    head: Head | None = None,
    count_after: Callable[[], int] | None = None,
    checkpoints: Sequence[Checkpoint] = (),
) -> Verdict:
    """Walk the chain in order (by id) and return where it first breaks.

    `head` is the log's head as read before the entries: the entry at position `head.count`
    must carry `head.hash`, which catches entries removed from (or replaced at) the end.
    Entries after it may only be ones appended while the entries were read: `count_after`,
    called once they are read, gives the head's count then (default: none may follow).

    Each of `checkpoints` requires the entry at position `count` to carry its hash: a chain
    shorter than a checkpoint was truncated, another hash there means it was rewritten."""
    verdict = _walk(entries, head, count_after, checkpoints)
    if verdict.intact and checkpoints:
        longest = max(checkpoints, key=lambda checkpoint: checkpoint.count)
        if verdict.checked < longest.count:
            return Verdict(verdict.checked, verdict.last_hash, _truncated(verdict, longest))
    return verdict


def _walk(
    entries: Iterable[Entry],
    head: Head | None,
    count_after: Callable[[], int] | None,
    checkpoints: Sequence[Checkpoint],
) -> Verdict:
    kept: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        kept.setdefault(checkpoint.count, []).append(checkpoint)
    previous, position, last_id = GENESIS, 0, None
    after_head: list[tuple[int, str]] = []  # (id, hash) of the entries past the head
    for position, entry in enumerate(entries, start=1):
        reason = _link_problem(entry, previous, last_id)
        if reason is None and head is not None:
            reason = _head_problem(entry, position, head)
        if reason is None and position in kept:
            reason = _checkpoint_problem(entry, kept[position])
            if reason is not None:
                return Verdict(0, GENESIS, Break(entry.id, position, reason, anywhere_before=True))
        if reason is not None:
            return Verdict(position - 1, previous, Break(entry.id, position, reason))
        previous, last_id = entry.hash, entry.id
        if head is not None and position > head.count:
            after_head.append((entry.id, entry.hash))
    if head is None:
        return Verdict(position, previous, None)
    if position < head.count:
        return Verdict(position, previous, _tail_removed(position, head))
    most = head.count if count_after is None else max(head.count, count_after())
    if position > most:
        first_id, _ = after_head[most - head.count]
        last_hash = after_head[most - head.count - 1][1] if most > head.count else head.hash
        reason = (
            f"sổ ghi chỉ có {most} mục; mục này nằm sau mục cuối: "
            "nó không được ghi qua sổ (chèn thẳng vào cơ sở dữ liệu)"
        )
        return Verdict(most, last_hash, Break(first_id, most + 1, reason))
    return Verdict(position, previous, None)


def _link_problem(entry: Entry, previous: str, last_id: int | None) -> str | None:
    if entry.previous != previous:
        if last_id is None:
            return (
                "mục đầu tiên không nối với mã khởi đầu của chuỗi: có mục đứng trước "
                "đã bị xoá, hoặc mục này đã bị sửa hay chèn vào"
            )
        return (
            f"mã “mục trước” ghi ở mục này không khớp mã băm của mục liền trước (#{last_id}): "
            "có mục giữa hai mục đã bị xoá, hoặc mục này đã bị sửa hay chèn vào"
        )
    try:
        digest = link_hash(previous, entry.content)
    except UNHASHABLE:
        digest = None
    if digest != entry.hash:
        return (
            "nội dung của mục không khớp với mã băm đã ghi: mục này đã bị sửa, "
            "hoặc được chèn thẳng vào cơ sở dữ liệu"
        )
    return None


def _head_problem(entry: Entry, position: int, head: Head) -> str | None:
    if position == head.count and entry.hash != head.hash:
        return (
            "mục này đứng ở vị trí cuối theo sổ ghi nhưng mã băm khác mã cuối sổ ghi "
            f"({head.hash[:12]}…): mục cuối đã bị thay"
        )
    return None


def _checkpoint_problem(entry: Entry, kept: list[Checkpoint]) -> str | None:
    for checkpoint in kept:
        if entry.hash != checkpoint.hash:
            return (
                f"mốc neo lúc {checkpoint.at} ghi mục thứ {checkpoint.count} có mã băm "
                f"{checkpoint.hash[:12]}…, nay mục ở vị trí đó mang mã khác: nhật ký đã bị "
                "viết lại (mục này hoặc một mục bất kỳ trước nó đã bị sửa và chuỗi được tính lại)"
            )
    return None


def _truncated(verdict: Verdict, checkpoint: Checkpoint) -> Break:
    reason = (
        f"mốc neo lúc {checkpoint.at} ghi chuỗi có {checkpoint.count} mục nhưng nay chỉ còn "
        f"{verdict.checked}: {checkpoint.count - verdict.checked} mục cuối đã bị cắt bỏ "
        "khỏi cơ sở dữ liệu"
    )
    return Break(None, verdict.checked + 1, reason)


def _tail_removed(found: int, head: Head) -> Break:
    missing = head.count - found
    last = f"#{head.id}" if head.id is not None else f"thứ {head.count}"
    if missing == 1:
        reason = f"sổ ghi có {head.count} mục nhưng chỉ còn {found}: mục cuối ({last}) đã bị xoá"
        return Break(head.id, found + 1, reason)
    reason = (
        f"sổ ghi có {head.count} mục nhưng chỉ còn {found}: {missing} mục cuối "
        f"(đến mục {last}) đã bị xoá"
    )
    return Break(None, found + 1, reason)
