"""Browser tests: the real pages, served by Django's live server, driven in Debian's headless
Chromium (fixtures in tests/browser/fixtures.py). Every test in this folder is marked
`browser`, and `slow`: a real browser cannot be made cheap."""

from __future__ import annotations

from pathlib import Path

import pytest

# The cast (and its fast password hashing) come from the portal's tests, not a copy.
from tests.portal.conftest import cast, fast_password_hashing  # noqa: F401


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
