"""A unit's replies to a returned round, all of a page at once (responses.replies_save), are
prepared before their transaction, as the sheet's scores are: whatever happens between
preparing and writing, what is written is what a save under the round's lock from the start
would have written, or nothing. Its cost in queries does not grow with the replies, and a
page posted again unchanged takes no lock."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import User
from portal.appraisals import responses
from portal.appraisals.models import Appraisal, Assignment, Response, ResponseKind, TeamMember
from portal.appraisals.posted import PostedResponse
from portal.appraisals.responses import ResponsesRefused, replies_save
from portal.assessments.selectors import framework_for
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.notifications.models import Notification
from portal.workflow import RoundState
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import Appraised
from tests.portal.meanwhile import meanwhile as prepared_meanwhile

CODES = ["cqs_ky_so", "cqs_so_hoa", "nts_tuyen_truyen", "tcs_quy_che", "xhs_danh_gia"]


def meanwhile(monkeypatch: pytest.MonkeyPatch, act: Any) -> list[bool]:
    return prepared_meanwhile(monkeypatch, responses, "_replies_prepared", act)


def confirm(code: str, reply: str = "", version: int = 0) -> PostedResponse:
    return PostedResponse(code, "confirm", None, reply, version)


def save(appraised: Appraised, *posted: PostedResponse) -> Any:
    return replies_save(
        campaign_unit=appraised.campaign_unit,
        round=appraised.rounds[1],
        actor=appraised.cast.lan,
        posted=list(posted),
    )


def replies() -> dict[str, tuple[str, str, int]]:
    return {r.criterion: (r.kind, r.reply, r.version) for r in Response.objects.all()}


def written() -> tuple[int, int, int]:
    return Response.objects.count(), AuditEntry.objects.count(), Notification.objects.count()


def test_a_page_with_nothing_in_between_is_prepared_once_audited_and_announced(
    appraised: Appraised, monkeypatch
):
    calls = meanwhile(monkeypatch, lambda: None)
    before = written()
    saved = save(appraised, confirm("cqs_ky_so"), confirm("nts_tuyen_truyen", "Thống nhất."))
    assert (saved.changed, calls) == (2, [False])  # written as prepared
    assert replies() == {
        "cqs_ky_so": ("confirm", "", 1),
        "nts_tuyen_truyen": ("confirm", "Thống nhất.", 1),
    }
    entries = AuditEntry.objects.filter(entity="response").order_by("pk")
    rows = {row.criterion: row for row in Response.objects.all()}
    assert [(e.criterion, e.action, e.entity_id) for e in entries] == [
        ("cqs_ky_so", "confirm", str(rows["cqs_ky_so"].pk)),
        ("nts_tuyen_truyen", "confirm", str(rows["nts_tuyen_truyen"].pk)),
    ]
    assert all(entry.seq is not None for entry in entries)  # linked: nothing left pending
    [told] = Notification.objects.all()  # Hùng appraises all of the unit; Thẩm neither
    assert told.user == appraised.cast.hung
    assert "phản hồi 2 tiêu chí (vòng 1)" in told.title
    assert "Số tin, bài tuyên truyền" in told.body
    assert written()[2] == before[2] + 1
    assert audit_log_verify().intact


def test_another_criterion_replied_in_between_is_kept_and_the_page_prepared_again(
    appraised: Appraised, monkeypatch
):
    save(appraised, confirm("cqs_ky_so"))
    calls = meanwhile(monkeypatch, lambda: save(appraised, confirm("nts_tuyen_truyen")))
    assert save(appraised, confirm("cqs_ky_so", "Bổ sung lý do.", version=1)).changed == 1
    assert calls == [False, True]  # the unit's replies moved: prepared again, under the lock
    assert replies() == {
        "cqs_ky_so": ("confirm", "Bổ sung lý do.", 2),
        "nts_tuyen_truyen": ("confirm", "", 1),
    }
    assert audit_log_verify().intact


def test_the_same_criterion_replied_in_between_is_a_conflict_and_nothing_is_written(
    appraised: Appraised, monkeypatch
):
    meanwhile(monkeypatch, lambda: save(appraised, confirm("cqs_ky_so", "Lần trước.")))
    with pytest.raises(ResponsesRefused) as refused:
        save(appraised, confirm("cqs_ky_so"), confirm("nts_tuyen_truyen"))
    assert set(refused.value.conflicts) == {"cqs_ky_so"}
    assert replies() == {"cqs_ky_so": ("confirm", "Lần trước.", 1)}  # the other save's alone


def test_a_round_closed_in_between_refuses_every_reply(appraised: Appraised, monkeypatch):
    meanwhile(
        monkeypatch,
        lambda: type(appraised.rounds[1])
        .objects.filter(pk=appraised.rounds[1].pk)
        .update(state=RoundState.CLOSED),
    )
    before = written()
    with pytest.raises(ResponsesRefused) as refused:
        save(appraised, confirm("cqs_ky_so"), confirm("nts_tuyen_truyen"))
    assert set(refused.value.errors) == {"cqs_ky_so", "nts_tuyen_truyen"}
    assert written() == before


def test_a_deadline_moved_into_the_past_in_between_refuses_that_reply(
    appraised: Appraised, monkeypatch
):
    from datetime import UTC, datetime

    past = datetime(2020, 1, 1, tzinfo=UTC)
    meanwhile(
        monkeypatch,
        lambda: Appraisal.objects.filter(
            campaign_unit=appraised.campaign_unit, criterion="cqs_so_hoa"
        ).update(supplement_due=past),
    )
    before = written()
    with pytest.raises(ResponsesRefused) as refused:
        save(appraised, confirm("cqs_so_hoa"), confirm("nts_tuyen_truyen"))
    assert set(refused.value.errors) == {"cqs_so_hoa"}
    assert "Đã hết hạn" in refused.value.errors["cqs_so_hoa"]
    assert written() == before


def test_someone_not_the_units_is_refused_before_anything_is_read(appraised: Appraised):
    with pytest.raises(PermissionDenied):
        replies_save(
            campaign_unit=appraised.campaign_unit,
            round=appraised.rounds[1],
            actor=appraised.cast.hung,
            posted=[confirm("cqs_ky_so")],
        )
    assert not Response.objects.exists()


def test_a_page_posted_again_unchanged_writes_nothing_and_locks_nothing(appraised: Appraised):
    save(appraised, confirm("cqs_ky_so"), confirm("nts_tuyen_truyen"))
    before = written()
    with CaptureQueriesContext(connection) as captured:
        saved = save(
            appraised, confirm("cqs_ky_so", version=1), confirm("nts_tuyen_truyen", version=1)
        )
    assert saved.changed == 0 and written() == before
    statements = [query["sql"].upper() for query in captured.captured_queries]
    assert not [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    # no transaction (a savepoint inside the test's own), no row locked
    assert not [s for s in statements if s.startswith(("BEGIN", "SAVEPOINT")) or "FOR UPDATE" in s]


def test_a_page_of_many_replies_costs_the_queries_of_one(appraised: Appraised):
    save(appraised, confirm("nts_ke_hoach"))  # what a process reads once, read

    def counted(*posted: PostedResponse) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert save(appraised, *posted).changed == len(posted)
        return len(captured)

    one = counted(confirm(CODES[0]))
    many = counted(*(confirm(code) for code in CODES[1:]))
    assert many <= one, (one, many)
    assert audit_log_verify().intact


def test_a_single_reply_keeps_its_own_errors(appraised: Appraised):
    """response_save, the one-reply form, raises the reply's own error, not the page's."""
    with pytest.raises(ValidationError) as refused:
        responses.response_save(
            campaign_unit=appraised.campaign_unit,
            round=appraised.rounds[1],
            actor=appraised.cast.lan,
            posted=PostedResponse("cqs_ky_so", "supplement", None, "", 0),
        )
    assert not isinstance(refused.value, ResponsesRefused)
    assert "nhập giá trị mới hoặc nội dung giải trình" in refused.value.messages[0]


def test_a_deadline_passing_before_the_lock_refuses_the_page_even_for_an_unchanged_reply(
    appraised: Appraised, monkeypatch
):
    """As a save under the lock from the start would: every posted reply's deadline is
    looked at again once the lock is taken, the unchanged ones' too."""
    from datetime import timedelta

    from tests.portal.appraisals.unit_fixtures import SUPPLEMENT_DUE

    save(appraised, confirm("cqs_ky_so"))
    late = SUPPLEMENT_DUE + timedelta(minutes=1)  # the round's; cqs_so_hoa's own is later

    class Later:
        @staticmethod
        def now() -> Any:
            return late

    meanwhile(monkeypatch, lambda: monkeypatch.setattr(responses, "timezone", Later))
    before = written()
    with pytest.raises(ResponsesRefused) as refused:
        save(appraised, confirm("cqs_ky_so", version=1), confirm("cqs_so_hoa"))
    assert set(refused.value.errors) == {"cqs_ky_so"}
    assert written() == before


