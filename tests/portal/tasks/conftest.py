"""Bình Định's published results (tests/portal/campaigns), whose report the jobs make."""

from tests.portal.campaigns.conftest import binhdinh  # noqa: F401
from tests.portal.campaigns.test_report_download import published  # noqa: F401
