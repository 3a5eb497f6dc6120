"""Comparing two answers without writing them (portal.answers.same_answer): a save compares
every posted answer with the stored one, and must find them the same exactly when their
canonical texts are, whatever the types JSON gave back."""

from __future__ import annotations

import itertools
from collections import OrderedDict

import pytest
from django.utils.safestring import SafeString

from portal.answers import canonical_answer, same_answer

VALUES: list[object] = [
    None,
    "",
    "1",
    "1.0",
    "0",
    "true",
    True,
    False,
    1,
    0,
    1.0,
    0.0,
    "mot_phan",
    "Đầy đủ",
    {"a": "1"},
    {"a": "1", "b": "2"},
    {"b": "2", "a": "1"},
    {"a": 1},
    {"a": True},
    ["1"],
    ("1",),
    SafeString("1"),
    OrderedDict([("a", "1"), ("b", "2")]),
]
NOTES = ["", "ghi chú", " ghi chú"]


@pytest.mark.parametrize(("value", "other"), itertools.product(VALUES, VALUES))
def test_same_exactly_when_the_canonical_texts_are(value: object, other: object):
    for note, other_note in itertools.product(NOTES, NOTES):
        expected = canonical_answer(value, note) == canonical_answer(other, other_note)  # type: ignore[arg-type]
        assert same_answer(value, note, other, other_note) is expected, (value, other)


def test_a_yes_is_never_the_number_one_nor_a_no_zero():
    assert not same_answer(True, "", 1, "")
    assert not same_answer(False, "", 0, "")
    assert not same_answer("1", "", 1, "")
    assert same_answer({"b": "2", "a": "1"}, "", {"a": "1", "b": "2"}, "")
