"""The same change asked for several times at the same moment (ten clicks on "delete", two
office admins setting the same deadline) is made once and logged once: every service that
writes the audit trail re-reads its row under a lock inside its transaction
(portal.audit.locks), so the requests after the first find the change done and say so, or
do nothing. Real threads on real connections, each with its own copy of the row as a page
would have loaded it, on SQLite and on PostgreSQL (scripts/with-postgres)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from portal.answers import PostedAnswer, loaded_mark
from portal.assessments.models import Answer, Evidence, Submission
from portal.assessments.saving import AnswerConflict, answers_save
from portal.assessments.services import evidence_add_link, evidence_delete, submission_return
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.campaigns.models import Campaign, CampaignUnit
from portal.campaigns.schedule import campaign_unit_extend
from portal.campaigns.services import campaign_transition, campaign_unit_remove, campaign_update
from portal.workflow import CampaignState, SubmissionState
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)
CLICKS = 5


def at_once(actions: list[Callable[[], object]]) -> list[object]:
    """Run each action in its own thread and connection, all released together; what each
    returned or raised, in order."""
    start = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(number: int) -> None:
        try:
            connection.ensure_connection()
            start.wait(timeout=10)
            outcomes[number] = actions[number]()
        except BaseException as error:  # reported by the test, not lost in the thread
            outcomes[number] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def refused(outcomes: list[object]) -> list[str]:
    """The messages of the requests refused with a ValidationError; anything else raised
    fails the test."""
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    unexpected = [e for e in errors if not isinstance(e, ValidationError)]
    assert unexpected == [], unexpected
    return [" ".join(e.messages) for e in errors if isinstance(e, ValidationError)]


def entries(entity: str, action: str) -> int:
    assert audit_log_verify().intact
    return AuditEntry.objects.filter(entity=entity, action=action).count()


def test_ten_simultaneous_deletes_of_one_evidence_file_write_one_removed_entry(cast: Cast):
    evidence = evidence_add_link(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.lan,
        criterion="cqs_ky_so",
        url="https://example.vn/quyet-dinh.pdf",
        name="Quyết định",
    )
    copies = [Evidence.objects.get(pk=evidence.pk) for _ in range(10)]
    outcomes = at_once(
        [
            lambda e=e: evidence_delete(
                campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan, evidence=e
            )
            for e in copies
        ]
    )
    assert refused(outcomes) == ["Minh chứng “Quyết định” đã được xoá trước đó."] * 9
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert entries("evidence", "remove") == 1


def test_a_deadline_changed_to_the_same_moment_at_once_is_logged_once(cast: Cast):
    until = cast.campaign.self_assessment_deadline + timedelta(days=7)
    copies = [Campaign.objects.get(pk=cast.campaign.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [
            lambda c=c: campaign_update(
                campaign=c, title=c.title, self_assessment_deadline=until, user=cast.quang
            )
            for c in copies
        ]
    )
    assert refused(outcomes) == []
    assert Campaign.objects.get(pk=cast.campaign.pk).self_assessment_deadline == until
    assert entries("deadline", "update") == 1


def test_one_extension_given_at_once_is_logged_once(cast: Cast):
    until = cast.campaign.self_assessment_deadline + timedelta(days=3)
    copies = [CampaignUnit.objects.get(pk=cast.noi_vu_campaign_unit.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [
            lambda e=e: campaign_unit_extend(campaign_unit=e, until=until, user=cast.quang)
            for e in copies
        ]
    )
    assert refused(outcomes) == []
    assert entries("extension", "set") == 1


def test_a_unit_taken_out_of_scope_at_once_is_removed_and_logged_once(cast: Cast):
    Campaign.objects.filter(pk=cast.campaign.pk).update(state=CampaignState.DRAFT)
    copies = [CampaignUnit.objects.get(pk=cast.tu_phap_campaign_unit.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [lambda e=e: campaign_unit_remove(campaign_unit=e, user=cast.quang) for e in copies]
    )
    assert refused(outcomes) == ["Sở Tư pháp đã được bỏ khỏi đợt đánh giá trước đó."] * 4
    assert entries("unit", "remove") == 1


def test_a_campaign_moved_at_once_moves_and_is_logged_once(cast: Cast):
    copies = [Campaign.objects.get(pk=cast.campaign.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [
            lambda c=c: campaign_transition(
                campaign=c, action="close_self_assessment", user=cast.quang
            )
            for c in copies
        ]
    )
    assert len(refused(outcomes)) == CLICKS - 1
    assert entries("campaign", "close_self_assessment") == 1


def test_a_submission_returned_at_once_is_returned_and_logged_once(cast: Cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    copies = [CampaignUnit.objects.get(pk=cast.noi_vu_campaign_unit.pk) for _ in range(CLICKS)]
    outcomes = at_once(
        [
            lambda e=e: submission_return(campaign_unit=e, actor=cast.minh, note="Thiếu minh chứng")
            for e in copies
        ]
    )
    assert len(refused(outcomes)) == CLICKS - 1
    assert entries("submission", "return") == 1


def test_saves_of_one_criterion_from_pages_loaded_at_once_store_one_and_refuse_the_rest(
    cast: Cast,
):
    """Each page was loaded before any save: the saves prepare at once without a lock
    (portal.assessments.saving), and only the first to write may store; every other finds
    the version moved under the lock and is refused as a conflict, writing nothing."""
    unit = CampaignUnit.objects.get(pk=cast.noi_vu_campaign_unit.pk)
    loaded = loaded_mark(None, "")

    def save(value: str) -> Callable[[], object]:
        posted = {"cqs_ky_so": PostedAnswer(value, "", version=0, loaded=loaded)}
        return lambda: answers_save(
            campaign_unit=CampaignUnit.objects.get(pk=unit.pk), actor=cast.lan, answers=posted
        )

    values = [str(60 + n) for n in range(CLICKS)]
    outcomes = at_once([save(value) for value in values])
    stored = [o for o in outcomes if not isinstance(o, BaseException)]
    conflicts = [o for o in outcomes if isinstance(o, AnswerConflict)]
    assert len(stored) == 1 and len(conflicts) == CLICKS - 1, outcomes
    answer = Answer.objects.get(submission__campaign_unit=unit, criterion="cqs_ky_so")
    assert answer.version == 1 and answer.value in values
    assert entries("answers", "save") == 1  # the one save's entry
