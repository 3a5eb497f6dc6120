"""Finalizing costs the same queries for 2 units as for 32: each unit's values, result,
audit entry and notification are read and written in bulk (a province finalizes 3,300
communes at once), and every unit's result is the core's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.appraisals.finalization import campaign_finalize
from portal.assessments.models import Answer, Submission
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.campaigns.models import CampaignUnit, HistoricResult
from portal.units.models import Unit
from portal.workflow import SubmissionState
from tests.portal.appraisals.conftest import OVERRIDE, TU_PHAP_ANSWERS, Team
from tests.portal.appraisals.test_finalize_service import three_rounds

BOUND = 66  # the queries of a finalization, whatever the number of units (its rules are
# checked when the results are computed, and again when they are stored)


def more_units(team: Team, count: int) -> None:
    """`count` agencies more, each declaring what Sở Tư pháp declares, never appraised."""
    cast = team.cast
    units = Unit.objects.bulk_create(
        Unit(
            province=cast.province,
            code=f"so-them-{n}",
            name=f"Sở thêm {n:02d}",
            level="so",
            attributes={"has_online_public_services": False},
        )
        for n in range(count)
    )
    rows = CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=cast.campaign, unit=unit, level="so") for unit in units
    )
    submissions = Submission.objects.bulk_create(
        Submission(campaign_unit=row, state=SubmissionState.APPROVED) for row in rows
    )
    Answer.objects.bulk_create(
        Answer(submission=submission, criterion=code, value=value, updated_by=cast.thao)
        for submission in submissions
        for code, value in TU_PHAP_ANSWERS.items()
    )


@pytest.mark.parametrize("extra", [0, 30])
def test_finalizing_costs_no_query_per_unit(team: Team, extra: int):
    more_units(team, extra)
    three_rounds(team)
    with CaptureQueriesContext(connection) as captured:
        stored = campaign_finalize(
            campaign=team.campaign, actor=team.chair, override_reason=OVERRIDE
        )
    assert len(stored) == 2 + extra == HistoricResult.objects.count()
    assert len(captured) <= BOUND
    assert AuditEntry.objects.filter(entity="result").count() == 2 + extra
    assert audit_log_verify().intact
    twins = HistoricResult.objects.filter(campaign_unit__unit__code__startswith="so-them-")
    tu_phap = HistoricResult.objects.get(campaign_unit__unit__code="so-tu-phap")
    # the same declared values as Sở Tư pháp, without its team's lower website score
    assert {(r.total, r.class_label) for r in twins} <= {(tu_phap.total + 5, "Trung bình")}
