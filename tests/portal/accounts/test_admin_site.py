"""The admin site opens only to staff whose session a device has verified."""

from __future__ import annotations

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.portal.accounts.conftest import ENROL, LOGIN, VERIFY
from tests.portal.conftest import Cast, sign_in


def staff(cast: Cast):  # type: ignore[no-untyped-def]
    quang = cast.quang
    quang.is_staff = quang.is_superuser = True
    quang.save(update_fields=["is_staff", "is_superuser"])
    return quang


def test_verified_staff_reach_the_admin(cast: Cast):
    assert sign_in(Client(), staff(cast)).get("/quan-tri/").status_code == 200


def test_staff_signed_in_with_the_password_alone_never_see_the_admin(cast: Cast):
    client = Client()
    client.force_login(staff(cast))
    for url in ("/quan-tri/", "/quan-tri/accounts/user/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(ENROL)


def test_staff_whose_device_is_gone_are_refused_by_the_admin(cast: Cast):
    client = sign_in(Client(), staff(cast))
    TOTPDevice.objects.filter(user=cast.quang).delete()
    response = client.get("/quan-tri/", follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)
    assert "Cài đặt xác thực hai lớp" in response.content.decode()


def test_staff_made_so_after_signing_in_are_asked_for_the_code(cast: Cast):
    client = Client()
    client.force_login(cast.lan)  # owes nothing at sign-in
    TOTPDevice.objects.create(user=cast.lan, name="điện thoại", confirmed=True)
    cast.lan.is_staff = True
    cast.lan.save(update_fields=["is_staff"])
    response = client.get("/quan-tri/", follow=True)
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fquan-tri%2F"


def test_people_who_are_not_staff_are_refused(cast: Cast):
    client = sign_in(Client(), cast.lan)
    assert client.get("/quan-tri/login/").status_code == 403


def test_anonymous_visitors_sign_in_on_the_portals_page(client, db):
    response = client.get("/quan-tri/", follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?next=/quan-tri/"


def test_staff_never_read_a_persons_secret_in_the_admin(cast: Cast):
    client = sign_in(Client(), staff(cast))
    lan = TOTPDevice.objects.create(user=cast.lan, name="điện thoại", confirmed=True)
    response = client.get(f"/quan-tri/otp_totp/totpdevice/{lan.pk}/change/")
    assert response.status_code == 200
    assert lan.key not in response.content.decode()
    assert "otpauth" not in response.content.decode()
