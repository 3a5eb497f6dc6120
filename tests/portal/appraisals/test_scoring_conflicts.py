"""Two appraisers saving the same criterion: the second is refused with the first one's
value, remark, name and time; nothing is lost, nothing is written; once he has seen it, he
may save again over it."""

from __future__ import annotations

import pytest

from portal.appraisals.models import Appraisal
from portal.appraisals.posted import PostedAppraisal, stored_canonical
from portal.appraisals.services import AppraisalConflict, appraisal_save
from portal.appraisals.team import assignment_add
from portal.audit.models import AuditEntry


@pytest.fixture
def both(team):  # type: ignore[no-untyped-def]
    """The chair also appraises nhan_thuc_so, beside Hùng; round 1 is being scored."""
    assignment_add(member=team.members["chair"], index="nhan_thuc_so", actor=team.cast.quang)
    team.move(1, "open_round")
    return team


def save(team, who, value, remark, version=0):  # type: ignore[no-untyped-def]
    loaded = stored_canonical(None) if version == 0 else ""
    posted = PostedAppraisal(value, remark, version=version, loaded=loaded)
    return appraisal_save(
        campaign_unit=team.campaign_unit,
        round=team.round(1),
        actor=who,
        posted={"nts_tuyen_truyen": posted},
    )


def test_the_second_save_sees_the_first_and_writes_nothing(both):
    save(both, both.cast.hung, "2", "Chỉ 2 tin có minh chứng.")  # both loaded the page at version 0
    audit_entries = AuditEntry.objects.count()
    with pytest.raises(AppraisalConflict) as refused:
        save(both, both.chair, "3", "Có 3 tin.")
    conflict = refused.value.conflicts["nts_tuyen_truyen"]
    assert (conflict.value, conflict.note, conflict.by) == (
        "2",
        "Chỉ 2 tin có minh chứng.",
        "Phạm Văn Hùng",
    )
    assert (
        "1 mục vừa được người khác lưu sau khi bạn mở trang; chưa lưu gì."
        in (refused.value.messages[0])
    )
    row = Appraisal.objects.get()
    assert (row.value, row.remark, row.updated_by, row.version) == (
        "2",
        "Chỉ 2 tin có minh chứng.",
        both.cast.hung,
        1,
    )
    assert AuditEntry.objects.count() == audit_entries
    save(both, both.chair, "3", "Có 3 tin, đã đối chiếu với Hùng.", version=row.version)
    row.refresh_from_db()
    assert (row.value, row.updated_by, row.version) == ("3", both.chair, 2)


def test_saving_the_same_value_twice_is_no_conflict(both):
    save(both, both.cast.hung, "2", "Chỉ 2 tin.")
    assert save(both, both.chair, "2", "Chỉ 2 tin.") == 0
    assert Appraisal.objects.get().version == 1
