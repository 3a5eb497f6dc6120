"""The API describes itself at /api/openapi.json, loads nothing from outside, and every
endpoint it describes is documented in docs/portal-api.md (the public API's, under
/api/cong-khai/, in docs/portal-open-data.md)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO
from tests.portal.workers import a_worker_beats

READS = {
    "/api/campaigns",
    "/api/campaigns/{campaign_id}",
    "/api/campaigns/{campaign_id}/units",
    "/api/units",
    "/api/frameworks/{framework_id}",
    "/api/campaign-units/{campaign_unit_id}/answers",
}
WRITES = {"/api/indicators"}  # pushed by another system with a token
PUBLIC = {  # published results, for anyone
    "/api/cong-khai/provinces",
    "/api/cong-khai/provinces/{province}/versions",
    "/api/cong-khai/provinces/{province}/years/{year}/levels",
    "/api/cong-khai/provinces/{province}/years/{year}/levels/{level}/tables/{key}",
    "/api/cong-khai/provinces/{province}/units/{unit}/history",
}
PATHS = READS | WRITES | PUBLIC


@pytest.fixture
def openapi(client, db) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_it_is_valid_json_with_title_version_and_paths(openapi):
    assert openapi["openapi"].startswith("3.")
    assert (openapi["info"]["title"], openapi["info"]["version"]) == ("DTI API", "1")
    assert set(openapi["paths"]) == PATHS
    assert all(set(openapi["paths"][path]) == {"get"} for path in READS | PUBLIC)
    assert all(set(openapi["paths"][path]) == {"post"} for path in WRITES)


def test_login_only_endpoints_declare_the_session(openapi):
    secured = {path for path in READS if openapi["paths"][path]["get"].get("security")}
    assert secured == {"/api/units", "/api/campaign-units/{campaign_unit_id}/answers"}
    assert not any(openapi["paths"][path]["get"].get("security") for path in PUBLIC)


def test_the_push_declares_its_bearer_token_and_its_body(openapi):
    push = openapi["paths"]["/api/indicators"]["post"]
    (scheme,) = push["security"][0]
    assert openapi["components"]["securitySchemes"][scheme] == {"type": "http", "scheme": "bearer"}
    assert "requestBody" in push
    assert {"200", "400", "401", "404", "409"} <= set(push["responses"])


def test_there_is_no_docs_page_pulling_swagger_from_a_cdn(client, db):
    assert client.get("/api/docs").status_code == 404


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_endpoint_is_documented(path):
    document = "portal-open-data.md" if path in PUBLIC else "portal-api.md"
    doc = (REPO / "docs" / document).read_text(encoding="utf-8")
    method = "POST" if path in WRITES else "GET"
    assert f"`{method} {path}" in doc, f"{path} is not in docs/{document}"


@pytest.mark.django_db
def test_healthz_answers_200_json_naming_the_database(client):
    from django.db import connection

    a_worker_beats()  # without a task worker, /healthz is 503 (tests/portal/site)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database"] == {"ok": True, "detail": connection.vendor}
