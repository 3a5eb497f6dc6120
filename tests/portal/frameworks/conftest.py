"""What the framework tests share: the roles as a table, example frameworks, a snapshot of
the stored versions to prove that a refused write changed nothing, and an editable version
(the cast's own framework is used by an open campaign, so it is frozen)."""

from __future__ import annotations

from typing import Any

import pytest

from dti.framework.documents import load_yaml
from portal.frameworks.models import FrameworkVersion
from tests.conftest import EXAMPLES
from tests.portal.conftest import Cast, framework_document

MEMBERS = ["lan", "minh", "thao", "hung", "hoa", "quang"]
READ_ONLY = ["lan", "minh", "thao", "hung", "hoa"]
LOGIN = "/tai-khoan/dang-nhap/"


def example_frameworks() -> dict[str, dict[str, Any]]:
    """Every inline framework of the examples, by 'file:level'."""
    found = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        for level in load_yaml(path)["levels"]:
            if isinstance(level["framework"], dict):
                found[f"{path.stem}:{level['code']}"] = level["framework"]
    return found


def versions_state() -> list[tuple[object, ...]]:
    return list(
        FrameworkVersion.objects.order_by("pk").values_list(
            "pk",
            "province_id",
            "year",
            "level",
            "code",
            "name",
            "source",
            "document",
            "cloned_from_id",
        )
    )


@pytest.fixture
def unchanged(cast):  # the cast must exist before the snapshot
    before = versions_state()
    yield
    assert versions_state() == before


@pytest.fixture
def draft(cast: Cast) -> FrameworkVersion:
    """A version no campaign uses: it may be edited and deleted."""
    document = framework_document() | {
        "code": "mau-2026-so",
        "name": "Bộ chỉ số cấp sở 2026 (dự thảo)",
    }
    return FrameworkVersion.objects.create(
        province=cast.province,
        year=2026,
        level="so",
        code="mau-2026-so",
        name="Bộ chỉ số cấp sở 2026 (dự thảo)",
        document=document,
        created_by=cast.quang,
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The cast's seven accounts are hashed for every test: a fast hasher keeps this suite
    quick (the hasher is not what these tests are about)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
