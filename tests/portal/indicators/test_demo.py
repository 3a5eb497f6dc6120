"""The demo's open campaign has the online public service portal's statistics imported for
every unit that offers online services, through the import service, before units sign."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from portal.assessments.models import Submission
from portal.audit.models import AuditEntry
from portal.campaigns.models import Campaign
from portal.indicators.models import ImportBatch, SystemValue
from tests.conftest import TABLES


@pytest.mark.django_db
def test_the_demo_imports_system_values_as_nhap_mau(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", "--tables", str(TABLES), stdout=StringIO())
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