def test_a_reply_posted_at_a_version_never_stored_is_refused_by_name(appraised: Appraised):
    """A page (or a hand-made body) claiming a reply loaded at version 3 where none was ever
    saved: that criterion is refused with a message, nothing written, not a server error."""
    before = written()
    with pytest.raises(ResponsesRefused) as refused:
        save(appraised, confirm("cqs_ky_so"), confirm("nts_tuyen_truyen", version=3))
    assert list(refused.value.errors) == ["nts_tuyen_truyen"]
    assert "Tải lại trang" in refused.value.errors["nts_tuyen_truyen"]
    assert not refused.value.conflicts
    assert written() == before


def supplement(code: str, value: str, reply: str) -> PostedResponse:
    return PostedResponse(code, "supplement", value, reply, 0)


def test_a_page_of_replies_is_one_notification_to_each_member_naming_his_criteria(
    appraised: Appraised,
):
    """Xác nhận tất cả over many criteria tells each member who appraises any of them once,
    naming those he appraises under what the unit did, not once per criterion (and so not
    one e-mail per criterion either)."""
    cast = appraised.cast
    save(
        appraised,
        supplement("cqs_ky_so", "90", "Bổ sung danh sách văn bản."),
        *(confirm(code) for code in CODES[1:]),
    )
    told = {note.user.username: note for note in Notification.objects.select_related("user")}
    assert sorted(told) == ["hung", "tham"]  # the chair appraises nothing himself
    framework = framework_for(appraised.campaign_unit)
    names = {code: framework.by_code[code].name for code in CODES}
    unit, lan = appraised.campaign_unit.unit.name, str(cast.lan)
    hung = told["hung"]  # all of the unit: the five
    assert hung.title == f"{unit} phản hồi 5 tiêu chí (vòng 1)"
    agreed = "; ".join(names[code] for code in CODES[1:])
    assert hung.body == (
        f"{lan}: {ResponseKind.SUPPLEMENT.label} — {names['cqs_ky_so']}. "
        f"{ResponseKind.CONFIRM.label} — {agreed}."
    )
    assert hung.url.endswith("/ket-qua/?vong=1#tc-cqs_ky_so")
    tham = told["tham"]  # xã hội số only: its one criterion, by name in the title
    assert tham.title == f"{unit} phản hồi tiêu chí “{names['xhs_danh_gia']}” (vòng 1)"
    assert tham.body == f"{lan}: {ResponseKind.CONFIRM.label} — {names['xhs_danh_gia']}."
    assert tham.url.endswith("/ket-qua/?vong=1#tc-xhs_danh_gia")


