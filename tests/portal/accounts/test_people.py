"""The office's pages for people: the list, roles by unit, creating a person with an
invitation, a person's page, assigning and withdrawing roles, locking an account. Quang
administers Tỉnh Mẫu; Khoa administers another province and sees none of its people."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from portal.accounts.models import Membership, User
from portal.audit.models import AuditEntry
from portal.roles import Role
from tests.portal.accounts.conftest import log_in
from tests.portal.conftest import Cast, make_user
from tests.portal.jobs import run_jobs

PEOPLE = "/tai-khoan/nguoi-dung/"
ROLES = "/tai-khoan/nguoi-dung/vai-tro/"
CREATE = "/tai-khoan/nguoi-dung/them/"


def person_url(person: User, tail: str = "") -> str:
    return f"{PEOPLE}{person.pk}/{tail}"


def new_person(cast: Cast, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Hồ Văn Nam",
        "username": "nam",
        "email": "nam@tinh-mau.gov.vn",
        "role": Role.REPORTER.value,
        "unit": cast.tu_phap.pk,
    }
    data.update(changes)
    return data


# ---- who may come in -------------------------------------------------------------------

NOT_ADMINS = ["lan", "minh", "thao", "hung", "hoa"]


@pytest.mark.parametrize("who", NOT_ADMINS)
@pytest.mark.parametrize(
    "url",
    [PEOPLE, ROLES, CREATE, "/tai-khoan/nguoi-dung/nhap/", "/tai-khoan/nguoi-dung/nhap/mau.xlsx"],
)
def test_it_refuses_the_lists_to_everyone_but_the_office(cast: Cast, who: str, url: str):
    response = cast.client(getattr(cast, who)).get(url)
    assert response.status_code == 403


def test_the_refusal_page_does_not_claim_the_reporter_may_look(cast: Cast):
    html = cast.client(cast.lan).get(PEOPLE).content.decode()
    assert "cho phép xem nhưng" not in html
    assert "Vai trò của bạn không cho phép mở trang này hoặc làm việc này." in html


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_it_refuses_a_persons_pages_to_everyone_but_the_office(cast: Cast, who: str):
    client = cast.client(getattr(cast, who))
    lan = cast.lan
    membership = Membership.objects.get(user=lan)
    assert client.get(person_url(lan)).status_code == 403
    assert client.post(person_url(lan, "vai-tro/"), {"role": "leadership"}).status_code == 403
    withdraw = person_url(lan, f"vai-tro/{membership.pk}/thu-hoi/")
    assert client.post(withdraw, {"confirmed": "1"}).status_code == 403
    assert client.post(person_url(lan, "trang-thai/"), {"confirmed": "1"}).status_code == 403
    assert client.post(person_url(lan, "moi-lai/")).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.get(pk=lan.pk).is_active


def test_the_admin_of_another_province_finds_none_of_its_people(cast: Cast):
    client = cast.client(cast.khoa)
    lan = cast.lan
    membership = Membership.objects.get(user=lan)
    assert client.get(person_url(lan)).status_code == 404
    assert client.post(person_url(lan, "vai-tro/"), {"role": "leadership"}).status_code == 404
    withdraw = person_url(lan, f"vai-tro/{membership.pk}/thu-hoi/")
    assert client.get(withdraw).status_code == 404
    assert client.post(person_url(lan, "trang-thai/"), {"confirmed": "1"}).status_code == 404
    assert client.post(person_url(lan, "moi-lai/")).status_code == 404
    listed = client.get(PEOPLE).content.decode()
    assert "Nguyễn Thị Lan" not in listed and "Bùi Đăng Khoa" in listed


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast):
    response = cast.client(None).get(PEOPLE)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


# ---- the list --------------------------------------------------------------------------


def test_the_office_lists_its_people_with_their_roles(cast: Cast):
    page = cast.client(cast.quang).get(PEOPLE).content.decode()
    for name in ("Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Thảo", "Phạm Văn Hùng"):
        assert name in page
    assert "Bùi Đăng Khoa" not in page  # of the other province
    assert "Cán bộ đầu mối của đơn vị — Sở Nội vụ" in page


def test_a_superuser_lists_everyone(cast: Cast):
    root = User.objects.create_superuser("root", "root@example.org", "x")
    page = cast.client(root).get(PEOPLE).content.decode()
    assert "Bùi Đăng Khoa" in page and "Nguyễn Thị Lan" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=Thảo", ["Lê Thị Thảo"], ["Nguyễn Thị Lan"]),
        ("q=tư pháp", ["Lê Thị Thảo"], ["Nguyễn Thị Lan"]),
        ("role=reporter&unit={noi_vu}", ["Nguyễn Thị Lan"], ["Trần Văn Minh", "Lê Thị Thảo"]),
        ("role=approver", ["Trần Văn Minh"], ["Nguyễn Thị Lan"]),
        ("unit={noi_vu}", ["Nguyễn Thị Lan", "Trần Văn Minh"], ["Lê Thị Thảo"]),
        ("active=0", [], ["Nguyễn Thị Lan"]),
        ("role=nonsense&unit=abc", ["Nguyễn Thị Lan"], []),  # a stale link still lists
    ],
)
def test_it_searches_and_filters(cast: Cast, query: str, shown: list[str], hidden: list[str]):
    url = f"{PEOPLE}?{query.format(noi_vu=cast.noi_vu.pk)}"
    page = cast.client(cast.quang).get(url).content.decode()
    table = page.split('id="people"')[-1] if 'id="people"' in page else ""
    for name in shown:
        assert name in table
    for name in hidden:
        assert name not in table


def test_it_sorts_by_last_sign_in(cast: Cast):
    from django.utils import timezone

    User.objects.filter(pk=cast.thao.pk).update(last_login=timezone.now())
    page = cast.client(cast.quang).get(f"{PEOPLE}?sort=-last_login").content.decode()
    assert page.index("Lê Thị Thảo") < page.index("Nguyễn Thị Lan")
    by_name = cast.client(cast.quang).get(PEOPLE).content.decode()
    assert by_name.index("Lê Thị Thảo") < by_name.index("Nguyễn Thị Lan")  # L before N


def test_the_list_reads_in_a_fixed_number_of_queries(cast: Cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = cast.client(cast.quang)
    client.get(PEOPLE)  # the session and the second factor's state settle

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"{PEOPLE}?role=reporter")
        return len(captured.captured_queries)

    few = queries()
    for n in range(30):
        person = make_user(f"nguoi{n}", f"Người {n}")
        Membership.objects.create(
            user=person, province=cast.province, role=Role.REPORTER, unit=cast.noi_vu
        )
    # the session, the user, the admin's provinces, the count, the people, their roles, the
    # filter's units; and the page around them: the menu's roles, the unread notifications
    assert queries() == few <= 9
    response = client.get(f"{PEOPLE}?role=reporter")
    assert response.content.decode().count('<tr id="person-') == 32


def test_roles_by_unit_answer_who_reports_for_a_unit(cast: Cast, django_assert_max_num_queries):
    client = cast.client(cast.quang)
    client.get(ROLES)
    # session, user, provinces, the roles with their people and units, the units without
    # one; the menu's roles, the unread notifications
    with django_assert_max_num_queries(7):
        page = client.get(f"{ROLES}?role=reporter").content.decode()
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page, re.S)
    assert ("Sở Nội vụ", "Cán bộ đầu mối của đơn vị") in rows
    assert "Nguyễn Thị Lan" in page and "Trần Văn Minh" not in page
    assert 'id="units-without"' not in page  # both units have their reporter


def test_roles_by_unit_name_the_units_nobody_approves_for(cast: Cast):
    page = cast.client(cast.quang).get(f"{ROLES}?role=approver").content.decode()
    without = page.split('id="units-without"')[1].split("</ul>")[0]
    assert "Sở Tư pháp" in without and "Sở Nội vụ" not in without


# ---- creating a person -----------------------------------------------------------------


def test_the_office_creates_a_reporter_who_is_invited(
    cast: Cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(cast.quang).post(CREATE, new_person(cast))
    run_jobs()  # the worker sends what was queued
    nam = User.objects.get(username="nam")
    assert response.status_code == 302 and response["Location"] == person_url(nam)
    assert not nam.has_usable_password()
    membership = Membership.objects.get(user=nam)
    assert (membership.role, membership.unit, membership.province) == (
        Role.REPORTER,
        cast.tu_phap,
        cast.province,
    )
    [message] = mail.outbox
    assert message.to == ["nam@tinh-mau.gov.vn"]
    link = re.search(r"http\S+/quen-mat-khau/\S+/", message.body)
    assert link is not None
    entry = AuditEntry.objects.get(entity="person", action="create")
    assert entry.actor == cast.quang and entry.province == cast.province
    assert entry.new["role"]["unit"] == "Sở Tư pháp"


def test_the_invitation_link_sets_the_password(cast: Cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cast.client(cast.quang).post(CREATE, new_person(cast))
    run_jobs()  # the worker sends what was queued
    link = re.search(r"http\S+?(/tai-khoan/quen-mat-khau/\S+/)", mail.outbox[0].body)
    assert link is not None
    client = cast.client(None)
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    password = "mot-mat-khau-rat-dai-2025"
    client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    assert User.objects.get(username="nam").check_password(password)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "LAN"}, "username", "Tên đăng nhập này đã có người dùng"),
        ({"email": "lan@x.vn"}, "email", "Địa chỉ thư này đã có người dùng"),
        ({"unit": ""}, "unit", "cần chọn đơn vị"),
        ({"role": "leadership"}, "unit", "để trống ô đơn vị"),
        ({"username": "có dấu cách"}, "username", "Enter a valid username"),
    ],
)
def test_it_refuses_a_duplicate_or_a_role_without_its_unit(
    cast: Cast, changes: dict[str, object], field: str, message: str
):
    User.objects.filter(pk=cast.lan.pk).update(email="Lan@x.vn")
    response = cast.client(cast.quang).post(CREATE, new_person(cast, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if "Enter" not in message:
        assert message in " ".join(errors[field])
    assert not User.objects.filter(username="nam").exists() and not mail.outbox


def test_a_unit_of_another_province_is_not_offered(cast: Cast):
    from portal.units.models import Unit

    elsewhere = Unit.objects.create(province=cast.other_province, code="x", name="Sở X", level="so")
    response = cast.client(cast.quang).post(CREATE, new_person(cast, unit=elsewhere.pk))
    assert "unit" in response.context["form"].errors
    assert not User.objects.filter(username="nam").exists()


# ---- a person's page: roles and locking -----------------------------------------------


def test_the_office_assigns_and_withdraws_a_role(cast: Cast):
    client = cast.client(cast.quang)
    lan = cast.lan
    response = client.post(
        person_url(lan, "vai-tro/"), {"role": Role.APPROVER.value, "unit": cast.tu_phap.pk}
    )
    assert response.status_code == 302
    added = Membership.objects.get(user=lan, role=Role.APPROVER)
    again = client.post(
        person_url(lan, "vai-tro/"), {"role": Role.APPROVER.value, "unit": cast.tu_phap.pk}
    )
    assert again.status_code == 400 and "đã giữ vai trò này" in again.content.decode()

    withdraw = person_url(lan, f"vai-tro/{added.pk}/thu-hoi/")
    asked = client.get(withdraw)
    assert 'class="card confirm"' in asked.content.decode()
    assert Membership.objects.filter(pk=added.pk).exists()  # asking changes nothing
    client.post(withdraw, {"reason": "Chuyển công tác"})  # not confirmed: asked again
    assert Membership.objects.filter(pk=added.pk).exists()
    client.post(withdraw, {"confirmed": "1", "reason": "Chuyển công tác"})
    assert not Membership.objects.filter(pk=added.pk).exists()
    actions = list(
        AuditEntry.objects.filter(entity="person", entity_id=str(lan.pk)).values_list(
            "action", "reason"
        )
    )
    assert actions == [("role_assign", ""), ("role_withdraw", "Chuyển công tác")]
    page = client.get(person_url(lan)).content.decode()
    assert "Thu hồi vai trò" in page and "Chuyển công tác" in page  # the history


def test_the_last_role_is_not_withdrawn(cast: Cast):
    membership = Membership.objects.get(user=cast.lan)
    client = cast.client(cast.quang)
    response = client.post(
        person_url(cast.lan, f"vai-tro/{membership.pk}/thu-hoi/"), {"confirmed": "1"}, follow=True
    )
    assert "vai trò cuối cùng" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_admin_does_not_withdraw_his_own_admin_role(cast: Cast):
    Membership.objects.create(user=cast.quang, province=cast.province, role=Role.LEADERSHIP)
    admin = Membership.objects.get(user=cast.quang, role=Role.OFFICE_ADMIN)
    response = cast.client(cast.quang).post(
        person_url(cast.quang, f"vai-tro/{admin.pk}/thu-hoi/"), {"confirmed": "1"}, follow=True
    )
    assert "quyền quản trị của chính mình" in response.content.decode()
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_a_superuser_chooses_the_province_of_a_province_wide_role(cast: Cast):
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client = cast.client(root)
    missing = client.post(person_url(cast.lan, "vai-tro/"), {"role": "leadership"})
    assert "Hãy chọn tỉnh cho vai trò này." in missing.content.decode()
    client.post(
        person_url(cast.lan, "vai-tro/"),
        {"role": "leadership", "province": cast.other_province.pk},
    )
    assert Membership.objects.filter(
        user=cast.lan, role=Role.LEADERSHIP, province=cast.other_province
    ).exists()
    # a unit role takes the unit's province, whatever province is chosen
    client.post(
        person_url(cast.lan, "vai-tro/"),
        {"role": "approver", "unit": cast.tu_phap.pk, "province": cast.other_province.pk},
    )
    assert Membership.objects.get(user=cast.lan, role=Role.APPROVER).province == cast.province


def test_the_office_locks_and_unlocks_an_account_after_confirming(cast: Cast):
    client = cast.client(cast.quang)
    lan = cast.lan
    asked = client.get(person_url(lan, "trang-thai/?active=0")).content.decode()
    assert 'class="card confirm"' in asked and "không đăng nhập được nữa" in asked
    assert User.objects.get(pk=lan.pk).is_active
    client.post(person_url(lan, "trang-thai/"), {"active": "0", "confirmed": "1"})
    assert not User.objects.get(pk=lan.pk).is_active
    assert log_in(cast.client(None), "lan").status_code == 200  # the form again: refused
    client.post(person_url(lan, "trang-thai/"), {"active": "1", "confirmed": "1"})
    assert User.objects.get(pk=lan.pk).is_active
    entries = AuditEntry.objects.filter(entity="person", entity_id=str(lan.pk))
    assert [(e.action, e.old, e.new) for e in entries] == [
        ("deactivate", {"is_active": True}, {"is_active": False}),
        ("reactivate", {"is_active": False}, {"is_active": True}),
    ]


def test_nobody_locks_himself(cast: Cast):
    client = cast.client(cast.quang)
    response = client.post(
        person_url(cast.quang, "trang-thai/"), {"active": "0", "confirmed": "1"}, follow=True
    )
    assert "chính mình" in response.content.decode()
    assert User.objects.get(pk=cast.quang.pk).is_active


def test_the_office_does_not_lock_a_system_administrator(cast: Cast):
    User.objects.filter(pk=cast.hoa.pk).update(is_staff=True)
    response = cast.client(cast.quang).post(
        person_url(cast.hoa, "trang-thai/"), {"active": "0", "confirmed": "1"}, follow=True
    )
    assert "quản trị hệ thống" in response.content.decode()
    assert User.objects.get(pk=cast.hoa.pk).is_active


def test_a_person_with_roles_in_another_province_is_not_locked(cast: Cast):
    Membership.objects.create(user=cast.lan, province=cast.other_province, role=Role.LEADERSHIP)
    client = cast.client(cast.quang)
    response = client.post(
        person_url(cast.lan, "trang-thai/"), {"active": "0", "confirmed": "1"}, follow=True
    )
    assert "Tỉnh Khác" in response.content.decode()
    assert User.objects.get(pk=cast.lan.pk).is_active
    page = client.get(person_url(cast.lan)).content.decode()
    assert 'id="activity-problem"' in page  # said on the page, before anyone tries
    assert "Lãnh đạo" not in page.split('id="roles"')[1].split("</table>")[0]  # not his to see


def test_the_invitation_is_sent_again(cast: Cast, django_capture_on_commit_callbacks):
    cast.client(cast.quang).post(CREATE, new_person(cast))
    nam = User.objects.get(username="nam")
    assert "Gửi lại thư mời" in cast.client(cast.quang).get(person_url(nam)).content.decode()
    assert (
        "Gửi lại thư mời" not in cast.client(cast.quang).get(person_url(cast.lan)).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(cast.quang).post(person_url(nam, "moi-lai/"), follow=True)
    run_jobs()  # the worker sends what was queued
    assert "Đã gửi lại thư mời" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["nam@tinh-mau.gov.vn"]]
    assert AuditEntry.objects.filter(entity="person", action="invite").count() == 1


def test_no_role_is_chosen_in_advance(cast: Cast):
    page = cast.client(cast.quang).get(CREATE).content.decode()
    assert '<option value="" selected>— chọn vai trò —</option>' in page
    response = cast.client(cast.quang).post(CREATE, new_person(cast, role=""))
    assert "role" in response.context["form"].errors


def test_the_pages_answer_get_and_post_only_as_they_should(cast: Cast):
    client = cast.client(cast.quang)
    assert client.get(person_url(cast.lan, "vai-tro/")).status_code == 405
    assert client.get(person_url(cast.lan, "moi-lai/")).status_code == 405
    assert client.post(PEOPLE).status_code == 405
