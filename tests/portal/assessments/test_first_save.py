"""A commune's first save: the submission not yet a draft is locked and read whole by a
query composed once, its move to a draft writes the state alone, and its 80 new answers are
built by place (portal.assessments.saving, services). Built so, they are what the ORM builds
by name; a unit with no submission row yet still gets one, a draft, with its answers."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
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
    """The page read the submission before (handed with the roles); the save locks its row
    and moves it to a draft, writing the state alone: a column changed in between stays."""
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
        if 'UPDATE "assessments_submission"' in q["sql"]  # on SQLite, "1 times: UPDATE …"
    ]
    assert moved.split(" SET ")[1].split(" WHERE ")[0].count("=") == 1, moved
    assert '"state"' in moved.split(" SET ")[1]
    submission = Submission.objects.get(campaign_unit=campaign_unit)
    assert (result.saved, submission.state) == (CRITERIA, SubmissionState.DRAFT)
    assert submission.snapshot_sha256 == "kept"  # the row as locked, left as it was
    assert {a.value for a in stored(eighty).values()} == {"1"}


def test_the_locked_submission_is_its_row_as_stored_now_and_knows_its_unit(eighty: Cast):  # noqa: F811
    """The page's object is not handed back: the row is read again under the lock, whole
    (a column changed since the page read it is as changed), and it and the campaign unit
    name each other without reading either again."""
    campaign_unit = CampaignUnit.objects.select_related("submission").get(
        pk=eighty.noi_vu_campaign_unit.pk
    )
    page = campaign_unit.submission
    Submission.objects.filter(pk=page.pk).update(snapshot_sha256="changed since")
    with CaptureQueriesContext(connection) as captured:
        submission = services._locked_submission(campaign_unit)
        assert submission.campaign_unit is campaign_unit
        assert campaign_unit.submission is submission
    assert len(captured) == 1
    assert submission is not page and submission.pk == page.pk
    assert submission.snapshot_sha256 == "changed since"


@pytest.mark.django_db(transaction=True)
def test_a_submission_is_not_locked_outside_a_transaction(eighty: Cast):  # noqa: F811
    """The query is composed once, so Django's own refusal of a lock outside a transaction
    would run only for the first: the portal refuses it every time."""
    with transaction.atomic():
        services._locked_submission(eighty.noi_vu_campaign_unit)
    with pytest.raises(transaction.TransactionManagementError):
        services._locked_submission(eighty.noi_vu_campaign_unit)


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


def test_a_first_link_as_evidence_moves_the_submission_writing_its_state_alone(
    eighty: Cast,  # noqa: F811
):
    """Evidence added to a self-assessment not started makes it a draft, as a first save
    does, and writes nothing else of the submission's row."""
    campaign_unit = eighty.noi_vu_campaign_unit
    Submission.objects.filter(campaign_unit=campaign_unit).update(snapshot_sha256="kept")
    with CaptureQueriesContext(connection) as captured:
        services.evidence_add_link(
            campaign_unit=campaign_unit,
            actor=eighty.lan,
            criterion=codes(1)[0],
            url="https://example.org/ke-hoach",
        )
    [moved] = [
        q["sql"]
        for q in captured.captured_queries
        if 'UPDATE "assessments_submission"' in q["sql"]  # on SQLite, "1 times: UPDATE …"
    ]
    assert moved.split(" SET ")[1].split(" WHERE ")[0].count("=") == 1, moved
    submission = Submission.objects.get(campaign_unit=campaign_unit)
    assert (submission.state, submission.snapshot_sha256) == (SubmissionState.DRAFT, "kept")
