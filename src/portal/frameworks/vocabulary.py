"""The Vietnamese words for the values of the framework format, shared by the workbook
(what people type) and the framework page (what people read)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

KIND_LABELS = {
    "group": "nhóm",
    "main_index": "chỉ số chính",
    "component": "chỉ số thành phần",
    "criterion": "tiêu chí",
}
RULE_LABELS = {
    "entered": "nhập điểm",
    "yes_no": "có-không",
    "choice": "lựa chọn",
    "ratio": "tỷ lệ",
    "bands": "mức",
    "count": "số lần",
    "formula": "công thức",
}
SOURCE_LABELS = {
    "unit": "đơn vị kê khai",
    "system": "hệ thống dùng chung",
    "appraisers": "tổ thẩm định chấm",
}
ADJUSTMENT_LABELS = {"bonus": "thưởng", "penalty": "trừ"}
YES_NO = {"có": True, "không": False, "true": True, "false": False}

# Other spellings people type for the same value.
_SPELLINGS = {
    "có/không": "yes_no", "có - không": "yes_no", "có không": "yes_no", "tỉ lệ": "ratio",
    "đơn vị": "unit", "hệ thống": "system", "tổ thẩm định": "appraisers",
    "cộng": "bonus", "điểm thưởng": "bonus", "điểm trừ": "penalty",
}  # fmt: skip


def normalize(text: str) -> str:
    """Lower case, NFC, single spaces: 'Chỉ  số chính' and 'chỉ số chính' are one word."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).strip().lower())


def reader(labels: Mapping[str, str]) -> dict[str, str]:
    """Typed text -> format value: the Vietnamese label, the format's own code, or a known
    other spelling."""
    known = {normalize(label): code for code, label in labels.items()}
    known |= {code: code for code in labels}
    known |= {spelling: code for spelling, code in _SPELLINGS.items() if code in labels}
    return known
