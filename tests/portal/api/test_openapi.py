"""The API describes itself at /api/openapi.json, loads nothing from outside, and every
endpoint it describes is documented in docs/portal-api.md."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO

PATHS = {
    "/api/campaigns",
    "/api/campaigns/{campaign_id}",
    "/api/campaigns/{campaign_id}/units",
    "/api/units",
    "/api/frameworks/{framework_id}",
    "/api/campaign-units/{campaign_unit_id}/answers",
}


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
    assert all(set(methods) == {"get"} for methods in openapi["paths"].values())


def test_login_only_endpoints_declare_the_session(openapi):
    secured = {path for path, ops in openapi["paths"].items() if ops["get"].get("security")}
    assert secured == {"/api/units", "/api/campaign-units/{campaign_unit_id}/answers"}


def test_there_is_no_docs_page_pulling_swagger_from_a_cdn(client, db):
    assert client.get("/api/docs").status_code == 404


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_endpoint_is_documented(path):
    doc = (REPO / "docs/portal-api.md").read_text(encoding="utf-8")
    assert f"`GET {path}" in doc, f"{path} is not in docs/portal-api.md"


@pytest.mark.django_db
def test_healthz_answers_200_json_naming_the_database(client):
    from django.db import connection

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": connection.vendor}
