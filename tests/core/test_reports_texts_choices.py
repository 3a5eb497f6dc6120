"""The office's choices of presentation in its texts file: detail depth, grouping per level,
the reason a level was not assessed. Hostile values are refused, each problem named."""

from __future__ import annotations

import pytest

from dti.framework.documents import DocumentError
from dti.reports.texts import Grouping, ReportTexts, load_texts, texts_from_mapping


def problems(document: object) -> list[tuple[str, str]]:
    with pytest.raises(DocumentError) as error:
        texts_from_mapping(document, "texts.yaml")
    return [(p.path, p.message) for p in error.value.problems]


def test_the_defaults_are_components_one_list_and_no_reason():
    texts = ReportTexts()
    assert (texts.detail_depth, texts.grouping_of("xa"), dict(texts.not_assessed)) == (
        1,
        Grouping.NONE,
        {},
    )


def test_the_choices_are_read_from_yaml(tmp_path):
    path = tmp_path / "texts.yaml"
    path.write_text(
        "detail_depth: 2\n"
        "grouping: {xa: parent, so: group, huyen: none}\n"
        "not_assessed:\n  xa: '  Các xã chưa được đánh giá do sắp xếp đơn vị hành chính.  '\n",
        encoding="utf-8",
    )
    texts = load_texts(path)
    assert texts.detail_depth == 2
    assert [texts.grouping_of(code) for code in ("xa", "so", "huyen", "khac")] == [
        Grouping.PARENT,
        Grouping.GROUP,
        Grouping.NONE,
        Grouping.NONE,
    ]
    assert texts.not_assessed == {"xa": "Các xã chưa được đánh giá do sắp xếp đơn vị hành chính."}


@pytest.mark.parametrize("value", [-1, 6, 10**12, "1", 1.5, True, None, [1], {"xa": 1}])
def test_a_depth_must_be_a_whole_number_from_0_to_5(value):
    assert problems({"detail_depth": value}) == [("detail_depth", "phải là số nguyên từ 0 đến 5")]


@pytest.mark.parametrize("depth", [0, 5])
def test_the_depths_bounds_are_allowed(depth):
    assert texts_from_mapping({"detail_depth": depth}, "t").detail_depth == depth


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("parent", [("grouping", "phải là bảng mã khối: giá trị")]),
        (["xa"], [("grouping", "phải là bảng mã khối: giá trị")]),
        ({"xa": "huyen"}, [("grouping.xa", "phải là một trong: none, parent, group")]),
        ({"xa": ["parent"]}, [("grouping.xa", "phải là một trong: none, parent, group")]),
        ({"xa": {"a": 1}}, [("grouping.xa", "phải là một trong: none, parent, group")]),
        ({"xa": None}, [("grouping.xa", "phải là một trong: none, parent, group")]),
        ({"xa": "PARENT"}, [("grouping.xa", "phải là một trong: none, parent, group")]),
        ({2025: "parent"}, [("grouping.2025", "mã khối phải là một đoạn văn bản")]),
        ({" ": "parent"}, [("grouping. ", "mã khối phải là một đoạn văn bản")]),
    ],
)
def test_a_grouping_is_a_known_choice_per_level(value, expected):
    assert problems({"grouping": value}) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Chưa đánh giá", [("not_assessed", "phải là bảng mã khối: giá trị")]),
        ({"xa": ["a", "b"]}, [("not_assessed.xa", "phải là một đoạn văn bản")]),
        ({"xa": 3}, [("not_assessed.xa", "phải là một đoạn văn bản")]),
        ({None: "lý do"}, [("not_assessed.None", "mã khối phải là một đoạn văn bản")]),
    ],
)
def test_a_reason_is_a_text_per_level(value, expected):
    assert problems({"not_assessed": value}) == expected


def test_every_problem_of_the_file_is_listed_at_once():
    found = problems(
        {"detail_depth": -2, "grouping": {"xa": "huyen", "so": "group"}, "not_assessed": 7}
    )
    assert [path for path, _ in found] == ["detail_depth", "grouping.xa", "not_assessed"]


def test_the_new_keys_are_named_when_a_key_is_unknown():
    ((path, message),) = problems({"grouping_by": "parent"})
    assert path == "grouping_by"
    assert all(key in message for key in ("detail_depth", "grouping", "not_assessed"))
