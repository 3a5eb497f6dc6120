"""POST /api/indicators: another system pushes system values with a token
(`Authorization: Bearer …`), in the format of a JSON upload, with the same checks, all or
nothing; errors come back as JSON with the item's position. 401 without a valid token
(missing, wrong, revoked), 404 for a campaign the token does not reach."""

from __future__ import annotations

import json

import pytest

from portal.audit.models import AuditEntry
from portal.campaigns.models import Campaign
from portal.indicators.models import ImportBatch, SystemValue
from portal.indicators.services import api_token_create, api_token_revoke
from portal.workflow import CampaignState
from tests.portal.conftest import Cast
from tests.portal.indicators.conftest import GOOD_ROWS, json_item, stored

URL = "/api/indicators"


@pytest.fixture
def token(cast: Cast):  # type: ignore[no-untyped-def]
    """An active token of Tỉnh Mẫu (any campaign) and its text."""
    return api_token_create(province=cast.province, actor=cast.quang, name="Cổng DVC")


def body(cast: Cast, rows=GOOD_ROWS, **top):  # type: ignore[no-untyped-def]
    document = {"campaign": cast.campaign.pk, "source": "Cổng dịch vụ công tỉnh", **top}
    document["values"] = [json_item(row) for row in rows]
    return json.dumps(document)


def push(client, data: str, token: str | None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(URL, data, content_type="application/json", **headers)


def test_a_valid_token_imports_and_is_named_in_the_batch_and_the_audit_trail(cast, client, token):
    created, text = token
    response = push(client, body(cast), text)
    assert response.status_code == 200, response.content
    answer = response.json()
    batch = ImportBatch.objects.get()
    assert answer["batch"] == batch.pk and answer["count"] == 1
    assert answer["source"] == "Cổng dịch vụ công tỉnh"
    assert (batch.format, batch.token, batch.created_by, batch.actor_name) == (
        "api",
        created,
        None,
        "API: Cổng DVC",
    )
    assert SystemValue.objects.get().value == {"online": "1200", "total": "2000"}
    audit_entry = AuditEntry.objects.get(entity="system_value")
    assert (audit_entry.actor, audit_entry.actor_name) == (None, "API: Cổng DVC")
    created.refresh_from_db()
    assert created.last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="missing"),
        pytest.param("Bearer dti_khong-phai-ma-nao-ca-0123456789abcdef", id="wrong"),
        pytest.param("Bearer ", id="empty"),
        pytest.param("Basic dGhvbmc6bWF0a2hhdQ==", id="not-bearer"),
        pytest.param("revoked", id="revoked"),
    ],
)
def test_without_a_valid_token_nothing_is_imported(cast, client, token, authorization):
    created, text = token
    if authorization == "revoked":
        api_token_revoke(token=created, actor=cast.quang)
        authorization = f"Bearer {text}"
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    before = stored()
    response = client.post(URL, body(cast), content_type="application/json", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "mã truy cập" in response.json()["detail"]
    assert stored() == before


def test_a_session_is_no_substitute_for_a_token(cast):
    response = cast.client(cast.quang).post(URL, body(cast), content_type="application/json")
    assert response.status_code == 401


def test_a_campaign_of_another_province_is_not_found(cast, client, token):
    _, text = token
    other = Campaign.objects.create(
        province=cast.other_province, year=2025, title="Khác", state=CampaignState.OPEN
    )
    before = stored()
    response = push(client, body(cast, campaign=other.pk), text)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}
    assert push(client, body(cast, campaign=999999), text).status_code == 404
    assert stored() == before


def test_a_token_for_one_campaign_reaches_no_other(cast, client):
    other = Campaign.objects.create(
        province=cast.province, year=2026, title="Năm sau", state=CampaignState.OPEN
    )
    _, text = api_token_create(province=cast.province, actor=cast.quang, name="X", campaign=other)
    assert push(client, body(cast), text).status_code == 404


def test_bad_values_come_back_as_json_with_their_item_and_nothing_is_written(cast, client, token):
    _, text = token
    rows = [
        GOOD_ROWS[0],
        ("so-noi-vu", "cqs_dvctt", "total", "abc", "30/06/2025", ""),
        ("Sở Tư pháp", "cqs_dvctt", "online", "5", "30/06/2025", ""),
    ]
    before = stored()
    response = push(client, body(cast, rows=rows), text)
    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"] == "Chưa nhập gì: 2 lỗi."
    problems = {(e["row"], e["column"]): e["message"] for e in answer["errors"]}
    assert problems == {
        (2, "value"): "“abc” không phải là số: gõ số, ví dụ 87,5.",  # one sentence, not two
        (3, "criterion"): "tiêu chí “cqs_dvctt” không áp dụng cho Sở Tư pháp",
    }
    assert stored() == before


def test_each_value_needs_a_source_here_or_in_the_body(cast, client, token):
    _, text = token
    rows = [(*GOOD_ROWS[0][:5], "Hệ thống một cửa"), GOOD_ROWS[1]]
    response = push(client, body(cast, rows=rows, source=""), text)
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "source")]


def test_a_body_not_of_the_documented_shape_is_refused_by_the_schema(cast, client, token):
    _, text = token
    response = push(client, json.dumps({"campaign": cast.campaign.pk}), text)
    assert response.status_code == 422
    assert push(client, "{not json", text).status_code in (400, 422)


def test_a_finalized_campaign_takes_no_values_and_says_why(cast, client, token):
    _, text = token
    Campaign.objects.filter(pk=cast.campaign.pk).update(state=CampaignState.FINALIZED)
    before = stored()
    response = push(client, body(cast), text)
    assert response.status_code == 409
    assert "đã chốt kết quả" in response.json()["detail"]
    assert stored() == before


def test_a_body_over_the_limit_is_refused(cast, client, token, settings):
    _, text = token
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = push(client, body(cast, rows=GOOD_ROWS * 10), text)
    assert response.status_code == 413
    assert "quá lớn" in response.json()["detail"]
