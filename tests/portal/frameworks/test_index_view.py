"""/bo-chi-so/: the framework versions of the user's provinces."""

from __future__ import annotations

import pytest

from portal.frameworks.models import FrameworkVersion
from tests.portal.conftest import Cast, framework_document
from tests.portal.frameworks.conftest import LOGIN, MEMBERS


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast):
    response = cast.client(None).get("/bo-chi-so/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("who", MEMBERS)
def test_it_lists_the_provinces_frameworks_to_every_member(cast: Cast, who):
    page = cast.client(getattr(cast, who)).get("/bo-chi-so/").content.decode()
    assert "Bộ chỉ số chuyển đổi số cấp sở 2025" in page


def test_it_shows_an_outsider_nothing_of_the_province(cast: Cast):
    page = cast.client(cast.khoa).get("/bo-chi-so/").content.decode()
    assert "Bộ chỉ số chuyển đổi số cấp sở 2025" not in page


@pytest.mark.parametrize(("who", "sees_imports"), [("quang", True), ("hoa", False), ("lan", False)])
def test_it_offers_imports_to_the_office_admin_only(cast: Cast, who, sees_imports):
    page = cast.client(getattr(cast, who)).get("/bo-chi-so/").content.decode()
    assert ("Nhập từ Excel" in page) is sees_imports


def test_it_marks_frozen_and_editable_versions(cast: Cast, draft):
    page = cast.client(cast.hoa).get("/bo-chi-so/").content.decode()
    assert "Đang dùng — đã khoá" in page  # the cast's framework: its campaign is open
    assert "Có thể sửa" in page  # the draft


def test_it_reads_the_list_in_a_fixed_number_of_queries(cast: Cast, django_assert_max_num_queries):
    for year in range(2000, 2030):
        FrameworkVersion.objects.create(
            province=cast.province,
            year=year,
            level="xa",
            code=f"xa-{year}",
            name=f"Bộ chỉ số xã {year}",
            document=framework_document(),
        )
    client = cast.client(cast.quang)
    # session, user, the navigation's memberships, the list's memberships, the versions with
    # their campaign counts
    with django_assert_max_num_queries(6):
        assert client.get("/bo-chi-so/").status_code == 200
