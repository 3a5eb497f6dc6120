"""How a stored value reads on the page and in the exports: compact, decimal comma, dates
dd/mm/yyyy in the portal's time zone, states by their names, answers as value then note."""

from __future__ import annotations

import pytest
from django.utils import translation

from portal.audit.rows import value_text, what_changed


@pytest.mark.parametrize(
    ("value", "entity", "text"),
    [
        (None, "answer", "—"),
        (True, "answer", "Có"),
        (False, "answer", "Không"),
        ("87.5", "answer", "87,5"),
        ("-0.25", "answer", "-0,25"),
        (12.5, "answer", "12,5"),
        (40, "answer", "40"),
        ("", "answer", "(trống)"),
        ("day_du", "answer", "day_du"),
        ({"value": "87.5", "note": ""}, "answer", "87,5"),
        ({"value": "87.5", "note": "Theo QLVB"}, "answer", "87,5; thuyết minh: Theo QLVB"),
        ({"value": {"online": "12", "total": "20.5"}, "note": ""}, "answer", "online: 12; total: 20,5"),
        (["a", "1.5"], "answer", "a, 1,5"),
        ([], "answer", "—"),
        ("2025-06-30T10:00:00+00:00", "deadline", "30/06/2025 17:00"),
        ("2025-06-30T16:59:59.123456Z", "deadline", "30/06/2025 23:59"),
        ({"appraisal_due": "2025-07-01T01:00:00+00:00", "supplement_due": None}, "deadline",
         "hạn thẩm định: 01/07/2025 08:00; hạn bổ sung: —"),
        ("submitted", "submission", "Đã gửi, chờ phê duyệt"),
        ("draft", "submission", "Đang nhập"),
        ("draft", "campaign", "Đang soạn"),
        ("scoring", "round", "Tổ đang chấm"),
        ("draft", "answer", "draft"),  # a state only where the entity has states
    ],
)  # fmt: skip
def test_values_read_compactly(value, entity, text):
    with translation.override("vi"):
        assert value_text(value, entity) == text


def test_what_changed_names_the_entity_and_the_action():
    with translation.override("vi"):
        assert what_changed("answer", "save") == "Giá trị tự đánh giá: lưu nháp"
        assert what_changed("campaign", "close_self_assessment") == "Đợt đánh giá: đóng tự đánh giá"
        assert what_changed("something_new", "done") == "something_new: done"
    with translation.override("en"):
        assert what_changed("evidence", "add") == "Evidence: add"
