"""The reason the office types when it changes a deadline (the campaign's, a round's, a
unit's extension) is kept with the change in the audit trail."""

from __future__ import annotations

import pytest

from portal.audit.models import AuditEntry
from portal.workflow import CampaignState
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db
REASON = "Theo Công văn số 123/STTTT ngày 10/03/2099"


def logged(entity: str) -> AuditEntry:
    return AuditEntry.objects.filter(entity=entity).latest("pk")


def test_the_campaigns_deadline_change_keeps_its_reason(cast: Cast):
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{cast.campaign.pk}/sua/",
        {
            "title": cast.campaign.title,
            "self_assessment_deadline": "30/04/2099 17:00",
            "source": "",
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    assert logged("deadline").reason == REASON


def test_a_rounds_deadlines_keep_their_reason(cast: Cast):
    cast.campaign.state = CampaignState.SELF_ASSESSMENT_CLOSED
    cast.campaign.save()
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{cast.campaign.pk}/vong-tham-dinh/",
        {"number": 1, "appraisal_due": "15/05/2099 17:00", "reason": REASON},
    )
    assert response.status_code == 302
    assert logged("deadline").reason == REASON


def test_an_extension_keeps_its_reason(cast: Cast):
    response = cast.client(cast.quang).post(
        f"/dot-danh-gia/{cast.campaign.pk}/gia-han/",
        {
            "campaign_unit": cast.noi_vu_campaign_unit.pk,
            "until": "05/05/2099 17:00",
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    assert logged("extension").reason == REASON
