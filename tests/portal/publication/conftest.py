"""Bình Định as it was in 2023 (its units and frameworks), from the campaigns tests."""

from tests.portal.campaigns.conftest import binhdinh  # noqa: F401
