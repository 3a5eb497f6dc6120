"""Importing a `kind: framework` YAML file: checked exactly as the core checks it, every
problem shown, nothing stored unless it is all right."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.frameworks.documents import dump_yaml, exact_document, framework_file
from portal.frameworks.models import FrameworkVersion
from tests.portal.conftest import Cast
from tests.portal.frameworks.conftest import LOGIN, READ_ONLY, example_frameworks

URL = "/bo-chi-so/tinh/tinh-mau/nhap-yaml/"
GOOD = dump_yaml(framework_file(example_frameworks()["mau-2025:xa"]))


def post(cast: Cast, text: str | bytes, who: str = "quang", **fields: str):
    data = text.encode() if isinstance(text, str) else text
    form = {
        "year": "2025",
        "level": "xa",
        "file": SimpleUploadedFile("bo-chi-so.yaml", data),
    } | fields
    return cast.client(getattr(cast, who)).post(URL, form)


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast, unchanged):
    for response in (cast.client(None).get(URL), cast.client(None).post(URL, {"year": "2025"})):
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((r, 403) for r in READ_ONLY), ("khoa", 404)])
def test_it_is_for_the_office_admin_only(cast: Cast, unchanged, who, status):
    assert cast.client(getattr(cast, who)).get(URL).status_code == status
    assert post(cast, GOOD, who).status_code == status


def test_the_office_admin_imports_a_framework_file(cast: Cast):
    response = post(cast, GOOD)
    version = FrameworkVersion.objects.get(code="mau-2025-xa")
    assert response.status_code == 302 and response["Location"] == f"/bo-chi-so/{version.pk}/"
    assert (version.province, version.year, version.level) == (cast.province, 2025, "xa")
    assert version.name == "Bộ chỉ số chuyển đổi số cấp xã (100 điểm)"
    assert version.created_by == cast.quang
    version.refresh_from_db()
    assert exact_document(version.document) == example_frameworks()["mau-2025:xa"]
    assert version.build().max == 100


def test_numbers_stay_exact(cast: Cast):
    post(cast, GOOD.replace("points_each: 0.5", "points_each: 0.25"))
    version = FrameworkVersion.objects.get(code="mau-2025-xa")
    version.refresh_from_db()
    rule = exact_document(version.document)["nodes"][0]["children"][1]["rule"]
    assert rule["points_each"] == Decimal("0.25") and isinstance(rule["points_each"], Decimal)


BAD = {
    "a YAML syntax error": (
        "dti: 1\nkind: framework\nframework: [oops\n",
        ["bo-chi-so.yaml: dòng 4, cột 1: lỗi cú pháp YAML"],
    ),
    "a duplicate key": (
        GOOD.replace("  score_decimals: 2\n", "  score_decimals: 2\n  score_decimals: 3\n"),
        [
            "bo-chi-so.yaml: dòng 7, cột 3: lỗi cú pháp YAML: khoá &#x27;score_decimals&#x27; bị lặp lại"
        ],
    ),
    "a rule that does not exist": (
        GOOD.replace("type: yes_no", "type: magic"),
        [
            "bo-chi-so.yaml: framework.nodes[nhan_thuc_so].children[nts_ke_hoach].rule: loại &#x27;magic&#x27; không hợp lệ"
        ],
    ),
    "a parent max that is not the sum of its children": (
        GOOD.replace("    name: Nhận thức số\n", "    name: Nhận thức số\n    max: 20\n"),
        [
            "bo-chi-so.yaml: framework.nodes[nhan_thuc_so].max: điểm tối đa 20 khác tổng điểm tối đa của các tiêu chí con (15)"
        ],
    ),
    "a formula reading an input it does not declare": (
        GOOD.replace("        - name: total\n          label: Tổng số hồ sơ\n", ""),
        [
            "framework.nodes[hoat_dong_chinh_quyen_so].children[cqs_dvctt].rule.expression: Biểu thức",
            "tên không xác định &quot;total&quot;; các tên hợp lệ: online",
        ],
    ),
    "a campaign file": (
        "dti: 1\nkind: campaign\nprovince: X\nyear: 2025\nlevels: []\nunits: []\n",
        ["levels: cần ít nhất 1 phần tử"],
    ),
    "not UTF-8": ("tên".encode("utf-16"), ["bo-chi-so.yaml: tệp không phải văn bản UTF-8"]),
    "a code the province already has": (
        GOOD.replace("code: mau-2025-xa", "code: mau-2025-so"),
        ["Tỉnh đã có bộ chỉ số mã “mau-2025-so”: hãy chọn mã khác."],
    ),
    "a code with a dot": (
        GOOD.replace("code: mau-2025-xa", "code: mau.2025"),
        ["Mã bộ chỉ số “mau.2025” chỉ được gồm chữ cái không dấu, chữ số, - và _."],
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_stores_nothing_and_shows_every_problem(cast: Cast, unchanged, case):
    text, problems = BAD[case]
    response = post(cast, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa có gì được lưu" in page
    for problem in problems:
        assert problem in page


def test_it_refuses_a_kind_campaign_file_even_when_valid(cast: Cast, unchanged):
    from tests.conftest import EXAMPLES

    response = post(cast, (EXAMPLES / "mau-2025.yaml").read_bytes())
    assert (
        "tệp này là một đợt đánh giá, không phải bộ chỉ số (kind: framework)"
        in response.content.decode()
    )


@pytest.mark.parametrize(("fields", "message"), [
    ({"year": "1999"}, "Năm phải từ 2000 đến 2100."),
    ({"level": "cấp xã"}, "Mã khối chỉ gồm chữ cái không dấu"),
])  # fmt: skip
def test_it_checks_the_year_and_the_level(cast: Cast, unchanged, fields, message):
    assert message in post(cast, GOOD, **fields).content.decode()
