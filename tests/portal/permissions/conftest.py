"""The appraisal scenario of the unit side, and Bình Định's published results, which the
permission matrix's world is built on (scenario.py)."""

from tests.portal.appraisals.unit_fixtures import appraised, evidence_root  # noqa: F401
from tests.portal.campaigns.conftest import binhdinh  # noqa: F401
from tests.portal.campaigns.test_report_download import published  # noqa: F401
