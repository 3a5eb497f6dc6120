"""/bo-chi-so/<pk>/: the tree and the policies, in plain Vietnamese."""

from __future__ import annotations

import pytest

from portal.frameworks.models import FrameworkVersion
from tests.portal.conftest import Cast
from tests.portal.frameworks.conftest import LOGIN, MEMBERS, example_frameworks


def url(version: FrameworkVersion) -> str:
    return f"/bo-chi-so/{version.pk}/"


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast):
    response = cast.client(None).get(url(cast.framework))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((m, 200) for m in MEMBERS), ("khoa", 404)])
def test_it_shows_a_framework_to_members_of_its_province_only(cast: Cast, who, status):
    assert cast.client(getattr(cast, who)).get(url(cast.framework)).status_code == status


def test_it_answers_404_for_a_framework_that_does_not_exist(cast: Cast):
    assert cast.client(cast.quang).get("/bo-chi-so/999999/").status_code == 404


def test_it_shows_every_node_with_its_rule_in_plain_vietnamese(cast: Cast):
    page = cast.client(cast.lan).get(url(cast.framework)).content.decode()
    for expected in [
        "nts_ke_hoach",
        "Ban hành kế hoạch chuyển đổi số năm",
        "tổng điểm tối đa <strong>100 đ</strong>",
        "Có: 5 đ; Không: 0 đ",  # yes/no
        "0,5 đ mỗi lần, tối đa 10 đ",  # count
        "chọn một mức: Ban hành đầy đủ (10 đ); Ban hành một phần (5 đ); Chưa ban hành (0 đ)",
        "tỷ lệ so với mục tiêu 100, điểm tỷ lệ thuận, tối đa 15 đ",
        "theo mức: từ 90: 15 đ; từ 70: 10 đ; từ 50: 5 đ; từ 0: 0 đ",
        "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ, tối đa 80%, quy ra 20 điểm",  # a formula
        "<summary>Chi tiết kỹ thuật</summary><code>min(online / total * 100, 80) / 80 * 20 if "
        "total &gt; 0 else 0 (online: Số hồ sơ trực tuyến; total: Tổng số hồ sơ)</code>",
        "nhập trực tiếp điểm",
        "tổ thẩm định chấm",
        "hệ thống dùng chung",
        "chỉ khi có dịch vụ công trực tuyến",  # applicability in words
        "Hướng dẫn: Kế hoạch do Chủ tịch UBND xã ký ban hành trong năm đánh giá.",
        "chỉ số chính",
        "chỉ số thành phần",
    ]:
        assert expected in page, expected


def test_it_explains_the_ranking_policy_in_words(cast: Cast):
    page = cast.client(cast.lan).get(url(cast.framework)).content.decode()
    for expected in [
        "So sánh theo tỷ lệ: điểm đạt chia cho điểm tối đa của các tiêu chí áp dụng cho đơn vị",
        "Giá trị xếp hạng hiển thị 1 chữ số thập phân",
        "hạng sau liền kề (ví dụ 6, 6, 7)",
        "Xếp loại theo tỷ lệ % điểm đạt trên điểm tối đa áp dụng cho đơn vị, làm tròn 1 chữ số thập phân: "
        "Tốt từ 80; Khá từ 65; Trung bình (TB) từ 50; Yếu từ 0.",
        "Sáng kiến chuyển đổi số được công nhận [sang_kien]: cộng tối đa 5 đ",
        "Chậm gửi báo cáo tự đánh giá [cham_bao_cao]: trừ tối đa 5 đ",
    ]:
        assert expected in page, expected


def test_it_explains_the_national_policy_weights_and_groups(cast: Cast):
    version = FrameworkVersion.objects.create(
        province=cast.province,
        year=2025,
        level="bo",
        code="mau-2025-bo",
        name="Bộ",
        document=example_frameworks()["mau-2025:bo"],
    )
    page = cast.client(cast.hoa).get(url(version)).content.decode()
    assert "mỗi chỉ số chính lấy điểm đạt chia điểm tối đa, nhân trọng số" in page
    assert "bỏ qua các hạng kế tiếp (ví dụ 1, 2, 2, 4)" in page
    assert "trọng số 350" in page
    assert "Gồm các đơn vị: không có dịch vụ công trực tuyến." in page
    assert "Xếp hạng theo chính sách chung của bộ chỉ số." in page


def test_it_explains_the_removed_block(cast: Cast):
    version = FrameworkVersion.objects.create(
        province=cast.province,
        year=2024,
        level="so",
        code="bp-2024-so",
        name="Bình Phước",
        document=example_frameworks()["binhphuoc-2024:so"],
    )
    page = cast.client(cast.hoa).get(url(version)).content.decode()
    assert "trừ điểm tối đa của khối ở mọi đơn vị có khối này" in page


@pytest.mark.parametrize(("who", "sees"), [("quang", True), ("hoa", False), ("lan", False)])
def test_it_offers_clone_to_the_office_admin_and_no_edit_once_frozen(cast: Cast, who, sees):
    page = cast.client(getattr(cast, who)).get(url(cast.framework)).content.decode()
    assert ("Nhân bản sang năm mới" in page) is sees
    assert f"/bo-chi-so/{cast.framework.pk}/sua/" not in page  # frozen for everyone
    assert "Đã khoá" in page
    assert "Đánh giá chuyển đổi số năm 2025 — Sở, ban, ngành" in page


def test_it_offers_edit_of_an_unfrozen_version_to_the_office_admin(cast: Cast, draft):
    page = cast.client(cast.quang).get(url(draft)).content.decode()
    assert f"/bo-chi-so/{draft.pk}/sua/" in page and f"/bo-chi-so/{draft.pk}/xoa/" in page


@pytest.mark.parametrize("name", list(example_frameworks()))
def test_it_shows_every_example_framework(cast: Cast, name):
    version = FrameworkVersion.objects.create(
        province=cast.province,
        year=2023,
        level="x",
        code="vi-du",
        name=name,
        document=example_frameworks()[name],
    )
    response = cast.client(cast.quang).get(url(version))
    assert response.status_code == 200 and "Cây tiêu chí" in response.content.decode()
