"""A unit reads the team's entries about it (appraised values, remarks, verdicts) only for
the rounds whose results were returned to it: a round still being scored stays the team's,
in the log as on the results page. The office, leadership and appraisers read every round."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.services import audit_record
from portal.campaigns.models import AppraisalRound
from portal.workflow import CampaignState, RoundState
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(cast: Cast) -> list[AppraisalRound]:
    cast.campaign.state = CampaignState.IN_APPRAISAL
    cast.campaign.save()
    due = timezone.now() + timedelta(days=10)
    return [
        AppraisalRound.objects.create(
            campaign=cast.campaign, number=1, appraisal_due=due, state=RoundState.RETURNED
        ),
        AppraisalRound.objects.create(
            campaign=cast.campaign, number=2, appraisal_due=due, state=RoundState.SCORING
        ),
    ]


def remark(cast: Cast, number: int, text: str, entity: str = "appraisal") -> int:
    entry = audit_record(
        actor=cast.hung,
        entity=entity,
        action="score",
        old=None,
        new={"round": number, "value": "60", "remark": text},
        reason=text,
        campaign=cast.campaign,
        unit=cast.noi_vu,
        criterion="cqs_ky_so",
    )
    return entry.pk


def shown(response) -> set[int]:  # type: ignore[no-untyped-def]
    page = response.content.decode()
    return {int(part.split('"')[0]) for part in page.split('id="entry-')[1:]}


@pytest.mark.parametrize("who", ["lan", "minh"])
def test_the_unit_reads_the_returned_round_and_not_the_one_being_scored(cast: Cast, rounds, who):
    returned = remark(cast, 1, "Thiếu số liệu quý IV")
    scoring = remark(cast, 2, "Đang xem lại, chưa thống nhất")
    verdict = remark(cast, 2, "Tệp mờ", entity="verdict")
    client = cast.client(getattr(cast, who))
    for page in [
        reverse("audit:campaign", args=[cast.campaign.pk]),
        reverse("audit:unit", args=[cast.campaign.pk, cast.noi_vu.pk]),
        reverse("audit:criterion", args=[cast.campaign.pk, cast.noi_vu.pk, "cqs_ky_so"]),
    ]:
        response = client.get(page)
        assert returned in shown(response)
        assert not {scoring, verdict} & shown(response)
        assert "chưa thống nhất" not in response.content.decode()


@pytest.mark.parametrize("who", ["quang", "hoa", "hung"])
def test_the_office_leadership_and_appraisers_read_every_round(cast: Cast, rounds, who):
    ids = {remark(cast, 1, "Vòng 1"), remark(cast, 2, "Vòng 2")}
    response = cast.client(getattr(cast, who)).get(
        reverse("audit:campaign", args=[cast.campaign.pk])
    )
    assert ids <= shown(response)


def test_the_unit_reads_round_two_once_it_is_returned(cast: Cast, rounds):
    scoring = remark(cast, 2, "Đã thống nhất")
    rounds[1].state = RoundState.RETURNED
    rounds[1].save()
    response = cast.client(cast.lan).get(reverse("audit:campaign", args=[cast.campaign.pk]))
    assert scoring in shown(response)


def test_the_units_export_leaves_out_the_round_being_scored(cast: Cast, rounds):
    remark(cast, 2, "Đang xem lại, chưa thống nhất")
    response = cast.client(cast.lan).get(reverse("audit:export", args=[cast.campaign.pk, "csv"]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8-sig")
    assert "chưa thống nhất" not in text
