"""Comparing two answers without writing them (portal.answers.same_answer): a save compares
every posted answer with the stored one, and must find them the same exactly when their
canonical texts are, whatever the types JSON gave back."""

from __future__ import annotations

import itertools
import json
import re
from collections import OrderedDict
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.utils.safestring import SafeString

from portal.answers import (
    PostedAnswer,
    canonical_answer,
    loaded_mark,
    same_answer,
    stored_as_is,
)

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


MARK = re.compile(r"[A-Za-z0-9_-]{22}")


def test_a_loaded_mark_is_the_same_exactly_when_the_canonical_texts_are():
    answers = [(v, n) for v in VALUES for n in NOTES]
    marks = {loaded_mark(v, n) for v, n in answers}  # type: ignore[arg-type]
    texts = {canonical_answer(v, n) for v, n in answers}  # type: ignore[arg-type]
    assert len(marks) == len(texts)
    for value, note in answers:
        mark = loaded_mark(value, note)  # type: ignore[arg-type]
        assert MARK.fullmatch(mark), mark
        assert quote(mark, safe="") == mark  # nothing to escape in a form's body
        assert mark == loaded_mark(json.loads(canonical_answer(value, note))["value"], note)  # type: ignore[arg-type]


def test_an_answer_is_changed_when_it_is_not_the_one_the_page_loaded():
    loaded = loaded_mark("87.5", "theo báo cáo")
    assert not PostedAnswer("87.5", "theo báo cáo", 3, loaded).changed
    assert PostedAnswer("87.6", "theo báo cáo", 3, loaded).changed
    assert PostedAnswer("87.5", "theo báo cáo ", 3, loaded).changed
    assert PostedAnswer(None, "", 3, loaded).changed
    # a page loaded before the page carried marks (the answer's canonical text): changed,
    # so that a criterion someone saved since is a conflict to look at, never overwritten
    assert PostedAnswer("87.5", "theo báo cáo", 3, canonical_answer("87.5", "theo báo cáo")).changed


class Text(str):
    """A text that is not exactly a str: JSON would write it, but as what?"""


@pytest.mark.parametrize(
    "value", [None, True, False, "", "87.5", "mot_phan", {}, {"so_ho_so": "12", "tong": "40"}]
)
def test_what_the_answers_form_gives_is_stored_as_it_is(value: object):
    assert stored_as_is(value, "")
    assert stored_as_is(value, "Theo báo cáo số 12/BC-UBND")


@pytest.mark.parametrize(
    "value",
    [
        1,
        0,
        1.5,
        float("nan"),
        Decimal("87.5"),
        ["1"],
        ("1",),
        {"1"},
        {"a": 1},
        {"a": None},
        {"a": {"b": "1"}},
        {1: "1"},
        Text("1"),
        {"a": Text("1")},
        SafeString("1"),
        OrderedDict(a="1"),
        b"1",
        object(),
    ],
)
def test_any_other_value_is_not(value: object):
    assert not stored_as_is(value, "")


@pytest.mark.parametrize("note", [None, 1, b"", Text(""), ["ghi chú"]])
def test_a_note_that_is_not_exactly_a_text_is_not(note: object):
    assert not stored_as_is("1", note)
