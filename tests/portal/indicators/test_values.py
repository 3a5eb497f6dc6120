"""Each imported cell becomes the value the unit's answer would hold for the criterion's
rule (assessments.Answer.value), and is refused for the reasons the self-assessment page
refuses a typed answer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from dti.framework.loader import build_framework
from portal.indicators.values import read_input, read_measured_at, read_value
from tests.portal.assessments.conftest import set_source
from tests.portal.conftest import framework_document
from tests.portal.indicators.conftest import json_bytes, upload, values

LEAVES = build_framework(framework_document(), file="mau", path="framework").by_code

GOOD = [
    ("nts_ke_hoach", True, True),  # yes/no
    ("nts_ke_hoach", "Có", True),
    ("nts_ke_hoach", "yes", True),
    ("nts_ke_hoach", "không", False),
    ("nts_ke_hoach", 0, False),
    ("tcs_quy_che", "day_du", "day_du"),  # choice: the option's key
    ("tcs_quy_che", "Ban hành một phần", "mot_phan"),  # or its label
    ("nts_tuyen_truyen", "12", "12"),  # count
    ("cqs_ky_so", "87,5%", "87.5"),  # ratio in %: the % sign is allowed
    ("cqs_ky_so", Decimal("87.50"), "87.50"),
    ("cqs_so_hoa", 75.25, "75.25"),  # bands
    ("xhs_danh_gia", "20,5", "20.5"),  # entered score
]


@pytest.mark.parametrize(("code", "raw", "stored"), GOOD)
def test_it_stores_what_the_answer_would_hold(code, raw, stored):
    assert read_value(LEAVES[code], raw) == stored


BAD = [
    ("nts_ke_hoach", "có lẽ", "Cần “có” hoặc “không”"),
    ("tcs_quy_che", "day du lam", "không phải một mức của tiêu chí; chọn: day_du (Ban hành"),
    ("nts_tuyen_truyen", "2,5", "Số lượng phải là số nguyên."),
    ("nts_tuyen_truyen", "5%", "Nhập số, không kèm dấu %."),
    ("cqs_ky_so", "120", "Tỷ lệ phải từ 0 đến 100%."),
    ("xhs_danh_gia", "26", "Điểm phải từ 0 đến 25."),
    ("xhs_danh_gia", True, "Cần một số."),
    ("cqs_so_hoa", float("nan"), "Không phải một số hữu hạn"),
]


@pytest.mark.parametrize(("code", "raw", "message"), BAD)
def test_it_refuses_what_the_page_refuses(code, raw, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        read_value(LEAVES[code], raw)


def test_formula_inputs_are_plain_non_negative_numbers():
    assert read_input("1.234.567") == "1234567"
    assert read_input(Decimal("12.5")) == "12.5"
    for raw, message in (
        ("-1", "âm"),
        ("5%", "dấu %"),
        ("abc", "“abc” không phải là số: gõ số, ví dụ 87,5."),
        ("", "Ô trống"),
    ):
        with pytest.raises(ValueError, match=message):
            read_input(raw)


@time_machine.travel(datetime(2025, 7, 15, 12, tzinfo=timezone.get_fixed_timezone(420)))
def test_measuring_times_are_read_in_the_portals_time_zone_and_never_in_the_future():
    def local(raw):  # type: ignore[no-untyped-def]
        return timezone.localtime(read_measured_at(raw)).strftime("%d/%m/%Y %H:%M %z")

    assert local("30/06/2025 08:15") == "30/06/2025 08:15 +0700"
    assert local("30/06/2025") == "30/06/2025 00:00 +0700"
    assert local("2025-06-30T01:15:00Z") == "30/06/2025 08:15 +0700"
    assert local(date(2025, 6, 30)) == "30/06/2025 00:00 +0700"
    assert local("15/07/2025 12:05") == "15/07/2025 12:05 +0700"  # a little clock skew is fine
    with pytest.raises(ValueError, match="tương lai"):
        read_measured_at("16/07/2025")


def test_imports_of_yes_no_and_choice_criteria_store_the_answers_shape(cast):
    set_source(cast, "nts_ke_hoach", "system")
    set_source(cast, "tcs_quy_che", "system")
    rows = [
        ("so-noi-vu", "nts_ke_hoach", "", "có", "30/06/2025", ""),
        ("so-tu-phap", "nts_ke_hoach", "", False, "30/06/2025", ""),
        ("so-noi-vu", "tcs_quy_che", "", "Ban hành đầy đủ", "30/06/2025", ""),
    ]
    response = upload(cast.client(cast.quang), cast.campaign, "x.json", json_bytes(rows))
    assert response.status_code == 302
    assert values(cast.campaign) == {
        ("so-noi-vu", "nts_ke_hoach"): True,
        ("so-tu-phap", "nts_ke_hoach"): False,
        ("so-noi-vu", "tcs_quy_che"): "day_du",
    }
