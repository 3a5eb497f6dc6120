"""A commune's first save: the submission not yet a draft is locked and read whole by a
query composed once, its move to a draft writes the state alone, and its 80 new answers are
built by place (portal.assessments.saving, services). Built so, they are what the ORM builds
by name; a unit with no submission row yet still gets one, a draft, with its answers."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.assessments import services
from portal.assessments.models import Answer, Submission
from portal.assessments.saving import _new_answer, answers_save
from portal.audit.verify import audit_log_verify
from portal.campaigns.models import CampaignUnit
from portal.roles import Role
from portal.workflow import SubmissionState
from tests.portal.assessments.test_save_queries import (
    CRITERIA,
    FIRST_BOUND,
    codes,
    eighty,  # noqa: F401  (the fixture)
    posted,
    stored,
)
from tests.portal.conftest import Cast


def test_a_new_answer_built_by_place_is_the_one_built_by_name():
    built, named = _new_answer("tc_1_01"), Answer(criterion="tc_1_01", version=0)
    columns = [field.attname for field in Answer._meta.concrete_fields]
    assert [getattr(built, c) for c in columns] == [getattr(named, c) for c in columns]
    assert (built.criterion, built.version, built.pk, built.note) == ("tc_1_01", 0, None, "")
    assert built._state.adding and built._state.db is None
    assert _new_answer("tc_1_02") is not built and built.criterion == "tc_1_01"


def test_a_first_save_locks_the_submission_as_stored_now(eighty: Cast):  # noqa: F811
    """The page read the submission before (handed with the roles); under the lock its row
    is read again, whole, and the move writes from that, not from the page's object."""
    campaign_unit = CampaignUnit.objects.select_related("submission").get(
        pk=eighty.noi_vu_campaign_unit.pk
    )
    assert campaign_unit.submission.state == SubmissionState.NOT_STARTED
    Submission.objects.filter(campaign_unit=campaign_unit).update(snapshot_sha256="kept")
    with CaptureQueriesContext(connection) as captured:
        result = answers_save(
            campaign_unit=campaign_unit,
            actor=eighty.lan,
            answers=posted(codes(CRITERIA), "1"),
            roles={Role.REPORTER},
        )
    assert len(captured) <= FIRST_BOUND
    if connection.vendor == "postgresql":  # SQLite's writers hold the database's own lock
        locks = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
        assert any('FROM "assessments_submission"' in sql for sql in locks)
    # the move writes the state alone: nothing else of the row is the save's to write
    [moved] = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("UPDATE") and 'UPDATE "assessments_submission"' in q["sql"]
    ]
    assert moved.split(" SET ")[1].split(" WHERE ")[0].count("=") == 1, moved
    assert '"state"' in moved.split(" SET ")[1]
    submission = Submission.objects.get(campaign_unit=campaign_unit)
    assert (result.saved, submission.state) == (CRITERIA, SubmissionState.DRAFT)
    assert submission.snapshot_sha256 == "kept"  # the row as locked, left as it was
    assert {a.value for a in stored(eighty).values()} == {"1"}


def test_the_locked_submission_knows_its_campaign_unit_without_reading_it(eighty: Cast):  # noqa: F811
    campaign_unit = eighty.noi_vu_campaign_unit
    with CaptureQueriesContext(connection) as captured:
        submission = services._locked_submission(campaign_unit)
        assert submission.campaign_unit is campaign_unit
    assert len(captured) == 1
    assert submission.pk == Submission.objects.get(campaign_unit=campaign_unit).pk


def test_a_unit_without_a_submission_row_gets_a_draft_on_its_first_save(eighty: Cast):  # noqa: F811
    campaign_unit = eighty.noi_vu_campaign_unit
    Submission.objects.filter(campaign_unit=campaign_unit).delete()
    campaign_unit.refresh_from_db()
    result = answers_save(
        campaign_unit=campaign_unit, actor=eighty.lan, answers=posted(codes(CRITERIA), "2")
    )
    submission = Submission.objects.get(campaign_unit=campaign_unit)
    assert (result.saved, submission.state) == (CRITERIA, SubmissionState.DRAFT)
    assert {a.value for a in stored(eighty).values()} == {"2"}
    assert {a.version for a in stored(eighty).values()} == {1}
    assert audit_log_verify().intact
