"""A unit's history: the links before and after it, however long the chain."""

from __future__ import annotations

from datetime import date

from portal.units.models import Lineage, Unit
from portal.units.selectors import unit_history
from tests.portal.conftest import Cast


def test_a_rename_and_back_does_not_loop_forever(cast: Cast, django_assert_num_queries):
    renamed = Unit.objects.create(
        province=cast.province, code="so-nv2", name="Sở Nội vụ 2", level="so"
    )
    Lineage.objects.create(
        predecessor=cast.noi_vu, successor=renamed, kind="renamed", effective=date(2020, 1, 1)
    )
    Lineage.objects.create(
        predecessor=renamed, successor=cast.noi_vu, kind="renamed", effective=date(2022, 1, 1)
    )
    with django_assert_num_queries(1):  # the province's links with both ends
        history = unit_history(cast.noi_vu)
    assert [sentence for _, sentence in history.chain] == [
        "Sở Nội vụ đổi tên thành Sở Nội vụ 2",
        "Sở Nội vụ 2 đổi tên thành Sở Nội vụ",
    ]
    assert not history.reaches_further


def test_links_of_other_provinces_are_not_history(cast: Cast):
    a = Unit.objects.create(province=cast.other_province, code="a", name="A", level="xa")
    b = Unit.objects.create(province=cast.other_province, code="b", name="B", level="xa")
    Lineage.objects.create(
        predecessor=a, successor=b, kind="merged_into", effective=date(2025, 7, 1)
    )
    assert unit_history(cast.noi_vu).chain == []
