"""The campaign's workflow buttons: moves allowed by portal.workflow for the office admin,
opening only with a level, units and a deadline to come, every move logged."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.accounts.models import Membership, User
from portal.appraisals.finalization import campaign_finalize
from portal.appraisals.models import TeamMember
from portal.campaigns.models import AppraisalRound, Campaign, CampaignLevel
from portal.campaigns.services import campaign_transition, campaign_units_add
from portal.roles import Role
from portal.workflow import CampaignState, RoundState
from tests.portal.campaigns.conftest import REFUSED, person, snapshot

C = CampaignState


def press(cast, campaign: Campaign, action: str, *, confirmed: bool = True, override: str = ""):
    """The office admin presses the button of `action`, then confirms (over the blockers
    with `override` as the reason, when given)."""
    url = f"/dot-danh-gia/{campaign.pk}/trang-thai/"
    data = {"action": action}
    if confirmed:
        data["confirmed"] = "1"
    if override:
        data |= {"override": "1", "override_reason": override}
    return cast.client(cast.quang).post(url, data, follow=True)


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_it_refuses_everyone_but_the_provinces_office_admin(cast, who, status):
    client = cast.client(person(cast, who))
    url = f"/dot-danh-gia/{cast.campaign.pk}/trang-thai/"
    before = snapshot(cast.campaign)
    assert client.post(url, {"action": "close_self_assessment"}).status_code == status
    assert snapshot(cast.campaign) == before


def test_the_office_admin_takes_the_campaign_from_draft_to_published(cast, draft):
    """Every move but "finalize", which is the appraisal team chair's (portal.appraisals):
    the office admin is refused it, the chair finalizes once the final round is agreed,
    and the office admin publishes. Closing with units that sent nothing takes a reason."""
    campaign_units_add(campaign=draft, level="so", units=None, user=cast.quang)
    late = "Hết hạn theo kế hoạch của Sở"
    steps = [
        ("open", C.OPEN), ("close_self_assessment", C.SELF_ASSESSMENT_CLOSED),
        ("reopen_self_assessment", C.OPEN), ("close_self_assessment", C.SELF_ASSESSMENT_CLOSED),
        ("start_appraisal", C.IN_APPRAISAL),
    ]  # fmt: skip
    chair = User.objects.create_user(username="chinh", full_name="Trần Văn Chính")
    Membership.objects.create(user=chair, province=cast.province, role=Role.APPRAISER)
    TeamMember.objects.create(campaign=draft, user=chair, chair=True)
    AppraisalRound.objects.create(
        campaign=draft,
        number=1,
        appraisal_due=draft.self_assessment_deadline + timedelta(days=1),
        state=RoundState.AGREED,
        final=True,
    )
    for action, state in steps:
        response = press(cast, draft, action, override=late * (action == "close_self_assessment"))
        draft.refresh_from_db()
        assert draft.state == state, response.content.decode()
    response = press(cast, draft, "finalize")
    assert "Bạn không có quyền “Chốt kết quả”." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == C.IN_APPRAISAL
    campaign_finalize(campaign=draft, actor=chair, override_reason="Tổ đồng ý số tự khai")
    # Publishing writes the published version: the move's button leads to its page.
    moved = cast.client(cast.quang).post(
        f"/dot-danh-gia/{draft.pk}/trang-thai/", {"action": "publish"}
    )
    assert moved.url == f"/cong-bo/{draft.pk}/"
    cast.client(cast.quang).post(f"/cong-bo/{draft.pk}/cong-bo/", {"confirmed": "1"})
    draft.refresh_from_db()
    assert draft.state == C.PUBLISHED
    logged = list(draft.events.order_by("pk").values_list("action", "actor"))
    assert draft.events.filter(action="close_self_assessment", note__contains=late).count() == 2
    moves = [(action, cast.quang.pk) for action, _ in steps]
    published = [("publication_request", cast.quang.pk), ("publish", cast.quang.pk)]
    assert logged[1:] == [*moves, ("finalize", chair.pk), *published]


def test_the_page_offers_the_moves_of_the_current_state(cast):
    page = cast.client(cast.quang).get(f"/dot-danh-gia/{cast.campaign.pk}/").content.decode()
    assert 'value="close_self_assessment"><button type="submit">Đóng tự đánh giá' in page
    assert 'value="publish"' not in page and 'value="open"' not in page
    hoa = cast.client(cast.hoa).get(f"/dot-danh-gia/{cast.campaign.pk}/").content.decode()
    assert 'value="close_self_assessment"' not in hoa


def test_a_move_the_workflow_does_not_allow_is_explained(cast):
    before = snapshot(cast.campaign)
    response = press(cast, cast.campaign, "reopen_self_assessment")
    assert (
        "Không thể “Mở lại tự đánh giá” khi đang ở trạng thái “Đang tự đánh giá”."
        in response.content.decode()
    )
    assert snapshot(cast.campaign) == before


@pytest.mark.parametrize(
    ("prepare", "messages"),
    [
        ("no_level", ["Chưa có khối nào: hãy thêm khối và bộ chỉ số."]),
        ("no_unit", ["Chưa có đơn vị nào trong phạm vi đánh giá."]),
        ("no_deadline", ["Chưa đặt hạn tự đánh giá."]),
        ("empty_level", ["Khối UBND xã chưa có đơn vị nào."]),
        ("nothing", ["Chưa có khối nào: hãy thêm khối và bộ chỉ số.", "Chưa đặt hạn tự đánh giá."]),
    ],
)
def test_opening_needs_a_level_units_and_a_deadline(cast, draft, prepare, messages):
    if prepare != "no_unit" and prepare != "nothing":
        campaign_units_add(campaign=draft, level="so", units=None, user=cast.quang)
    if prepare in ("no_level", "nothing"):
        draft.units.all().delete()
        draft.levels.all().delete()
    if prepare in ("no_deadline", "nothing"):
        draft.self_assessment_deadline = None
        draft.save()
    if prepare == "empty_level":
        CampaignLevel.objects.create(
            campaign=draft, level="xa", name="UBND xã", framework=cast.framework
        )
    before = snapshot(draft)
    with pytest.raises(ValidationError) as error:
        campaign_transition(campaign=draft, action="open", user=cast.quang)
    assert error.value.messages == messages
    assert snapshot(draft) == before


def test_opening_with_a_deadline_already_past_is_refused_on_the_page(cast, draft):
    campaign_units_add(campaign=draft, level="so", units=None, user=cast.quang)
    draft.self_assessment_deadline = datetime(
        2025, 3, 31, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
    )
    draft.save()
    before = snapshot(draft)
    with time_machine.travel(datetime(2025, 4, 1, tzinfo=ZoneInfo("UTC")), tick=False):
        response = press(cast, draft, "open")
    assert "Hạn tự đánh giá (31/03/2025 17:00) đã qua." in response.content.decode()
    assert snapshot(draft) == before


def test_the_workflow_decides_by_the_users_roles(cast):
    with pytest.raises(ValidationError, match="Bạn không có quyền “Đóng tự đánh giá”"):
        campaign_transition(campaign=cast.campaign, action="close_self_assessment", user=cast.hoa)
    cast.campaign.refresh_from_db()
    assert cast.campaign.state == C.OPEN


def test_a_historic_campaign_does_not_move(cast):
    past = Campaign.objects.create(
        province=cast.province,
        year=2024,
        title="Kết quả 2024",
        historic=True,
        state=C.FINALIZED,
        self_assessment_deadline=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="kết quả năm cũ"):
        campaign_transition(campaign=past, action="publish", user=cast.quang)