def test_a_larger_team_costs_no_more_queries_to_tell(appraised: Appraised):
    """The team and what each member appraises of the unit are read at once, whatever the
    team's size."""
    save(appraised, confirm("nts_ke_hoach"))  # what a process reads once, read

    def counted(code: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert save(appraised, confirm(code)).changed == 1
        return len(captured)

    before = counted(CODES[0])
    for number in range(4):
        person = User.objects.create_user(username=f"tv{number}", password="x" * 20)
        member = TeamMember.objects.create(campaign=appraised.cast.campaign, user=person)
        Assignment.objects.create(member=member, unit=appraised.cast.noi_vu)
    after = counted(CODES[1])
    assert after <= before, (before, after)
    told = Notification.objects.filter(url__endswith=f"#tc-{CODES[1]}")
    assert told.count() == 1 + 4  # Hùng and the four new members


def test_past_a_few_criteria_of_one_kind_the_notification_counts_the_rest(
    appraised: Appraised, monkeypatch
):
    """Xác nhận tất cả over a commune's 80 criteria is no list of 80 names on a phone: a few
    are named, the rest counted; the link opens the page that shows them all."""
    monkeypatch.setattr(responses, "NAMED_AT_MOST", 2)
    save(appraised, *(confirm(code) for code in CODES[:4]))
    framework = framework_for(appraised.campaign_unit)
    names = [framework.by_code[code].name for code in CODES[:2]]
    told = Notification.objects.get(user=appraised.cast.hung)
    assert told.title.endswith("phản hồi 4 tiêu chí (vòng 1)")
    assert told.body == (
        f"{appraised.cast.lan}: {ResponseKind.CONFIRM.label} — "
        f"{names[0]}; {names[1]} và 2 tiêu chí khác."
    )
