"""Fixtures shared by the hostile-input tests."""

from __future__ import annotations

import pytest

from portal.indicators.services import api_token_create
from tests.portal.conftest import Cast


@pytest.fixture
def bearer(cast: Cast) -> dict[str, str]:
    """A pushing system's credentials, made before a test takes its snapshot of what is
    stored (creating a token writes an audit entry)."""
    _, token = api_token_create(province=cast.province, actor=cast.quang, name="Cổng DVC")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def push(client, bearer: dict[str, str], body: str):  # type: ignore[no-untyped-def]
    return client.post("/api/indicators", body, content_type="application/json", **bearer)
