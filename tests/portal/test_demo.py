"""The demo `make run` serves, loaded once, through the portal's own services: both
provinces' published history, Bình Định's open campaign with units at every stage, and
Bình Phước's campaign in appraisal with round 1 returned to the units."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from portal.appraisals.models import Appraisal
from portal.assessments.models import Evidence, Submission
from portal.audit.verify import audit_log_verify
from portal.campaigns.models import Campaign, HistoricResult
from portal.notifications.models import Notification
from portal.workflow import CampaignState, RoundState, SubmissionState
from tests.conftest import TABLES


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_the_demo_loads_once_with_history_and_an_open_campaign(evidence_root):
    out = StringIO()
    call_command("load_demo", "--tables", str(TABLES), stdout=out)
    assert "dti-demo-2025" in out.getvalue() and "lan " in out.getvalue()
    history = Campaign.objects.filter(historic=True)
    assert {(c.province.code, c.year) for c in history} == {
        ("binh-dinh", 2023),
        ("binh-phuoc", 2024),
    }
    # Bình Định's 21 agencies and 11 districts, Bình Phước's 23 agencies and 11 districts
    assert HistoricResult.objects.count() == 21 + 11 + 23 + 11
    first = HistoricResult.objects.get(
        campaign_unit__unit__code="so-thong-tin-va-truyen-thong",
        campaign_unit__campaign__province__code="binh-dinh",
    )
    assert (first.rank, str(first.value)) == (1, "99.3000")
    current = Campaign.objects.get(historic=False, province__code="binh-dinh")
    assert current.state == CampaignState.OPEN
    states = list(
        Submission.objects.filter(campaign_unit__campaign=current).values_list("state", flat=True)
    )
    for state in (SubmissionState.APPROVED, SubmissionState.SUBMITTED, SubmissionState.DRAFT):
        assert state in states
    untouched = current.units.exclude(
        submission__state__in=[s.value for s in SubmissionState if s != "not_started"]
    )
    assert untouched.filter(unit__code="so-tu-phap").exists()  # Thảo's unit: not started
    assert Evidence.objects.exclude(stored_name="").exists()
    again = StringIO()
    call_command("load_demo", "--tables", str(TABLES), stdout=again)
    assert "đã có sẵn" in again.getvalue()
    assert Campaign.objects.count() == history.count() + 2


@pytest.mark.django_db
def test_bình_phước_2025_is_in_appraisal_with_round_one_returned(evidence_root):
    call_command("load_demo", "--tables", str(TABLES), stdout=StringIO())
    campaign = Campaign.objects.get(historic=False, province__code="binh-phuoc")
    assert campaign.state == CampaignState.IN_APPRAISAL
    assert [(r.number, r.state, r.final) for r in campaign.rounds.order_by("number")] == [
        (1, RoundState.RETURNED, False),
        (2, RoundState.PLANNED, False),
        (3, RoundState.PLANNED, True),
    ]
    states = set(
        Submission.objects.filter(campaign_unit__campaign=campaign).values_list("state", flat=True)
    )
    assert states == {SubmissionState.APPROVED}
    team = {(m.user.username, m.chair) for m in campaign.team.select_related("user")}
    assert team == {("chinh", True), ("mai", False)}
    request = Appraisal.objects.get(
        campaign_unit__campaign=campaign,
        campaign_unit__unit__code="so-noi-vu",
        criterion="cqs_ky_so",
    )
    assert request.supplement_requested and request.remark
    # Thắm, Sở Nội vụ's reporter, was told; the chain of the audit trail holds.
    assert Notification.objects.filter(user__username="tham", kind="supplement_requested").exists()
    assert audit_log_verify().intact


@pytest.mark.django_db
def test_a_missing_tables_folder_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không thấy thư mục"):
        call_command("load_demo", "--tables", str(tmp_path / "khong-co"))
