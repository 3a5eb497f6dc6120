"""The hash chain of the audit trail (dti.ledger): an intact chain verifies; changing,
removing or inserting an entry breaks it at that entry; the head catches entries removed
from or replaced at the end; entries appended while the log is read are accepted only as
far as the head read afterwards knows them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dti.anchor import Anchor, AnchorDamaged, parse_checkpoint
from dti.ledger import (
    GENESIS,
    Checkpoint,
    Entry,
    Head,
    canonical_json,
    canonical_text,
    link_hash,
    verify,
)


def chain(count: int, start_id: int = 1) -> list[Entry]:
    entries, previous = [], GENESIS
    for number in range(count):
        content = {"id": start_id + number, "new": f"{number}.5", "who": "Nguyễn Thị Lan"}
        digest = link_hash(previous, content)
        entries.append(Entry(start_id + number, content, previous, digest))
        previous = digest
    return entries


def head_of(entries: list[Entry]) -> Head:
    return Head(len(entries), entries[-1].hash, entries[-1].id) if entries else Head(0)


def test_canonical_json_is_the_same_bytes_whatever_the_key_order():
    assert canonical_json({"b": 1, "a": "ạ"}) == canonical_json({"a": "ạ", "b": 1})
    assert canonical_json({"a": "ạ"}) == '{"a":"ạ"}'.encode()
    with pytest.raises(ValueError, match="JSON compliant"):
        canonical_json({"a": float("nan")})


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), JSON_VALUES, max_size=8), st.data())
def test_values_encoded_beforehand_give_the_same_bytes(content, data):
    """A writer encodes an entry's large values before its lock (canonical_text) and the
    entry with them under it: the bytes its hash covers are the same as encoded at once."""
    keys = data.draw(st.sets(st.sampled_from(sorted(content)))) if content else set()
    encoded = {key: canonical_text(content[key]) for key in keys}
    assert canonical_json(content, encoded) == canonical_json(content)


def test_values_encoded_beforehand_need_a_mapping_keyed_by_text():
    with pytest.raises(TypeError, match="mapping keyed by text"):
        canonical_json({1: "a", "b": 2}, {"b": "2"})
    with pytest.raises(TypeError, match="mapping keyed by text"):
        canonical_json(["a"], {"b": "2"})


def test_an_intact_chain_verifies_with_its_head():
    entries = chain(5)
    verdict = verify(entries, head=head_of(entries))
    assert verdict.intact
    assert (verdict.checked, verdict.last_hash) == (5, entries[-1].hash)


def test_an_empty_log_is_intact():
    assert verify([], head=Head(0)).intact


def test_a_changed_content_breaks_at_that_entry():
    entries = chain(5)
    entries[2] = replace(entries[2], content={**entries[2].content, "new": "9.5"})
    verdict = verify(entries, head=head_of(chain(5)))
    assert verdict.broken is not None
    assert (verdict.broken.id, verdict.broken.position, verdict.checked) == (3, 3, 2)
    assert "đã bị sửa" in verdict.broken.reason


def test_a_changed_hash_breaks_at_that_entry():
    entries = chain(5)
    entries[1] = replace(entries[1], hash="f" * 64)
    verdict = verify(entries, head=head_of(chain(5)))
    assert verdict.broken is not None and verdict.broken.id == 2


def test_a_removed_middle_entry_breaks_at_the_entry_after_it():
    entries = chain(5)
    del entries[2]
    verdict = verify(entries, head=head_of(chain(5)))
    assert verdict.broken is not None
    assert (verdict.broken.id, verdict.broken.position) == (4, 3)
    assert "#2" in verdict.broken.reason  # the last intact entry before the gap


def test_a_removed_first_entry_breaks_at_the_new_first_entry():
    verdict = verify(chain(3)[1:])
    assert verdict.broken is not None and verdict.broken.id == 2
    assert "mã khởi đầu" in verdict.broken.reason


def test_a_removed_last_entry_is_named_from_the_head():
    entries = chain(5)
    verdict = verify(entries[:-1], head=head_of(entries))
    assert verdict.broken is not None
    assert (verdict.broken.id, verdict.broken.position, verdict.checked) == (5, 5, 4)
    assert "mục cuối (#5) đã bị xoá" in verdict.broken.reason


def test_several_removed_last_entries_are_counted():
    entries = chain(5)
    verdict = verify(entries[:2], head=head_of(entries))
    assert verdict.broken is not None
    assert (verdict.broken.id, verdict.broken.position) == (None, 3)
    assert "3 mục cuối" in verdict.broken.reason


def test_a_last_entry_replaced_with_a_valid_link_is_caught_by_the_head():
    entries = chain(5)
    content = {"id": 5, "new": "100"}
    replaced = Entry(5, content, entries[3].hash, link_hash(entries[3].hash, content))
    forged = [*entries[:4], replaced]
    verdict = verify(forged, head=head_of(entries))
    assert verdict.broken is not None and verdict.broken.id == 5
    assert "mục cuối đã bị thay" in verdict.broken.reason


def test_an_inserted_entry_breaks_at_that_entry():
    entries = chain(4)
    inserted = Entry(99, {"id": 99, "new": "1"}, entries[-1].hash, "0" * 64)
    verdict = verify([*entries, inserted], head=head_of(entries), count_after=lambda: 5)
    assert verdict.broken is not None and verdict.broken.id == 99


def test_entries_appended_while_reading_are_accepted_as_far_as_the_head_knows_them():
    entries = chain(6)
    before = head_of(entries[:4])
    verdict = verify(entries, head=before, count_after=lambda: 6)
    assert verdict.intact and verdict.checked == 6


def test_a_valid_looking_entry_the_head_never_counted_is_refused():
    entries = chain(6)
    verdict = verify(entries, head=head_of(entries[:4]), count_after=lambda: 5)
    assert verdict.broken is not None
    assert (verdict.broken.id, verdict.broken.position, verdict.checked) == (6, 6, 5)
    assert verdict.last_hash == entries[4].hash
    assert "không được ghi qua sổ" in verdict.broken.reason
    assert not verify(entries, head=head_of(entries[:4])).intact  # without a recount: none


@given(st.integers(min_value=1, max_value=12), st.data())
def test_any_single_change_breaks_the_chain_at_that_entry(count, data):
    entries = chain(count)
    index = data.draw(st.integers(min_value=0, max_value=count - 1))
    field = data.draw(st.sampled_from(["content", "previous", "hash"]))
    changed = {
        "content": {"content": {**entries[index].content, "who": "người khác"}},
        "previous": {"previous": "1" * 64},
        "hash": {"hash": "2" * 64},
    }[field]
    tampered = [*entries[:index], replace(entries[index], **changed), *entries[index + 1 :]]
    verdict = verify(tampered, head=head_of(entries))
    assert verdict.broken is not None
    assert (verdict.broken.position, verdict.checked) == (index + 1, index)


# ---- checkpoints kept outside the database (dti.anchor) ---------------------------------


def test_a_chain_cut_to_below_a_checkpoint_is_named_as_truncated_even_with_a_matching_head():
    entries = chain(7)
    kept = [
        Checkpoint(3, entries[2].hash, "2026-01-01T00:00:00+00:00"),
        Checkpoint(7, entries[6].hash, "2026-02-01T00:00:00+00:00"),
    ]
    cut = entries[:4]
    verdict = verify(cut, head=head_of(cut), checkpoints=kept)
    assert verdict.broken is not None
    assert (verdict.broken.id, verdict.broken.position, verdict.checked) == (None, 5, 4)
    assert "mốc neo lúc 2026-02-01T00:00:00+00:00 ghi chuỗi có 7 mục" in verdict.broken.reason


def test_a_rewritten_chain_with_another_hash_at_a_checkpoint_breaks_there():
    original, rewritten = chain(5), chain(5, start_id=1)
    rewritten = [replace(e, content={**e.content, "who": "x"}) for e in rewritten]
    previous, relinked = GENESIS, []
    for entry in rewritten:  # every hash recomputed: a valid chain on its own
        digest = link_hash(previous, entry.content)
        relinked.append(replace(entry, previous=previous, hash=digest))
        previous = digest
    assert verify(relinked, head=head_of(relinked)).intact
    kept = [Checkpoint(2, original[1].hash, "2026-01-01T00:00:00+00:00")]
    verdict = verify(relinked, head=head_of(relinked), checkpoints=kept)
    assert verdict.broken is not None
    assert (verdict.broken.id, verdict.broken.position) == (2, 2)
    assert "viết lại" in verdict.broken.reason


def test_a_chain_that_grew_past_its_checkpoints_is_intact():
    entries = chain(6)
    kept = [Checkpoint(4, entries[3].hash, "2026-01-01T00:00:00+00:00")]
    assert verify(entries, head=head_of(entries), checkpoints=kept).intact


def test_the_anchor_file_appends_lines_and_reads_them_back(tmp_path):
    anchor = Anchor(tmp_path / "anchor")
    assert anchor.checkpoints() == [] and anchor.last() is None
    first = Checkpoint(1, "a" * 64, "2026-01-01T00:00:00+00:00")
    second = Checkpoint(2, "b" * 64, "2026-01-01T00:05:00+00:00")
    anchor.append(first)
    anchor.append(second)
    assert anchor.checkpoints() == [first, second]
    assert anchor.last() == second


def test_two_processes_writing_the_first_checkpoint_both_make_the_folder(tmp_path, monkeypatch):
    # the other process made the folder between this one's look and its mkdir
    folder = tmp_path / "anchor"
    anchor = Anchor(folder)
    looked, first_look = Path.is_dir, [True]

    def made_meanwhile(path: Path) -> bool:
        if path == folder and first_look:
            first_look.clear()
            folder.mkdir()
            return False
        return looked(path)

    monkeypatch.setattr(Path, "is_dir", made_meanwhile)
    first = Checkpoint(1, "a" * 64, "2026-01-01T00:00:00+00:00")
    anchor.append(first)
    assert anchor.checkpoints() == [first]


@pytest.mark.parametrize(
    "line",
    ['{"count": 0, "hash": "' + "a" * 64 + '", "at": "2026-01-01T00:00:00"}',
     '{"count": 1, "hash": "xyz", "at": "2026-01-01T00:00:00"}',
     '{"count": 1, "hash": "' + "a" * 64 + '", "at": "hôm qua"}', "[1, 2]", "{"],
)  # fmt: skip
def test_a_line_that_is_not_a_checkpoint_is_named(line):
    with pytest.raises(AnchorDamaged, match="dòng 3"):
        parse_checkpoint(line, 3)
