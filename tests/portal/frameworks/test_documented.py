"""Docs land with the code: every column, rule and policy parameter of the workbooks the
office fills is named in docs/portal-units-frameworks.md."""

from __future__ import annotations

import pytest

from portal.frameworks.vocabulary import RULE_LABELS, SOURCE_LABELS
from portal.frameworks.workbook.policy import (
    ADJUSTMENT_COLUMNS,
    GROUP_COLUMNS,
    INDEX_COLUMNS,
    POLICY,
)
from portal.frameworks.workbook.tree import COLUMNS
from portal.units.workbook import LINEAGE_COLUMNS, UNIT_COLUMNS
from tests.conftest import REPO

DOC = (REPO / "docs/portal-units-frameworks.md").read_text(encoding="utf-8").lower()
WORDS = sorted({
    *COLUMNS, *GROUP_COLUMNS, *ADJUSTMENT_COLUMNS, *INDEX_COLUMNS, *(p.label for p in POLICY),
    *RULE_LABELS.values(), *SOURCE_LABELS.values(), *UNIT_COLUMNS, *LINEAGE_COLUMNS,
})  # fmt: skip


@pytest.mark.parametrize("word", WORDS)
def test_every_word_of_the_workbooks_is_documented(word):
    label = word.split(": ")[-1].lower()  # "Xếp hạng từng chỉ số: đồng hạng" is listed by its part
    assert label in DOC, f"“{word}” is not in docs/portal-units-frameworks.md"
