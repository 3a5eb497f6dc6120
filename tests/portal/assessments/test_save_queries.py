"""Saving a unit's answers costs a bounded number of queries, whatever the number of criteria
saved: 80 answers (a commune framework's size) cost no more than 2 cost, at most 12 in the
service on SQLite, 11 on PostgreSQL (14 and 13 for a draft's first save, which moves the
submission), and 14 and 13 for the whole request, a first one's too (its service is handed
the roles and the submission the page read), the audit trail included: the save's one
entry, and on a first save the submission's move's entry with it, are linked into the
chain as they are written, nothing left pending to seal after the commit. The request
reads the person's roles twice, each time in a statement that reads something else: with
the unit (the page's check, handed to the service) and with the submission as it is
locked; a draft saved again leaves the submission's row as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.answers import PostedAnswer, loaded_mark
from portal.assessments.models import Answer, Submission
from portal.assessments.saving import answers_save
from portal.audit import sealing
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.campaigns.models import CampaignUnit
from portal.roles import Role
from tests.portal.assessments.conftest import form_fields, url
from tests.portal.conftest import Cast, framework_document

CRITERIA = 80
# PostgreSQL's one fewer: the entry inserted with the head's move; on both the head, the
# entries' ids (SQLite: and whether any is left pending) read in one statement
# (portal.audit.sealing)
POSTGRESQL = connection.vendor == "postgresql"
BOUND = 11 if POSTGRESQL else 12  # the service's, reading roles and submission itself
FIRST_BOUND = 13 if POSTGRESQL else 14  # a first save: the submission's row moves, its entry too
REQUEST_BOUND = 13 if POSTGRESQL else 14  # the whole request: session, person, permission


def eighty_criteria() -> dict[str, Any]:
    """The cast's framework with two main indices of 40 counted criteria each."""
    document = framework_document()
    document["nodes"] = [
        {
            "code": f"chi_so_{index}",
            "name": f"Chỉ số {index}",
            "children": [
                {
                    "code": f"tc_{index}_{number:02d}",
                    "name": f"Tiêu chí {index}.{number}",
                    "max": 2,
                    "rule": {"type": "count", "points_each": 0.5},
                }
                for number in range(1, CRITERIA // 2 + 1)
            ],
        }
        for index in (1, 2)
    ]
    return document


@pytest.fixture
def eighty(cast: Cast) -> Cast:
    cast.framework.document = eighty_criteria()
    cast.framework.save()
    return cast


def posted(codes: list[str], value: str, previous: dict[str, Answer] | None = None) -> dict:
    """What the page posts: each code changed to `value`, with the version it was loaded at."""
    found = previous or {}
    return {
        code: PostedAnswer(
            value=value,
            note="",
            version=found[code].version if code in found else 0,
            loaded=loaded_mark(found[code].value, "") if code in found else "",
        )
        for code in codes
    }


def codes(count: int) -> list[str]:
    return [f"tc_{1 + n % 2}_{1 + n // 2:02d}" for n in range(count)]


def queries_to_save(cast: Cast, answers: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        answers_save(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan, answers=answers)
    SPENT.append([query["sql"] for query in captured.captured_queries])
    return len(captured)


SPENT: list[list[str]] = []


def stored(cast: Cast) -> dict[str, Answer]:
    return {
        answer.criterion: answer
        for answer in Answer.objects.filter(submission__campaign_unit=cast.noi_vu_campaign_unit)
    }


def test_many_new_answers_cost_what_two_cost_and_at_most_the_bound(eighty: Cast):
    first = queries_to_save(eighty, posted(codes(1), "1"))  # the draft begins
    two = queries_to_save(eighty, posted(codes(3)[1:], "2"))
    many = queries_to_save(eighty, posted(codes(CRITERIA)[3:], "3"))
    assert first <= FIRST_BOUND, "\n".join(SPENT[-3])
    assert max(two, many) <= BOUND, "\n".join(SPENT[-1])
    # no query per answer: the answers in one statement, the save in one audit entry
    assert many <= two
    assert {code: a.value for code, a in stored(eighty).items()} == {
        code: ("1" if n < 1 else "2" if n < 3 else "3") for n, code in enumerate(codes(CRITERIA))
    }


def test_eighty_changed_answers_are_bounded_too(eighty: Cast):
    queries_to_save(eighty, posted(codes(CRITERIA), "1"))
    before = stored(eighty)
    count = queries_to_save(eighty, posted(codes(CRITERIA), "2", before))
    assert count <= BOUND
    after = stored(eighty)
    assert {a.value for a in after.values()} == {"2"}
    assert all(after[code].version == before[code].version + 1 for code in after)
    assert all(after[code].updated_at > before[code].updated_at for code in after)


def test_who_saved_an_answer_is_written_only_where_it_changes(eighty: Cast):
    """On SQLite each row that sets who saved it updates that column's index and checks the
    reference: the answers the same person saved last are written without it."""
    queries_to_save(eighty, posted(codes(4), "1"))
    before = stored(eighty)
    theirs = before[codes(4)[0]].pk
    Answer.objects.filter(pk=theirs).update(updated_by=eighty.minh)  # saved last by another
    queries_to_save(eighty, posted(codes(4), "2", before))
    after = stored(eighty)
    assert {a.updated_by_id for a in after.values()} == {eighty.lan.pk}
    assert {a.value for a in after.values()} == {"2"}
    table = Answer._meta.db_table
    updates = [sql for sql in SPENT[-1] if "UPDATE" in sql and table in sql.split("SET")[0]]
    assert len(updates) == 2, updates
    assert sorted("updated_by_id" in sql for sql in updates) == [False, True], updates


def test_a_save_of_eighty_answers_is_one_entry_of_a_chain_that_verifies(eighty: Cast):
    first = AuditEntry.objects.count()
    queries_to_save(eighty, posted(codes(CRITERIA), "1"))
    # the first save's two entries linked together, in one transaction: none left pending
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    moved, saved = AuditEntry.objects.order_by("-seq")[:2][::-1]
    assert (moved.entity, moved.old, moved.new) == ("submission", "not_started", "draft")
    assert (saved.entity, saved.seq, saved.previous_hash) == ("answers", moved.seq + 1, moved.hash)
    # written together, in the save's one append: one moment, ids one after the other
    assert (saved.at, saved.pk) == (moved.at, moved.pk + 1)
    [entry] = AuditEntry.objects.filter(entity="answers")
    assert sorted(entry.new) == sorted(codes(CRITERIA))
    assert entry.old == dict.fromkeys(codes(CRITERIA))  # none of them answered before
    assert {str(change["value"]) for change in entry.new.values()} == {"1"}
    assert AuditEntry.objects.count() == first + 1 + 1  # and the submission's save
    assert audit_log_verify().intact


def press_save(cast: Cast) -> list[str]:
    """Lan's browser loads the form, changes all 80 answers to 4 and presses "Lưu nháp":
    the queries of that request, which is answered by a redirect and stores them."""
    client = cast.client(cast.lan)
    fields = form_fields(client.get(url("form", cast.noi_vu_campaign_unit)))
    fields.update({f"value:{code}": "4" for code in codes(CRITERIA)})
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url("save", cast.noi_vu_campaign_unit), fields)
    assert response.status_code == 302
    spent = [query["sql"] for query in captured.captured_queries]
    assert len(spent) <= REQUEST_BOUND, "\n".join(sql[:150] for sql in spent)
    assert {a.value for a in stored(cast).values()} == {"4"}
    return spent


def test_pressing_save_with_eighty_changes_is_bounded_as_a_whole(eighty: Cast):
    """The whole request: session, permission, framework, the answers, the audit trail,
    the message."""
    queries_to_save(eighty, posted(codes(1), "1"))  # the draft has begun
    spent = press_save(eighty)
    roles = [sql for sql in spent if 'FROM "accounts_membership"' in sql]
    assert len(roles) == 2  # the page's check, and the service's under the lock
    assert not [sql for sql in spent if 'UPDATE "assessments_submission"' in sql]


def test_the_first_save_moves_the_submission_and_a_refused_role_writes_nothing(eighty: Cast):
    """The row is written when the state moves (not started → draft); roles handed to the
    service are its check before the lock: without the reporter's, nothing is read or
    written."""
    with pytest.raises(PermissionDenied):
        answers_save(
            campaign_unit=eighty.noi_vu_campaign_unit,
            actor=eighty.lan,
            answers=posted(codes(2), "1"),
            roles={Role.APPROVER},
        )
    assert not stored(eighty)
    with CaptureQueriesContext(connection) as captured:
        answers_save(
            campaign_unit=eighty.noi_vu_campaign_unit,
            actor=eighty.lan,
            answers=posted(codes(2), "1"),
            roles={Role.REPORTER},
        )
    spent = [query["sql"] for query in captured.captured_queries]
    assert len([sql for sql in spent if 'FROM "accounts_membership"' in sql]) == 1  # locked
    assert [sql for sql in spent if 'UPDATE "assessments_submission"' in sql]
    assert Submission.objects.get(campaign_unit=eighty.noi_vu_campaign_unit).state == "draft"


@pytest.mark.django_db(transaction=True)
def test_a_first_save_commits_once_with_nothing_to_seal_after(
    eighty: Cast, monkeypatch: pytest.MonkeyPatch
):
    """On real commits: the first save's move and its answers are linked in its own
    transaction; no seal runs after it (a second transaction, a second wait for the disk)."""
    seals: list[object] = []
    seal = sealing.audit_seal
    monkeypatch.setattr(sealing, "audit_seal", lambda *a, **k: seals.append(a) or seal(*a, **k))
    answers_save(
        campaign_unit=eighty.noi_vu_campaign_unit,
        actor=eighty.lan,
        answers=posted(codes(CRITERIA), "1"),
    )
    assert not seals
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    moved, saved = AuditEntry.objects.order_by("seq")[::-1][:2][::-1]
    assert (moved.entity, saved.entity) == ("submission", "answers")
    assert (saved.at, saved.pk) == (moved.at, moved.pk + 1)  # in the save's one append
    assert audit_log_verify().intact


def test_without_the_pages_roles_the_submission_is_read_afresh(eighty: Cast):
    """A caller that hands no roles (the demo's loader, a command) may hold a campaign unit
    read long before: its submission is read again, not taken from that object."""
    queries_to_save(eighty, posted(codes(1), "1"))  # the draft begins
    kept = CampaignUnit.objects.select_related("submission").get(pk=eighty.noi_vu_campaign_unit.pk)
    kept.submission.state = "submitted"  # as the object was before the draft came back
    answers_save(campaign_unit=kept, actor=eighty.lan, answers=posted(codes(3)[1:], "2"))
    assert {code: a.value for code, a in stored(eighty).items()} == {
        code: ("1" if n < 1 else "2") for n, code in enumerate(codes(3))
    }


def test_pressing_save_for_the_first_time_is_bounded_too(eighty: Cast):
    press_save(eighty)
    assert Submission.objects.get(campaign_unit=eighty.noi_vu_campaign_unit).state == "draft"


def test_a_draft_saved_again_with_nothing_changed_opens_no_transaction(eighty: Cast):
    """Nothing to write: no savepoint, no lock, no write, the roles read once; the answers
    and the trail stay as they were."""
    queries_to_save(eighty, posted(codes(CRITERIA), "1"))
    before, entries = stored(eighty), AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as captured:
        result = answers_save(
            campaign_unit=eighty.noi_vu_campaign_unit,
            actor=eighty.lan,
            answers=posted(codes(CRITERIA), "1", before),
        )
    spent = [query["sql"] for query in captured.captured_queries]
    assert (result.saved, result.state) == (0, "draft")
    writes = ("SAVEPOINT", "BEGIN", "INSERT", "UPDATE")
    # an executemany is recorded as "80 times: UPDATE …"
    written = [sql for sql in spent if sql.split(" times: ")[-1].startswith(writes)]
    assert not written, "\n".join(spent)
    assert not [sql for sql in spent if "FOR UPDATE" in sql]
    assert len([sql for sql in spent if 'FROM "accounts_membership"' in sql]) == 1
    assert {code: a.version for code, a in stored(eighty).items()} == {
        code: a.version for code, a in before.items()
    }
    assert AuditEntry.objects.count() == entries


def test_a_submission_not_started_saved_with_nothing_changed_still_becomes_a_draft(cast: Cast):
    """Nothing to write, but the state moves: the save goes through its transaction."""
    Submission.objects.update_or_create(
        campaign_unit=cast.noi_vu_campaign_unit, defaults={"state": "not_started"}
    )
    result = answers_save(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan, answers={})
    assert (result.saved, result.state) == (0, "draft")
    assert Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).state == "draft"
