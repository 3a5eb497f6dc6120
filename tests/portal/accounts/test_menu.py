"""The site menu shows only what the person's roles can use (the pages themselves refuse the
rest: tests/portal/permissions), and nothing but sign-out while the second factor is owed."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from portal.appraisals.models import TeamMember
from tests.portal.conftest import Cast, make_user

EVERYONE = ["Thông báo", "Đăng xuất"]


def menu(html: str) -> list[str]:
    """The texts of the wide menu's links and buttons, in order (the phone's "Menu"
    disclosure holds the same list)."""
    wide = re.search(r'<nav class="site-menu menu-wide"[^>]*>(.*?)</nav>', html, re.S)
    narrow = re.search(r'<details class="site-menu menu-narrow">(.*?)</details>', html, re.S)
    assert wide and narrow
    items = re.findall(r"<(?:a|button)\b[^>]*>(.*?)</(?:a|button)>", wide.group(1), re.S)
    texts = [re.sub(r"<[^>]+>|\s+", " ", item).strip() for item in items]
    assert narrow.group(1).count("<li>") == wide.group(1).count("<li>")
    return [t for t in texts if t not in ("Tiếng Việt", "English")]


def menu_of(client: Client) -> list[str]:
    response = client.get("/thong-bao/")
    assert response.status_code == 200
    return menu(response.content.decode())


def people_page_exists() -> bool:
    """The office's user administration ("Người dùng") shows once its page exists."""
    try:
        reverse("accounts:people")
    except NoReverseMatch:
        return False
    return True


@pytest.mark.parametrize(
    ("who", "sections"),
    [
        ("lan", ["Tự đánh giá"]),  # reporter
        ("minh", ["Tự đánh giá"]),  # approver
        ("hung", ["Thẩm định"]),  # appraiser
        ("hoa", ["Đợt đánh giá", "Chữ ký số"]),  # leadership
        ("quang", ["Đợt đánh giá", "Đơn vị", "Bộ chỉ số"]),  # office admin
    ],
)
def test_each_role_sees_its_sections(cast: Cast, who: str, sections: list[str]):
    person = getattr(cast, who)
    if who == "quang":
        sections = [*sections, *(["Người dùng"] if people_page_exists() else []), "Chữ ký số"]
    assert menu_of(cast.client(person)) == [*sections, "Thông báo", str(person), "Đăng xuất"]


def test_a_team_member_without_a_role_sees_the_appraisal(cast: Cast):
    member = make_user("tuan", "Đỗ Minh Tuấn")
    TeamMember.objects.create(campaign=cast.campaign, user=member)
    assert menu_of(cast.client(member)) == ["Thẩm định", "Thông báo", str(member), "Đăng xuất"]


def test_a_person_with_two_roles_sees_both(cast: Cast):
    from portal.accounts.models import Membership
    from portal.roles import Role

    Membership.objects.create(
        user=cast.hoa, province=cast.province, role=Role.REPORTER, unit=cast.noi_vu
    )
    assert menu_of(cast.client(cast.hoa))[:2] == ["Tự đánh giá", "Đợt đánh giá"]


def test_the_current_section_is_marked(cast: Cast):
    html = cast.client(cast.quang).get("/don-vi/").content.decode()
    assert '<a href="/don-vi/" aria-current="page">Đơn vị</a>' in html


def test_while_the_second_factor_is_owed_only_sign_out_shows(cast: Cast):
    client = Client()
    client.force_login(cast.quang)  # the password alone: the code is still owed
    response = client.get("/tai-khoan/xac-thuc/dang-ky/")
    assert response.status_code == 200
    assert menu(response.content.decode()) == ["Đăng xuất"]


def test_anonymous_visitors_are_offered_sign_in(cast: Cast):
    # "/" sends a visitor to the public results, whose menu offers signing in
    assert menu(Client().get("/", follow=True).content.decode()) == ["Đăng nhập"]


def test_the_menu_costs_a_fixed_number_of_queries(cast: Cast, django_assert_max_num_queries):
    client = cast.client(cast.lan)
    client.get("/thong-bao/")
    # session, user, the menu's roles and team seat (one query), the unread count, the inbox
    with django_assert_max_num_queries(5):
        client.get("/thong-bao/")
