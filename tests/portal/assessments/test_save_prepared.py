"""A save prepares its rows and audit entries before its transaction
(portal.assessments.saving): whatever happens between preparing and writing, what is
written is what a save under the lock from the start would have written, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, connection
from django.db.models import JSONField
from django.db.models.signals import post_init
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import Membership
from portal.answers import PostedAnswer, loaded_mark
from portal.assessments import forms as answers_forms
from portal.assessments import saving, selectors
from portal.assessments.models import Answer, Submission
from portal.assessments.saving import AnswerConflict, answers_save
from portal.assessments.selectors import answers_of
from portal.assessments.services import submission_return, submission_submit
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.workflow import SubmissionState
from tests.portal.assessments.conftest import COMPLETE, save_fields
from tests.portal.conftest import Cast
from tests.portal.meanwhile import meanwhile as prepared_meanwhile


def fresh(value: str) -> PostedAnswer:
    """An answer typed on a page loaded before anything was saved."""
    return PostedAnswer(value, "", version=0, loaded=loaded_mark(None, ""))


def over(answer: Answer, value: str) -> PostedAnswer:
    """An answer typed on a page loaded with `answer` as it is stored."""
    return PostedAnswer(value, "", answer.version, loaded_mark(answer.value, answer.note))


def stored(cast: Cast) -> dict[str, Answer]:
    rows = Answer.objects.filter(submission__campaign_unit=cast.noi_vu_campaign_unit)
    return {answer.criterion: answer for answer in rows}


def save(cast: Cast, answers: dict[str, PostedAnswer]) -> saving.SaveResult:
    return answers_save(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan, answers=answers)


def meanwhile(monkeypatch: pytest.MonkeyPatch, act: Callable[[], Any]) -> list[bool]:
    return prepared_meanwhile(monkeypatch, saving, "_prepare", act)


@pytest.mark.django_db
def test_a_save_with_nothing_in_between_is_prepared_once(cast: Cast, monkeypatch):
    calls = meanwhile(monkeypatch, lambda: None)
    assert save(cast, {"cqs_ky_so": fresh("60"), "cqs_so_hoa": fresh("70")}).saved == 2
    assert calls == [False]  # written as prepared, without preparing again under the lock
    assert {code: a.value for code, a in stored(cast).items()} == {
        "cqs_ky_so": "60",
        "cqs_so_hoa": "70",
    }
    [entry] = AuditEntry.objects.filter(entity="answers")  # the save's one entry
    assert sorted(entry.new) == ["cqs_ky_so", "cqs_so_hoa"]
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    assert entry.entity_id == str(submission.pk)
    assert audit_log_verify().intact


@pytest.mark.django_db
def test_another_criterion_saved_in_between_is_kept_and_the_save_prepared_again(
    cast: Cast, monkeypatch
):
    save(cast, {"cqs_ky_so": fresh("60")})
    first = stored(cast)["cqs_ky_so"]
    calls = meanwhile(monkeypatch, lambda: save(cast, {"cqs_so_hoa": fresh("75")}))
    assert save(cast, {"cqs_ky_so": over(first, "65")}).saved == 1
    assert calls == [False, True]  # the versions moved: prepared again, under the lock
    now = stored(cast)
    assert (now["cqs_ky_so"].value, now["cqs_ky_so"].version) == ("65", 2)
    assert (now["cqs_so_hoa"].value, now["cqs_so_hoa"].version) == ("75", 1)
    last = AuditEntry.objects.filter(entity="answers").last()
    assert last is not None and list(last.new) == ["cqs_ky_so"]  # the other save's kept out
    assert (last.old["cqs_ky_so"]["value"], last.new["cqs_ky_so"]["value"]) == ("60", "65")
    assert audit_log_verify().intact


@pytest.mark.django_db
def test_the_same_criterion_saved_in_between_is_a_conflict_and_nothing_is_written(
    cast: Cast, monkeypatch
):
    save(cast, {"cqs_ky_so": fresh("60")})
    first = stored(cast)["cqs_ky_so"]
    meanwhile(monkeypatch, lambda: save(cast, {"cqs_ky_so": over(first, "61")}))
    logged = AuditEntry.objects.count()
    with pytest.raises(AnswerConflict) as refused:
        save(cast, {"cqs_ky_so": over(first, "65"), "cqs_so_hoa": fresh("70")})
    assert set(refused.value.conflicts) == {"cqs_ky_so"}
    assert refused.value.conflicts["cqs_ky_so"].value.startswith("61")
    now = stored(cast)
    assert now["cqs_ky_so"].value == "61" and "cqs_so_hoa" not in now
    assert AuditEntry.objects.count() == logged + 1  # the other save's entry alone


@pytest.mark.django_db
def test_a_submission_sent_in_between_refuses_the_save(cast: Cast, monkeypatch):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    before = stored(cast)
    meanwhile(
        monkeypatch,
        lambda: submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan),
    )
    with pytest.raises(ValidationError):
        save(cast, {"cqs_ky_so": over(before["cqs_ky_so"], "10")})
    assert stored(cast)["cqs_ky_so"].value == before["cqs_ky_so"].value
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    assert submission.state == SubmissionState.SUBMITTED


@pytest.mark.django_db
def test_a_reporter_removed_in_between_is_refused(cast: Cast, monkeypatch):
    meanwhile(monkeypatch, lambda: Membership.objects.filter(user=cast.lan).delete())
    with pytest.raises(PermissionDenied):
        save(cast, {"cqs_ky_so": fresh("60")})
    assert not stored(cast)
    assert not AuditEntry.objects.filter(entity="answers").exists()


@pytest.mark.django_db
def test_a_draft_sent_and_returned_in_between_is_saved_and_keeps_what_the_return_wrote(
    cast: Cast, monkeypatch
):
    """Under the lock a draft saved again reads only its state (the row is not written):
    a submission sent and sent back meanwhile is a draft again, and the save goes on over
    the row as the return left it, not as it was read before."""
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    before = stored(cast)

    returned = []

    def sent_and_returned() -> None:
        submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
        unit = cast.noi_vu_campaign_unit
        returned.append(submission_return(campaign_unit=unit, actor=cast.minh, note="Bổ sung"))

    meanwhile(monkeypatch, sent_and_returned)
    assert save(cast, {"cqs_ky_so": over(before["cqs_ky_so"], "10")}).saved == 1
    [sent_back] = returned
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    assert submission.state == SubmissionState.DRAFT
    assert (submission.submitted_by_id, submission.submitted_at) == (
        sent_back.submitted_by_id,
        sent_back.submitted_at,
    )
    assert submission.submitted_by_id == cast.lan.pk  # the read before the save had none
    assert stored(cast)["cqs_ky_so"].value == "10"
    assert audit_log_verify().intact


@pytest.mark.django_db
def test_a_draft_saved_again_reads_only_its_state_under_the_lock(cast: Cast):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    before = stored(cast)
    with CaptureQueriesContext(connection) as queries:
        assert save(cast, {"cqs_ky_so": over(before["cqs_ky_so"], "10")}).saved == 1
    sql = [query["sql"] for query in queries.captured_queries]
    begin = next(n for n, text in enumerate(sql) if text.startswith(("BEGIN", "SAVEPOINT")))
    locked = [text for text in sql[begin:] if 'FROM "assessments_submission"' in text]
    assert len(locked) == 1
    assert '"snapshot"' not in locked[0] and '"state"' in locked[0]
    # the person's roles read again under the lock, in the statement that locks: none apart
    roles = [text for text in sql[begin:] if 'FROM "accounts_membership"' in text]
    assert roles == locked
    if connection.vendor == "postgresql":  # the submission's row locked, not the roles'
        assert 'FOR UPDATE OF "assessments_submission"' in locked[0]


@pytest.mark.django_db
def test_a_reporter_removed_before_the_units_first_write_is_refused_and_nothing_created(
    cast: Cast, monkeypatch
):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).delete()  # no row yet
    meanwhile(monkeypatch, lambda: Membership.objects.filter(user=cast.lan).delete())
    with pytest.raises(PermissionDenied):
        save(cast, {"cqs_ky_so": fresh("60")})
    assert not Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).exists()
    assert not AuditEntry.objects.filter(entity="answers").exists()


@pytest.mark.django_db
def test_a_reporter_removed_before_a_draft_is_saved_again_is_refused(cast: Cast, monkeypatch):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    before = stored(cast)
    meanwhile(monkeypatch, lambda: Membership.objects.filter(user=cast.lan).delete())
    with pytest.raises(PermissionDenied):
        save(cast, {"cqs_ky_so": over(before["cqs_ky_so"], "10")})
    assert stored(cast)["cqs_ky_so"].value == before["cqs_ky_so"].value
    assert AuditEntry.objects.filter(entity="answers").count() == 1  # the first save's alone


@pytest.mark.django_db
def test_the_answers_a_save_compares_are_read_as_the_orm_reads_them(cast: Cast):
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    values = {
        "co": True,
        "khong": False,
        "so": "87.5",
        "muc": "muc_2",
        "cong_thuc": {"online": "12", "total": "40"},
        "chua_nhap": None,
    }
    for n, (code, value) in enumerate(values.items()):
        Answer.objects.create(
            submission=submission,
            criterion=code,
            value=value,
            note=f"Thuyết minh {n} “trích dẫn”",
            version=n + 1,
            updated_by=cast.lan,
        )
    lean, full = answers_of(submission, with_people=False), answers_of(submission)
    assert set(lean) == set(full) == set(values)
    for code, answer in full.items():
        read = lean[code]
        assert (
            read.pk, read.criterion, read.value, read.note, read.version, read.updated_by_id
        ) == (
            answer.pk, answer.criterion, answer.value, answer.note, answer.version,
            answer.updated_by_id,
        )  # fmt: skip
        assert type(read.value) is type(answer.value)
        assert read.get_deferred_fields() == {"submission_id", "updated_at"}
        assert (read._state.adding, read._state.db) == (False, answer._state.db)
        assert read.updated_at == answer.updated_at  # deferred: loaded when read, as the ORM's
        assert read.submission_id == submission.pk
    received: list[object] = []

    def count(sender, instance, **kwargs):
        received.append(instance)

    post_init.connect(count, sender=Answer)  # a receiver: then built by the ORM's own way
    try:
        again = answers_of(submission, with_people=False)
    finally:
        post_init.disconnect(count, sender=Answer)
    assert len(received) == len(values)
    assert {code: a.value for code, a in again.items()} == values


@pytest.mark.parametrize(
    "texts",
    [
        ['"87.5"', "true", None, "null", '{"online": "12"}', '"Có “trích dẫn”, và ]"'],
        ["1,2", "3"],
        ["", "1"],
        [],
    ],
    ids=["json", "joined-too-many", "empty-text", "none"],
)
def test_stored_answers_are_decoded_as_the_field_decodes_each(texts):
    field = Answer._meta.get_field("value")
    one_by_one = [field.from_db_value(text, field.cached_col, connection) for text in texts]
    decoded = selectors._decoded(texts, field, connection)
    assert decoded == one_by_one
    assert [type(value) for value in decoded] == [type(value) for value in one_by_one]


@pytest.mark.parametrize(
    "body",
    [
        "value%3ATC1=1&value%3ATC1=2&value%3ATC1=",  # repeated: the last, even empty
        "note%3ATC1&version%3ATC1=3",  # a name with no "="
        "value%3ATC1=%FF%00&note%3ATC1=a+b%2B",  # not UTF-8, NUL, "+" and "%2B"
        "",
    ],
    ids=["repeated", "bare-name", "escapes", "empty"],
)
def test_a_posted_form_is_read_as_its_get_reads_it(body):
    """The answers form reads a request's fields from the form's lists: a hostile body reads
    as `QueryDict.get` reads it, and a name it lacks as ""."""
    data = QueryDict(body)
    read = answers_forms._reader(data)
    for name in ("value:TC1", "note:TC1", "version:TC1", "loaded:TC1", "value:TC2"):
        assert read(name) == str(data.get(name, ""))


def test_stored_answers_are_decoded_in_one_reading(monkeypatch):
    """The values the column can hold are read as one array, not one at a time."""
    field = Answer._meta.get_field("value")
    texts = ['"87.5"', "true", None, '{"online": "12", "total": "40"}']
    expected = [field.from_db_value(text, field.cached_col, connection) for text in texts]

    def one_at_a_time(*args, **kwargs):
        raise AssertionError("decoded one at a time")

    monkeypatch.setattr(JSONField, "from_db_value", one_at_a_time)
    assert selectors._decoded(texts, field, connection) == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("text", ["[1", "3,4", ""])
def test_the_answers_column_holds_only_json(cast: Cast, text):
    """What lets a save read its answers' values joined into one array (`_decoded`): texts
    that are not JSON each, such as "[1" and "2]", could read as other values together, and
    the database refuses them (PostgreSQL's jsonb, SQLite's JSON_VALID check)."""
    answer = Answer.objects.create(
        submission=Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit),
        criterion="co",
        value=True,
        updated_by=cast.lan,
    )
    table = connection.ops.quote_name(Answer._meta.db_table)
    with pytest.raises((IntegrityError, DataError)), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = %s WHERE id = %s", [text, answer.pk])  # noqa: S608
    answer.refresh_from_db()
    assert answer.value is True
    with connection.cursor() as cursor:  # the same statement, given JSON
        cursor.execute(f"UPDATE {table} SET value = %s WHERE id = %s", ['"87.5"', answer.pk])  # noqa: S608
    answer.refresh_from_db()
    assert answer.value == "87.5"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "note"),
    [(60, ""), (Decimal("60"), ""), ({"online": 12}, ""), (["60"], ""), ("60", None)],
    ids=["int", "decimal", "inputs-not-text", "list", "no-note"],
)
def test_an_answer_the_form_cannot_give_is_refused_and_nothing_is_written(
    cast: Cast, value: Any, note: Any
):
    """The form gives each value as Answer stores it; a caller that passes anything else
    (the check the field made by writing it as JSON, made by its types) is told which
    criterion, and the other answers of the save are not written either."""
    good = fresh("70")
    bad = PostedAnswer(value, note, version=0, loaded=loaded_mark(None, ""))
    with pytest.raises(TypeError, match="cqs_ky_so"):
        save(cast, {"cqs_so_hoa": good, "cqs_ky_so": bad})
    assert stored(cast) == {}
    assert not AuditEntry.objects.exists()
    assert audit_log_verify().intact
