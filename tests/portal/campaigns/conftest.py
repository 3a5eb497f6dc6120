"""What the campaign tests share beyond the cast: a draft campaign of Tỉnh Mẫu, the refusal
table of the office admin's pages, and Bình Định as it was in 2023 (its units and frameworks
from examples/binhdinh-2023.yaml) for importing the real published tables."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from dti.campaign import Campaign as CoreCampaign
from dti.campaign import load_campaign
from dti.framework.documents import load_yaml
from portal.accounts.models import Membership, Province, User
from portal.campaigns.models import Campaign, CampaignEvent, CampaignLevel, CampaignUnit
from portal.frameworks.models import FrameworkVersion
from portal.roles import Role
from portal.units.models import Unit
from tests.conftest import EXAMPLES, TABLES
from tests.portal.conftest import Cast

BINHDINH = EXAMPLES / "binhdinh-2023.yaml"
BINHDINH_TABLES = TABLES / "binhdinh-2023"

# Who the office admin's pages must refuse, and how: (cast member or None, status).
# Anonymous visitors are sent to the login page (302); outsiders learn nothing (404);
# members without the office admin role are refused (403).
REFUSED = [
    pytest.param(None, 302, id="anonymous"),
    pytest.param("khoa", 404, id="khoa-other-province"),
    pytest.param("lan", 403, id="lan-reporter"),
    pytest.param("minh", 403, id="minh-approver"),
    pytest.param("thao", 403, id="thao-reporter"),
    pytest.param("hung", 403, id="hung-appraiser"),
    pytest.param("hoa", 403, id="hoa-leadership"),
]


@pytest.fixture(autouse=True)
def fast_passwords(settings: SettingsWrapper) -> None:
    """The cast's passwords are hashed at every test; the production hasher takes seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(cast: Cast, name: str | None) -> User | None:
    return None if name is None else getattr(cast, name)


@pytest.fixture
def draft(cast: Cast) -> Campaign:
    """A 2026 campaign of Tỉnh Mẫu being prepared: one level, no units yet."""
    campaign = Campaign.objects.create(
        province=cast.province,
        year=2026,
        title="Đánh giá chuyển đổi số năm 2026",
        self_assessment_deadline=timezone.now() + timedelta(days=30),
    )
    CampaignLevel.objects.create(
        campaign=campaign, level="so", name="Sở, ban, ngành", framework=cast.framework
    )
    return campaign


def snapshot(campaign: Campaign) -> tuple[object, ...]:
    """Everything a campaign service may change, to assert that a refusal changed nothing."""
    campaign.refresh_from_db()
    return (
        campaign.title,
        campaign.state,
        campaign.self_assessment_deadline,
        campaign.source,
        list(campaign.levels.values_list("level", "framework_id")),
        list(
            CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", "extension_until")
        ),
        list(campaign.rounds.values_list("number", "appraisal_due", "supplement_due")),
        CampaignEvent.objects.filter(campaign=campaign).count(),
    )


@dataclass
class BinhDinh:
    province: Province
    frameworks: dict[str, FrameworkVersion]
    admin: User


@functools.cache
def binhdinh_document() -> Any:
    """examples/binhdinh-2023.yaml parsed once per process: the YAML parser is pure Python."""
    return load_yaml(BINHDINH)


@functools.cache
def binhdinh_campaign() -> CoreCampaign:
    """The same file as the core reads it (frozen: shared as it is)."""
    return load_campaign(BINHDINH)


def load_binhdinh(skip: tuple[str, ...] = ()) -> BinhDinh:
    """Bình Định's units and frameworks of 2023, as the office would have entered them;
    units whose code is in `skip` are left out."""
    province = Province.objects.create(code="binh-dinh", name="Bình Định")
    document = copy.deepcopy(binhdinh_document())
    frameworks = {
        level["code"]: FrameworkVersion.objects.create(
            province=province,
            year=2023,
            level=level["code"],
            code=level["framework"]["code"],
            name=level["framework"]["name"],
            document=dict(level["framework"]),
        )
        for level in document["levels"]
    }
    for code, level in binhdinh_campaign().levels.items():
        for unit in level.units:
            if unit.id not in skip:
                Unit.objects.create(
                    province=province,
                    code=unit.id,
                    name=unit.name,
                    level=code,
                    attributes=dict(unit.attributes),
                    aliases=list(unit.aliases),
                )
    admin = User.objects.create_user(username="an", full_name="Trần Văn An")
    Membership.objects.create(user=admin, province=province, role=Role.OFFICE_ADMIN)
    return BinhDinh(province, frameworks, admin)


@pytest.fixture
def binhdinh(db: None) -> BinhDinh:
    return load_binhdinh()
