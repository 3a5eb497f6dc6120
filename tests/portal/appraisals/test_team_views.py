"""The team page (/tham-dinh/dot/<id>/to-tham-dinh/): read by the team, the office admin,
leadership and the province's appraisers; changed by the office admin only; every other
role refused as it must be, and a refusal changes nothing."""

from __future__ import annotations

import pytest

from portal.appraisals.models import Assignment, TeamMember
from portal.audit.models import AuditEntry
from portal.workflow import CampaignState

READERS = ["hung", "hoa", "quang", "chair", "mai"]
# Who the team's pages refuse, and how: anonymous visitors go to the login page, outsiders
# learn nothing, the units' people (who see their own results elsewhere) are refused.
REFUSED_READ = [
    pytest.param(None, 302, id="anonymous"),
    pytest.param("khoa", 404, id="khoa-other-province"),
    pytest.param("lan", 403, id="lan-reporter"),
    pytest.param("minh", 403, id="minh-approver"),
    pytest.param("thao", 403, id="thao-reporter"),
]
REFUSED_WRITE = [
    *REFUSED_READ,
    pytest.param("hung", 403, id="hung-member"),
    pytest.param("hoa", 403, id="hoa-leadership"),
    pytest.param("chair", 403, id="chair"),
]


def url(team, suffix: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/tham-dinh/dot/{team.campaign.pk}/to-tham-dinh/{suffix}"


def state() -> tuple[object, ...]:
    return (
        sorted(TeamMember.objects.values_list("user__username", "chair")),
        sorted(Assignment.objects.values_list("member_id", "unit_id", "district_id", "index")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("who", READERS)
def test_the_team_and_the_office_read_the_team(team, who):
    page = team.cast.client(team.person(who)).get(url(team))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trần Văn Chính" in html and "Tổ trưởng" in html
    assert "chỉ số “Hoạt động chính quyền số”" in html  # the index by its name
    assert ("Thêm vào tổ" in html) == (who == "quang")


@pytest.mark.parametrize(("who", "status"), REFUSED_READ)
def test_it_refuses_to_show_the_team(team, who, status):
    response = team.cast.client(team.person(who)).get(url(team))
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def posts(team):  # type: ignore[no-untyped-def]
    """Every write of the team page, as (path, data)."""
    hung = team.members["hung"]
    assignment = Assignment.objects.get(member=hung)
    return [
        (url(team, "thanh-vien/"), {"user": team.cast.thao.pk}),
        (url(team, f"thanh-vien/{hung.pk}/bo/"), {}),
        (url(team, f"thanh-vien/{hung.pk}/to-truong/"), {}),
        (url(team, "phan-cong/"), {"member": hung.pk, "index": "the_che_so"}),
        (url(team, f"phan-cong/{assignment.pk}/bo/"), {}),
    ]


@pytest.mark.parametrize(("who", "status"), REFUSED_WRITE)
def test_only_the_office_admin_changes_the_team(team, who, status):
    client = team.cast.client(team.person(who))
    before = state()
    for path, data in posts(team):
        assert client.post(path, data).status_code == status, path
    assert state() == before


def test_the_office_admin_builds_the_team(team):
    client = team.cast.client(team.cast.quang)
    cast = team.cast
    response = client.post(url(team, "thanh-vien/"), {"user": cast.thao.pk}, follow=True)
    assert "Đã đưa Lê Thị Thảo vào tổ thẩm định." in response.content.decode()
    thao = TeamMember.objects.get(user=cast.thao)
    response = client.post(
        url(team, "phan-cong/"),
        {"member": thao.pk, "unit": cast.noi_vu.pk, "index": "the_che_so"},
        follow=True,
    )
    assert "Đã phân công Lê Thị Thảo." in response.content.decode()
    assert Assignment.objects.filter(member=thao, unit=cast.noi_vu, index="the_che_so").exists()
    response = client.post(url(team, f"thanh-vien/{thao.pk}/to-truong/"), follow=True)
    assert "Lê Thị Thảo là tổ trưởng." in response.content.decode()
    assert list(TeamMember.objects.filter(chair=True).values_list("user", flat=True)) == [
        cast.thao.pk
    ]


def test_assigning_someone_to_his_own_office_is_refused_naming_it(team):
    client = team.cast.client(team.cast.quang)
    client.post(url(team, "thanh-vien/"), {"user": team.cast.lan.pk})
    lan = TeamMember.objects.get(user=team.cast.lan)
    before = state()
    response = client.post(
        url(team, "phan-cong/"), {"member": lan.pk, "unit": team.cast.noi_vu.pk}, follow=True
    )
    assert (
        "Nguyễn Thị Lan là cán bộ của Sở Nội vụ: không thẩm định đơn vị của mình."
        in response.content.decode()
    )
    assert state() == before


def test_a_person_of_another_province_is_not_offered_nor_accepted(team):
    client = team.cast.client(team.cast.quang)
    assert "Bùi Đăng Khoa" not in client.get(url(team)).content.decode()
    before = state()
    response = client.post(url(team, "thanh-vien/"), {"user": team.cast.khoa.pk}, follow=True)
    assert "Chỉ chọn được người có vai trò ở tỉnh của đợt." in response.content.decode()
    assert state() == before


def test_the_team_is_read_only_once_finalized(team):
    team.campaign.state = CampaignState.FINALIZED
    team.campaign.save()
    client = team.cast.client(team.cast.quang)
    assert "Thêm vào tổ" not in client.get(url(team)).content.decode()
    before = state()
    response = client.post(url(team, "thanh-vien/"), {"user": team.cast.thao.pk}, follow=True)
    assert "không thay đổi được nữa" in response.content.decode()
    assert state() == before
