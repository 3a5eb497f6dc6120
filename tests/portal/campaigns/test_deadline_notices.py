"""Deadlines the office changes: one set in the past asks first, saying whom it locks out,
and once confirmed tells them; any change or extension tells the people of the units
concerned (their reporters and approvers), each person once: for the campaign's deadline,
the units not yet sent whose own deadline moves (portal.assessments.deadlines,
called by the campaign's pages)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal.assessments.models import Submission
from portal.campaigns.deadlines import format_deadline
from portal.campaigns.models import CampaignUnit
from portal.notifications.models import Notification
from portal.workflow import SubmissionState
from tests.portal.campaigns.conftest import snapshot


def edit(cast, deadline, **extra):  # type: ignore[no-untyped-def]
    data = {"title": cast.campaign.title, "self_assessment_deadline": format_deadline(deadline)}
    url = f"/dot-danh-gia/{cast.campaign.pk}/sua/"
    return cast.client(cast.quang).post(url, data | extra, follow=True)


def told(kind: str) -> list[str]:
    """Who got a notification of this kind; "locked_out": a deadline change telling the
    unit it is past (the kind stays "deadline_changed", the title says "đã qua")."""
    rows = Notification.objects.order_by("user__username")
    if kind == "locked_out":
        rows = rows.filter(kind="deadline_changed", title__contains="đã qua")
    else:
        rows = rows.filter(kind=kind).exclude(title__contains="đã qua")
    return [n.user.username for n in rows]


def test_a_deadline_in_the_past_asks_first_and_names_the_units_it_locks_out(cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    before = snapshot(cast.campaign)
    past = timezone.now() - timedelta(days=1)
    response = edit(cast, past, reason="Theo kế hoạch mới")
    html = response.content.decode()
    assert 'class="card confirm"' in html
    assert "1 đơn vị chưa gửi sẽ không sửa được nữa: Sở Tư pháp." in html
    assert "Cán bộ đầu mối và thủ trưởng của các đơn vị đó sẽ nhận thông báo." in html
    assert "Người báo cáo" not in html  # the role has one name, its label
    assert 'name="reason" value="Theo kế hoạch mới"' in html
    assert snapshot(cast.campaign) == before
    assert not Notification.objects.exists()
    response = edit(cast, past, reason="Theo kế hoạch mới", confirmed="1")
    assert "Đã lưu thông tin đợt." in response.content.decode()
    cast.campaign.refresh_from_db()
    assert format_deadline(cast.campaign.self_assessment_deadline) == format_deadline(past)
    assert told("locked_out") == ["thao"]
    assert told("deadline_changed") == []  # Sở Nội vụ has sent its own: nothing to do
    locked = Notification.objects.get(title__contains="đã qua")
    assert "đã qua" in locked.title and "gia hạn" in locked.body
    edit(cast, past, confirmed="1")  # the same deadline again: nobody is told twice
    assert Notification.objects.count() == 1


def test_a_past_deadline_tells_nothing_to_units_extended_beyond_it_or_already_approved(cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.APPROVED
    )
    extended = cast.campaign.self_assessment_deadline + timedelta(days=60)
    CampaignUnit.objects.filter(pk=cast.tu_phap_campaign_unit.pk).update(extension_until=extended)
    past = timezone.now() - timedelta(days=1)
    response = edit(cast, past, confirmed="1")
    assert "Đã lưu thông tin đợt." in response.content.decode()
    assert not Notification.objects.exists()


def test_a_move_tells_only_the_units_whose_own_deadline_it_moves(cast):
    old = cast.campaign.self_assessment_deadline
    extended = old + timedelta(days=20)
    CampaignUnit.objects.filter(pk=cast.tu_phap_campaign_unit.pk).update(extension_until=extended)
    edit(cast, old + timedelta(days=7))  # Sở Tư pháp keeps its later extension
    assert told("deadline_changed") == ["lan", "minh"]
    edit(cast, old + timedelta(days=30))  # now past its extension: its deadline moves too
    assert told("deadline_changed") == ["lan", "lan", "minh", "minh", "thao"]


def test_a_deadline_moved_later_tells_every_unit_once_and_asks_nothing(cast):
    later = cast.campaign.self_assessment_deadline + timedelta(days=7)
    response = edit(cast, later)
    assert "Đã lưu thông tin đợt." in response.content.decode()
    assert told("deadline_changed") == ["lan", "minh", "thao"]
    assert told("locked_out") == []
    title = Notification.objects.filter(kind="deadline_changed").first().title
    assert format_deadline(later) in title
    edit(cast, later)
    assert Notification.objects.count() == 3


def test_an_extension_tells_the_units_people_only(cast):
    until = cast.campaign.self_assessment_deadline + timedelta(days=3)
    url = f"/dot-danh-gia/{cast.campaign.pk}/gia-han/"
    data = {"campaign_unit": cast.noi_vu_campaign_unit.pk, "until": format_deadline(until)}
    response = cast.client(cast.quang).post(url, data, follow=True)
    assert "Đã gia hạn." in response.content.decode()
    assert told("deadline_extended") == ["lan", "minh"]
    assert Notification.objects.count() == 2
    cast.client(cast.quang).post(url, data, follow=True)
    assert Notification.objects.count() == 2


def test_an_extension_already_past_asks_first_then_tells_the_unit_it_is_locked_out(cast):
    now = timezone.now()
    cast.campaign.self_assessment_deadline = now - timedelta(days=10)
    cast.campaign.save()
    until = now - timedelta(days=2)
    url = f"/dot-danh-gia/{cast.campaign.pk}/gia-han/"
    data = {"campaign_unit": cast.tu_phap_campaign_unit.pk, "until": format_deadline(until)}
    html = cast.client(cast.quang).post(url, data).content.decode()
    assert "Sở Tư pháp sẽ không sửa được bản tự đánh giá nữa." in html
    cast.tu_phap_campaign_unit.refresh_from_db()
    assert cast.tu_phap_campaign_unit.extension_until is None
    cast.client(cast.quang).post(url, data | {"confirmed": "1"})
    cast.tu_phap_campaign_unit.refresh_from_db()
    assert cast.tu_phap_campaign_unit.extension_until is not None
    assert told("locked_out") == ["thao"]
    assert Notification.objects.count() == 1


def test_round_deadlines_tell_every_unit_once(cast):
    start = cast.campaign.self_assessment_deadline
    url = f"/dot-danh-gia/{cast.campaign.pk}/vong-tham-dinh/"
    data = {
        "number": 1,
        "appraisal_due": format_deadline(start + timedelta(days=10)),
        "supplement_due": format_deadline(start + timedelta(days=15)),
    }
    cast.client(cast.quang).post(url, data, follow=True)
    assert told("deadline_changed") == ["lan", "minh", "thao"]
    title = Notification.objects.filter(kind="deadline_changed").first().title
    assert f"bổ sung đến {data['supplement_due']}" in title
    cast.client(cast.quang).post(url, data, follow=True)
    assert Notification.objects.count() == 3


def test_a_round_deadline_in_the_past_asks_first(cast):
    cast.campaign.self_assessment_deadline = timezone.now() - timedelta(days=10)
    cast.campaign.save()
    url = f"/dot-danh-gia/{cast.campaign.pk}/vong-tham-dinh/"
    data = {"number": 1, "appraisal_due": format_deadline(timezone.now() - timedelta(days=1))}
    html = cast.client(cast.quang).post(url, data).content.decode()
    assert "Đặt hạn thẩm định đã qua" in html and "2 đơn vị" in html
    assert not cast.campaign.rounds.exists()
    cast.client(cast.quang).post(url, data | {"confirmed": "1"})
    assert cast.campaign.rounds.count() == 1
    assert told("deadline_changed") == ["lan", "minh", "thao"]


def test_a_campaign_being_prepared_tells_nobody(cast, draft):
    draft.units.create(unit=cast.noi_vu, level="so")
    url = f"/dot-danh-gia/{draft.pk}/sua/"
    later = format_deadline(draft.self_assessment_deadline + timedelta(days=3))
    data = {"title": draft.title, "self_assessment_deadline": later}
    response = cast.client(cast.quang).post(url, data, follow=True)
    assert "Đã lưu thông tin đợt." in response.content.decode()
    assert not Notification.objects.exists()
