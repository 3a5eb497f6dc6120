"""The province's API tokens (/chi-so-he-thong/tinh/<id>/ma-truy-cap/): the office admin
creates one (its text is shown once, only its SHA-256 is kept) and revokes it; nobody else
sees or touches them."""

from __future__ import annotations

import hashlib

import pytest

from portal.campaigns.models import Campaign
from portal.indicators.models import ApiToken
from portal.indicators.services import api_token_create
from tests.portal.indicators.conftest import REFUSED_WRITE, person


def tokens_page(cast) -> str:  # type: ignore[no-untyped-def]
    return f"/chi-so-he-thong/tinh/{cast.province.pk}/ma-truy-cap/"


def token_rows() -> list[tuple[object, ...]]:
    return list(ApiToken.objects.values_list("name", "token_hash", "revoked_at"))


@pytest.mark.parametrize(("who", "status"), REFUSED_WRITE)
def test_it_refuses_everyone_but_the_office_admin(cast, token, who, status):
    client = cast.client(person(cast, who))
    created, _ = token
    before = token_rows()
    assert client.get(tokens_page(cast)).status_code == status
    assert client.post(f"{tokens_page(cast)}tao/", {"name": "X"}).status_code == status
    assert client.post(f"{tokens_page(cast)}{created.pk}/thu-hoi/").status_code == status
    assert token_rows() == before


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(cast):
    client = cast.client(cast.quang)
    response = client.post(
        f"{tokens_page(cast)}tao/", {"name": "Cổng dịch vụ công", "campaign": cast.campaign.pk}
    )
    assert response.status_code == 201
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    content = response.content.decode()
    start = content.index('id="new-token"')
    text = content[start:].split("<code>", 1)[1].split("</code>", 1)[0]
    assert text.startswith("dti_") and len(text) > 40
    assert token.token_hash == hashlib.sha256(text.encode()).hexdigest()
    assert text not in str(list(ApiToken.objects.values()))  # never stored as such
    assert (token.prefix, token.campaign, token.created_by) == (
        text[:12],
        cast.campaign,
        cast.quang,
    )
    again = client.get(tokens_page(cast)).content.decode()
    assert text not in again and f"{token.prefix}…" in again and "Cổng dịch vụ công" in again


def test_a_token_needs_a_name_and_a_campaign_of_the_province(cast):
    other = Campaign.objects.create(province=cast.other_province, year=2025, title="Khác")
    client = cast.client(cast.quang)
    response = client.post(f"{tokens_page(cast)}tao/", {"name": "", "campaign": other.pk})
    assert response.status_code == 400
    assert "Đặt tên cho mã" in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_revoking_keeps_the_row_and_says_who_and_when(cast, token):
    created, _ = token
    client = cast.client(cast.quang)
    response = client.post(f"{tokens_page(cast)}{created.pk}/thu-hoi/")
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.revoked_at is not None and created.revoked_by == cast.quang
    assert "thu hồi bởi Đặng Minh Quang" in client.get(tokens_page(cast)).content.decode()


def test_a_token_of_another_province_cannot_be_revoked_from_here(cast):
    foreign, _ = api_token_create(province=cast.other_province, actor=cast.khoa, name="Khác")
    response = cast.client(cast.quang).post(f"{tokens_page(cast)}{foreign.pk}/thu-hoi/")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
