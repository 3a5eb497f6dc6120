"""The unit's responses (portal.appraisals.responses.response_save): the reporter confirms or
supplements each criterion of a returned round, with every kind of value, before the
deadline; the audit trail and the team members appraising the criterion hear of it; a
stale save is refused whole with the other person's answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from portal.appraisals.models import Response
from portal.appraisals.posted import PostedResponse
from portal.appraisals.responses import ResponseConflict, response_save
from portal.appraisals.values import trail_for
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification
from portal.workflow import RoundState
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import OWN_DUE, SUPPLEMENT_DUE, Appraised


def save(appraised: Appraised, posted: PostedResponse, actor=None, round_number: int = 1):  # type: ignore[no-untyped-def]
    return response_save(
        campaign_unit=appraised.campaign_unit,
        round=appraised.rounds[round_number],
        actor=actor or appraised.cast.lan,
        posted=posted,
    )


def confirm(code: str = "cqs_ky_so", reply: str = "", version: int = 0) -> PostedResponse:
    return PostedResponse(code, "confirm", None, reply, version)


def supplement(code: str, value: object, reply: str = "", version: int = 0) -> PostedResponse:
    return PostedResponse(code, "supplement", value, reply, version)  # type: ignore[arg-type]


def nothing_written() -> tuple[int, int, int]:
    return Response.objects.count(), AuditEntry.objects.count(), Notification.objects.count()


def test_the_reporter_confirms_a_criterion(appraised: Appraised):
    response = save(appraised, confirm(reply="Đơn vị thống nhất."))
    assert (response.kind, response.value, response.version) == ("confirm", None, 1)
    assert response.updated_by == appraised.cast.lan


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("nts_ke_hoach", False),  # yes / no
        ("nts_tuyen_truyen", "6"),  # a count
        ("tcs_quy_che", "mot_phan"),  # a choice
        ("cqs_ky_so", "92.5"),  # a ratio
        ("cqs_so_hoa", "80"),  # bands
        ("xhs_danh_gia", "22"),  # the appraisers' call, self-scored first
    ],
)
def test_the_reporter_supplements_each_kind_of_value(appraised: Appraised, code, value):
    save(appraised, supplement(code, value, "Số liệu mới kèm minh chứng."))
    trail = trail_for(appraised.campaign_unit)
    assert trail.declared(code, 2) == value  # what round 2 appraises
    assert trail.appraised(code, 1) != value  # round 1's result stays as the team gave it


def test_a_system_sourced_criterion_takes_a_reply_but_no_value(appraised: Appraised):
    with pytest.raises(ValidationError, match="hệ thống dùng chung: đơn vị chỉ giải trình"):
        save(appraised, supplement("cqs_dvctt", {"online": "5", "total": "10"}))
    assert nothing_written() == (0, 0, 0)
    response = save(appraised, supplement("cqs_dvctt", None, "Số liệu cổng DVC chưa cập nhật."))
    assert response.reply == "Số liệu cổng DVC chưa cập nhật."


def test_a_supplement_needs_a_value_or_a_reply(appraised: Appraised):
    with pytest.raises(ValidationError, match="nhập giá trị mới hoặc nội dung giải trình"):
        save(appraised, supplement("cqs_ky_so", None))
    assert nothing_written() == (0, 0, 0)


def test_a_value_the_rule_cannot_score_is_refused(appraised: Appraised):
    with pytest.raises(ValidationError, match="“Tỷ lệ văn bản đi được ký số”"):
        save(appraised, supplement("cqs_ky_so", "không phải số"))
    assert nothing_written() == (0, 0, 0)


def test_a_criterion_that_does_not_apply_is_refused(appraised: Appraised):
    cast = appraised.cast
    with pytest.raises(ValidationError, match="không áp dụng cho đơn vị"):
        response_save(
            campaign_unit=cast.tu_phap_campaign_unit,
            round=appraised.rounds[1],
            actor=cast.thao,
            posted=supplement("cqs_dvctt", None, "Không có DVCTT."),
        )


def test_every_write_is_audited_with_the_reply_as_the_reason(appraised: Appraised):
    first = save(appraised, supplement("cqs_ky_so", "90", "Bổ sung danh sách văn bản."))
    save(appraised, confirm(reply="Đồng ý 60%.", version=first.version))
    audit_entries = list(AuditEntry.objects.filter(entity="response"))
    assert [(e.action, e.criterion, e.reason) for e in audit_entries] == [
        ("supplement", "cqs_ky_so", "Bổ sung danh sách văn bản."),
        ("confirm", "cqs_ky_so", "Đồng ý 60%."),
    ]
    assert audit_entries[0].old is None
    assert audit_entries[0].new == {
        "round": 1,
        "kind": "supplement",
        "value": "90",
        "reply": "Bổ sung danh sách văn bản.",
    }
    assert audit_entries[1].old == audit_entries[0].new
    assert audit_entries[1].actor == appraised.cast.lan
    assert (audit_entries[1].unit_id, audit_entries[1].campaign_id) == (
        appraised.cast.noi_vu.pk,
        appraised.cast.campaign.pk,
    )


def test_the_team_members_appraising_the_criterion_are_notified(appraised: Appraised):
    cast = appraised.cast
    save(appraised, supplement("cqs_ky_so", "90", "Bổ sung."))
    [note] = Notification.objects.all()
    assert (note.user, note.kind) == (cast.hung, "supplement_received")  # all of Sở Nội vụ
    assert "Sở Nội vụ" in note.title and "“Tỷ lệ văn bản đi được ký số”" in note.title
    assert "cqs_ky_so" not in note.title
    assert (
        note.url == f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/ket-qua/?vong=1#tc-cqs_ky_so"
    )
    save(appraised, supplement("xhs_danh_gia", "22", "Khảo sát mới."))
    notified = set(
        Notification.objects.filter(url__endswith="#tc-xhs_danh_gia").values_list(
            "user__username", flat=True
        )
    )
    assert notified == {"hung", "tham"}  # Thẩm appraises xa_hoi_so of every unit; the chair nothing


def test_saving_the_same_answer_again_writes_nothing(appraised: Appraised):
    first = save(appraised, supplement("cqs_ky_so", "90", "Bổ sung."))
    again = save(appraised, supplement("cqs_ky_so", "90", "Bổ sung.", version=first.version))
    assert again.version == 1
    assert AuditEntry.objects.filter(entity="response").count() == 1


def test_the_second_of_two_reporters_gets_a_conflict_with_the_first_ones_answer(
    appraised: Appraised, huong
):
    save(appraised, supplement("cqs_ky_so", "91", "Hương bổ sung."), actor=huong)
    before = nothing_written()
    with pytest.raises(ResponseConflict) as conflict:
        save(appraised, supplement("cqs_ky_so", "95", "Lan bổ sung."))  # loaded version 0
    assert (conflict.value.value, conflict.value.reply, conflict.value.by) == (
        "91",
        "Hương bổ sung.",
        "Đỗ Thu Hương",
    )
    assert "Đỗ Thu Hương" in conflict.value.messages[0]
    assert nothing_written() == before
    assert Response.objects.get().value == "91"


@pytest.mark.parametrize("who", ["minh", "hung", "quang", "hoa", "chinh"])
def test_only_the_units_reporter_responds(appraised: Appraised, who):
    with pytest.raises(PermissionDenied):
        save(appraised, confirm(), actor=appraised.person(who))
    assert nothing_written() == (0, 0, 0)


@pytest.mark.parametrize("state", [RoundState.SCORING, RoundState.CLOSED, RoundState.PLANNED])
def test_a_round_that_is_not_returned_takes_no_response(appraised: Appraised, state):
    round = appraised.rounds[1]
    round.state = state
    round.save()
    with pytest.raises(ValidationError, match="Không thể “Giải trình, bổ sung”"):
        save(appraised, confirm())
    assert nothing_written() == (0, 0, 0)


def test_a_round_being_scored_takes_no_response(appraised: Appraised):
    with pytest.raises(ValidationError, match="Tổ đang chấm"):
        save(appraised, confirm(), round_number=2)


def test_after_the_deadline_the_response_is_refused_with_the_deadline(appraised: Appraised):
    with time_machine.travel(SUPPLEMENT_DUE - timedelta(minutes=1), tick=False):
        save(appraised, confirm("nts_tuyen_truyen"))
    late = time_machine.travel(SUPPLEMENT_DUE + timedelta(minutes=1), tick=False)
    with late, pytest.raises(ValidationError, match=r"hết hạn .* \(hạn 20/05/2099 17:00\)"):
        save(appraised, confirm("cqs_ky_so"))
    assert Response.objects.filter(criterion="cqs_ky_so").count() == 0


def test_the_teams_own_later_deadline_keeps_a_criterion_open(appraised: Appraised):
    with time_machine.travel(SUPPLEMENT_DUE + timedelta(days=1), tick=False):
        save(appraised, supplement("cqs_so_hoa", "72", "Đã số hoá thêm."))
    late = time_machine.travel(OWN_DUE + timedelta(minutes=1), tick=False)
    with late, pytest.raises(ValidationError, match=r"\(hạn 27/05/2099 17:00\)"):
        save(appraised, confirm("cqs_so_hoa", version=1))
    assert Response.objects.get().value == "72"


def test_the_teams_own_deadline_wins_even_when_earlier_than_the_rounds(appraised: Appraised):
    from portal.appraisals.models import Appraisal

    early = SUPPLEMENT_DUE - timedelta(days=5)
    Appraisal.objects.filter(round=appraised.rounds[1], criterion="cqs_ky_so").update(
        supplement_due=early
    )
    late = time_machine.travel(early + timedelta(minutes=1), tick=False)
    with late, pytest.raises(ValidationError, match=r"\(hạn 15/05/2099 17:00\)"):
        save(appraised, confirm("cqs_ky_so"))
    with time_machine.travel(early + timedelta(minutes=1), tick=False):
        save(appraised, confirm("nts_tuyen_truyen"))  # the round's deadline still holds there
