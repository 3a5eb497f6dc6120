"""The demo `make run` serves, loaded once, through the portal's own services: both
provinces' published history, Bình Định's open campaign with units at every stage (the
online public service portal's statistics imported for every unit that offers online
services, before units sign), and Bình Phước's campaign in appraisal with round 1 returned
to the units. The demo is loaded once for this module (the `demo` fixture of
tests/portal/conftest.py); each test runs in its own savepoint inside it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from portal.appraisals.models import Appraisal
from portal.assessments.models import Evidence, Submission
from portal.audit.models import AuditEntry
from portal.audit.verify import audit_log_verify
from portal.campaigns.models import Campaign, HistoricResult
from portal.indicators.models import ImportBatch, SystemValue
from portal.notifications.models import Notification
from portal.workflow import CampaignState, RoundState, SubmissionState
from tests.conftest import TABLES
from tests.portal.conftest import Demo


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.mark.django_db
def test_the_demo_loads_once_with_history_and_an_open_campaign(demo: Demo, evidence_root):
    assert "dti-demo-2025" in demo.printed and "lan " in demo.printed
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
def test_bình_phước_2025_is_in_appraisal_with_round_one_returned(demo: Demo):
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
def test_the_demo_imports_system_values_as_nhap_mau(demo: Demo):
    current = Campaign.objects.get(historic=False, province__code="binh-dinh")
    batch = ImportBatch.objects.get(campaign=current)
    offering = current.units.filter(unit__attributes__has_online_public_services=True).count()
    assert offering > 0
    assert batch.count == offering == SystemValue.objects.filter(batch=batch).count()
    assert (batch.actor_name, batch.created_by, batch.source) == (
        "Nhập mẫu",
        None,
        "Cổng dịch vụ công tỉnh",
    )
    audit = AuditEntry.objects.filter(entity="system_value", campaign=current)
    assert audit.count() == offering and {e.actor_name for e in audit} == {"Nhập mẫu"}
    signed = Submission.objects.filter(campaign_unit__campaign=current, state="approved")
    assert any("system" in s.snapshot for s in signed)


@pytest.mark.django_db
def test_a_missing_tables_folder_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không thấy thư mục"):
        call_command("load_demo", "--tables", str(tmp_path / "khong-co"))
