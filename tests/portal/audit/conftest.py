"""What the audit trail's tests share beyond the cast: a log with entries of both units and
of the campaign itself, tampering with it the way someone with database access would, in
raw SQL behind the ORM's back, and running `manage.py audit_log_verify` on it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.campaigns.models import AppraisalRound
from portal.workflow import RoundState
from tests.portal.conftest import Cast

TABLE = AuditEntry._meta.db_table


@pytest.fixture(autouse=True)
def no_language_left_behind() -> Iterator[None]:
    """A page asked for in English leaves English active in the thread (LocaleMiddleware
    never resets it): the next test would read English messages."""
    yield
    translation.deactivate()


@dataclass
class Log:
    entries: list[AuditEntry]

    @property
    def ids(self) -> list[int]:
        return [entry.pk for entry in self.entries]


def record_log(cast: Cast) -> Log:
    """Seven entries: answers of Sở Nội vụ and Sở Tư pháp, a submission move, an appraisal
    remark for Sở Tư pháp, and a deadline of the campaign (no unit)."""
    c = cast.campaign
    # The remark's round has been returned to the units: Sở Tư pháp reads it (a round still
    # being scored stays the team's: test_log_rounds.py).
    AppraisalRound.objects.create(
        campaign=c, number=1, appraisal_due=timezone.now(), state=RoundState.RETURNED
    )
    entries = [
        audit_record(actor=cast.lan, entity="answer", action="save", old=None,
                     new={"value": "60", "note": ""}, campaign=c, unit=cast.noi_vu,
                     criterion="cqs_ky_so", entity_id=1),
        audit_record(actor=cast.lan, entity="answer", action="save",
                     old={"value": "60", "note": ""}, new={"value": "87.5", "note": "Theo báo cáo"},
                     campaign=c, unit=cast.noi_vu, criterion="cqs_ky_so", entity_id=1),
        audit_record(actor=cast.thao, entity="answer", action="save", old=None,
                     new={"value": True, "note": ""}, campaign=c, unit=cast.tu_phap,
                     criterion="ke_hoach", entity_id=2),
        audit_record(actor=cast.lan, entity="submission", action="submit", old="draft",
                     new="submitted", reason="SHA-256 abc", campaign=c, unit=cast.noi_vu),
        audit_record(actor=cast.hung, entity="appraisal", action="save", old=None,
                     new={"round": 1, "value": "10", "remark": "Thiếu quyết định ban hành"}, campaign=c,
                     unit=cast.tu_phap, criterion="ke_hoach", reason="Nhận xét riêng của Sở Tư pháp"),
        audit_record(actor=cast.quang, entity="deadline", action="update",
                     old="2025-06-30T10:00:00+00:00", new="2025-07-15T10:00:00+00:00",
                     reason="Gia hạn chung theo công văn 12/STTTT", campaign=c),
        audit_record(actor=cast.lan, entity="answer", action="save", old=None,
                     new={"value": {"online": "12", "total": "20"}, "note": ""}, campaign=c,
                     unit=cast.noi_vu, criterion="dvc_truc_tuyen", entity_id=3),
    ]  # fmt: skip
    # as sealed (tests/conftest.py seals at once): written, each still held its pending mark
    return Log(list(AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).order_by("pk")))


@pytest.fixture
def log(cast: Cast) -> Log:
    return record_log(cast)


def tamper(sql: str, params: list[object] | tuple[object, ...] = ()) -> None:
    """Change the log directly in the database, as the ORM would never let anyone."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", TABLE), params)


@dataclass(frozen=True)
class Run:
    """What `manage.py audit_log_verify` did: its exit status and what it wrote."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def verify(*options: str) -> Run:
    """`manage.py audit_log_verify OPTIONS`, in-process on the test database. The command
    ends with `sys.exit` for statuses 1 and 2; any other exception fails the test, as a
    traceback would fail an administrator."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_log_verify", *options, stdout=out, stderr=err)
    except SystemExit as end:
        code = int(end.code or 0)
    else:
        code = 0
    return Run(code, out.getvalue(), err.getvalue())
