"""The fixed cast every portal test uses (STYLE.md):

- Lan reports for Sở Nội vụ; Minh approves for Sở Nội vụ;
- Thảo reports for Sở Tư pháp and must see nothing of Sở Nội vụ's;
- Hùng appraises; Hoa reads everything as leadership; Quang is the DTI office admin;
- Khoa is the office admin of another province and sees nothing of this one;
- an anonymous visitor sees only what is published.

The province "Tỉnh Mẫu" runs the 2025 campaign with the illustrative framework of
examples/mau-2025.yaml (every kind of scoring rule) for its provincial agencies.
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dti.framework.documents import load_yaml
from portal.accounts.models import Membership, Province, User
from portal.accounts.second_factor import ENROL, STATE, VERIFY
from portal.assessments.models import Submission
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit
from portal.frameworks.models import FrameworkVersion
from portal.roles import Role
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.conftest import TABLES

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-thu-nghiem-2025"


def framework_document() -> dict[str, object]:
    """The commune framework of the illustrative campaign: every kind of rule. A copy of
    its own for each caller (a test may change it); the file is parsed once per process."""
    return copy.deepcopy(_parsed_framework_document())


@functools.cache
def _parsed_framework_document() -> dict[str, object]:
    # The YAML parser is pure Python: parsing the file for each cast took longer than
    # creating the cast's rows.
    document = load_yaml(REPO / "examples" / "mau-2025.yaml")
    level = next(level for level in document["levels"] if level["code"] == "xa")
    return dict(level["framework"])


@dataclass
class Cast:
    province: Province
    other_province: Province
    noi_vu: Unit
    tu_phap: Unit
    framework: FrameworkVersion
    campaign: Campaign
    noi_vu_campaign_unit: CampaignUnit
    tu_phap_campaign_unit: CampaignUnit
    lan: User
    minh: User
    thao: User
    hung: User
    hoa: User
    quang: User
    khoa: User

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            sign_in(client, user)
        return client


def sign_in(client: Client, user: User) -> Client:
    """Signs `user` in as the login page would, second factor included. A person whose role
    needs one (or who enrolled) gets a confirmed authenticator device, and the session is
    marked verified by it as `django_otp.login` marks it, without the code page: the middleware
    still decides from the session, so a test that skips this helper meets the real gate."""
    client.force_login(user)
    session = client.session
    if session.get(STATE) in (VERIFY, ENROL):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The cast's seven passwords would take seconds per test with the real hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, full_name: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, full_name=full_name)


@pytest.fixture
def cast(db: None) -> Cast:
    province = Province.objects.create(code="tinh-mau", name="Tỉnh Mẫu")
    other = Province.objects.create(code="tinh-khac", name="Tỉnh Khác")
    noi_vu = Unit.objects.create(
        province=province,
        code="so-noi-vu",
        name="Sở Nội vụ",
        level="so",
        attributes={"has_online_public_services": True},
    )
    tu_phap = Unit.objects.create(
        province=province,
        code="so-tu-phap",
        name="Sở Tư pháp",
        level="so",
        attributes={"has_online_public_services": False},
    )
    framework = FrameworkVersion.objects.create(
        province=province,
        year=2025,
        level="so",
        code="mau-2025-so",
        name="Bộ chỉ số chuyển đổi số cấp sở 2025",
        document=framework_document(),
    )
    campaign = Campaign.objects.create(
        province=province,
        year=2025,
        title="Đánh giá chuyển đổi số năm 2025",
        state=CampaignState.OPEN,
        self_assessment_deadline=timezone.now() + timedelta(days=14),
    )
    CampaignLevel.objects.create(
        campaign=campaign, level="so", name="Sở, ban, ngành", framework=framework
    )
    campaign_units = [
        CampaignUnit.objects.create(campaign=campaign, unit=u, level="so")
        for u in (noi_vu, tu_phap)
    ]
    for campaign_unit in campaign_units:
        Submission.objects.create(campaign_unit=campaign_unit)
    people = {
        "lan": ("Nguyễn Thị Lan", Role.REPORTER, noi_vu, province),
        "minh": ("Trần Văn Minh", Role.APPROVER, noi_vu, province),
        "thao": ("Lê Thị Thảo", Role.REPORTER, tu_phap, province),
        "hung": ("Phạm Văn Hùng", Role.APPRAISER, None, province),
        "hoa": ("Võ Thị Hoa", Role.LEADERSHIP, None, province),
        "quang": ("Đặng Minh Quang", Role.OFFICE_ADMIN, None, province),
        "khoa": ("Bùi Đăng Khoa", Role.OFFICE_ADMIN, None, other),
    }
    users = {}
    for username, (full_name, role, unit, where) in people.items():
        users[username] = make_user(username, full_name)
        Membership.objects.create(user=users[username], province=where, role=role, unit=unit)
    return Cast(
        province,
        other,
        noi_vu,
        tu_phap,
        framework,
        campaign,
        campaign_units[0],
        campaign_units[1],
        **users,
    )


@dataclass(frozen=True)
class Demo:
    printed: str  # what `load_demo` printed when it loaded
    folder: Path  # its evidence files and audit checkpoints


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """The demo `make run` serves (`manage.py load_demo`), loaded once for the module (in
    each test process) inside a transaction rolled back after the module's last test. Each
    test runs in a savepoint of its own inside it, so what one test writes the next does
    not see, as with a demo loaded by each test; loading it takes seconds."""
    folder = tmp_path_factory.mktemp("demo")
    printed = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(
            EVIDENCE_ROOT=folder / "evidence",
            DTI_AUDIT_ANCHOR_DIR=folder / "audit-anchor",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            call_command("load_demo", "--tables", str(TABLES), stdout=printed)
        with django_db_blocker.block():  # each test asks for the database as usual
            yield Demo(printed.getvalue(), folder)
        transaction.set_rollback(True)
