"""An API token's life: it expires (chosen at creation, 90 days unless the office admin
chooses otherwise, at most a year), an expired one is refused with a 401 that says so, its
creation and revocation are in the audit trail (never the token), and `last_used_at` counts
only pushes that were imported."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.indicators.models import ApiToken, SystemValue
from portal.indicators.services import api_token_create, api_token_revoke
from tests.portal.conftest import Cast
from tests.portal.indicators.conftest import GOOD_ROWS, json_item

pytestmark = pytest.mark.django_db
URL = "/api/indicators"


def tokens_page(cast: Cast) -> str:
    return f"/chi-so-he-thong/tinh/{cast.province.pk}/ma-truy-cap/"


def push(cast: Cast, text: str, rows=GOOD_ROWS, campaign: int | None = None):  # type: ignore[no-untyped-def]
    document = {"campaign": campaign or cast.campaign.pk, "source": "Cổng dịch vụ công tỉnh",
                "values": [json_item(row) for row in rows]}  # fmt: skip
    return cast.client(None).post(
        URL,
        json.dumps(document),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {text}",
    )


def created_through_the_page(cast: Cast, **fields: object) -> tuple[int, str]:
    response = cast.client(cast.quang).post(f"{tokens_page(cast)}tao/", {"name": "DVC", **fields})
    return response.status_code, response.content.decode()


def test_a_new_token_lives_90_days_by_default_and_the_page_shows_until_when(cast: Cast):
    with time_machine.travel(timezone.now(), tick=False):
        status, _ = created_through_the_page(cast)
        token = ApiToken.objects.get()
        assert status == 201
        assert token.expires_at == timezone.now() + timedelta(days=90)
    page = cast.client(cast.quang).get(tokens_page(cast)).content.decode()
    assert "Hết hạn" in page
    assert timezone.localtime(token.expires_at).strftime("%d/%m/%Y %H:%M") in page


def test_the_office_admin_chooses_a_shorter_life(cast: Cast):
    with time_machine.travel(timezone.now(), tick=False):
        assert created_through_the_page(cast, days="30")[0] == 201
        assert ApiToken.objects.get().expires_at == timezone.now() + timedelta(days=30)


@pytest.mark.parametrize("days", ["0", "367", "3650", "-5", "mãi mãi"])
def test_a_life_past_a_year_or_below_a_day_is_refused_and_nothing_is_created(cast: Cast, days):
    status, page = created_through_the_page(cast, days=days)
    assert status == 400
    assert "Số ngày hiệu lực phải" in page
    assert ApiToken.objects.count() == 0
    assert AuditEntry.objects.filter(entity="api_token").count() == 0


def test_the_service_refuses_a_life_past_a_year_too(cast: Cast):
    with pytest.raises(Exception, match="từ 1 đến 366 ngày"):
        api_token_create(province=cast.province, actor=cast.quang, name="DVC", days=400)
    assert ApiToken.objects.count() == 0


def test_an_expired_token_is_refused_with_a_401_that_says_so_and_nothing_is_stored(cast: Cast):
    token, text = api_token_create(province=cast.province, actor=cast.quang, name="DVC", days=7)
    with time_machine.travel(token.expires_at + timedelta(seconds=1)):
        response = push(cast, text)
    assert response.status_code == 401
    assert "Mã truy cập đã hết hạn lúc" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert SystemValue.objects.count() == 0
    token.refresh_from_db()
    assert token.last_used_at is None
    page = cast.client(cast.quang).get(tokens_page(cast)).content.decode()
    assert "hết hạn" in page


def test_a_token_still_in_its_life_pushes(cast: Cast):
    token, text = api_token_create(province=cast.province, actor=cast.quang, name="DVC", days=7)
    with time_machine.travel(token.expires_at - timedelta(minutes=1)):
        assert push(cast, text).status_code == 200


def test_a_refused_push_does_not_count_as_a_use_of_the_token(cast: Cast):
    token, text = api_token_create(province=cast.province, actor=cast.quang, name="DVC")
    bad = [("so-noi-vu", "cqs_dvctt", "online", "nhiều", "30/06/2025 08:00", "")]
    assert push(cast, text, rows=bad).status_code == 400
    assert push(cast, text, campaign=999_999).status_code == 404
    token.refresh_from_db()
    assert token.last_used_at is None
    assert push(cast, text).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_creating_and_revoking_a_token_is_in_the_audit_trail_without_the_token(cast: Cast):
    status, page = created_through_the_page(cast, campaign=str(cast.campaign.pk))
    assert status == 201
    text = page.split('id="new-token"', 1)[1].split("<code>", 1)[1].split("</code>", 1)[0]
    token = ApiToken.objects.get()
    cast.client(cast.quang).post(f"{tokens_page(cast)}{token.pk}/thu-hoi/")
    cast.client(cast.quang).post(f"{tokens_page(cast)}{token.pk}/thu-hoi/")  # again: no entry
    created, revoked = AuditEntry.objects.filter(entity="api_token").order_by("pk")
    assert (created.action, created.actor, created.entity_id) == (
        "create",
        cast.quang,
        str(token.pk),
    )
    assert created.new["name"] == "DVC" and created.new["prefix"] == token.prefix
    assert (revoked.action, revoked.actor, revoked.old["name"]) == ("revoke", cast.quang, "DVC")
    assert created.province_id == revoked.province_id == cast.province.pk
    for campaign_unit in (created, revoked):
        stored = json.dumps(campaign_unit.content(), ensure_ascii=False)
        assert text not in stored and token.token_hash not in stored


def test_a_token_of_every_campaign_is_logged_under_its_province(cast: Cast):
    token, _ = api_token_create(province=cast.province, actor=cast.quang, name="DVC")
    api_token_revoke(token=token, actor=cast.quang)
    audit_entries = AuditEntry.objects.filter(entity="api_token")
    assert [(e.action, e.province_id, e.campaign_id) for e in audit_entries] == [
        ("create", cast.province.pk, None),
        ("revoke", cast.province.pk, None),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_token_made_before_expiry_existed_gets_90_days_from_the_migration(cast: Cast):
    executor = MigrationExecutor(connection)
    before, after = [("indicators", "0001_initial")], [("indicators", "0002_apitoken_expires_at")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("indicators", "ApiToken")
    old.objects.create(
        province_id=cast.province.pk,
        name="Cũ",
        token_hash="a" * 64,
        prefix="dti_cu000000",
        created_by_id=cast.quang.pk,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    with time_machine.travel(timezone.now(), tick=False):
        executor.migrate(after)
        assert ApiToken.objects.get(name="Cũ").expires_at == timezone.now() + timedelta(days=90)
