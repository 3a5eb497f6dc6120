"""What the open-data tests share: a fresh cache for each test (files are cached, requests
counted per address), and provinces published through the portal's own services with as
many units as a test wants: the framework Bình Định used for its agencies in 2023
(examples/binhdinh-2023.yaml), a printed table made up for the units, imported as history
(`historic_campaign_import`) and published by the office (`publication_request`)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from dti.framework.documents import load_yaml
from portal.accounts.models import Membership, Province, User
from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign
from portal.frameworks.models import FrameworkVersion
from portal.publication.models import Version
from portal.publication.services import publication_request
from portal.roles import Role
from portal.units.models import Unit
from tests.conftest import EXAMPLES


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Cached files and the request counts of the rate limit live in the cache, which
    outlives a test's database savepoint: each test starts with it empty."""
    cache.clear()
    yield
    cache.clear()


@functools.cache
def _agencies_framework() -> dict[str, Any]:
    document = load_yaml(Path(EXAMPLES / "binhdinh-2023.yaml"))
    level = next(level for level in document["levels"] if level["code"] == "so")
    return dict(level["framework"])


@dataclass
class Published:
    province: Province
    office: User
    campaign: Campaign
    version: Version | None  # None when the results were not published
    units: list[Unit]


def unit_name(prefix: str, number: int) -> str:
    return f"{prefix} {number}"


def publish_province(
    code: str,
    units: int,
    *,
    year: int = 2023,
    name: str = "",
    prefix: str = "Sở Thử nghiệm",
    offset: int = 0,
    publish: bool = True,
    numbers: Iterable[int] | None = None,
) -> Published:
    """A province (created on first use) whose agencies' results of `year` are imported
    from a made-up printed table and, when `publish`, published by its office. Its units
    are numbered 1 to `units` (or `numbers`), created on first use. Scores differ from unit
    to unit and with `offset`, so ranks and values vary."""
    province, created = Province.objects.get_or_create(
        code=code, defaults={"name": name or f"Tỉnh {code}"}
    )
    if created:
        office = User.objects.create_user(username=f"office-{code}", full_name="Văn phòng Sở")
        Membership.objects.create(user=office, province=province, role=Role.OFFICE_ADMIN)
    else:
        office = Membership.objects.get(province=province, role=Role.OFFICE_ADMIN).user
    document = _agencies_framework()
    framework = FrameworkVersion.objects.create(
        province=province,
        year=year,
        level="so",
        code=f"{code}-{year}-so-{offset}",
        name=document["name"],
        document=document,
    )
    built = framework.build()
    lines = ["\t".join(["STT", "Đơn vị", *[i.name for i in built.main_indices], "Tổng điểm"])]
    made = []
    for number in numbers if numbers is not None else range(1, units + 1):
        unit, _ = Unit.objects.get_or_create(
            province=province,
            code=f"{code}-don-vi-{number}",
            defaults={
                "name": unit_name(prefix, number),
                "level": "so",
                "attributes": {
                    "has_online_public_services": number % 2 == 0,
                    "has_online_applications": number % 4 == 0,
                    "has_satisfaction_ratings": False,
                },
            },
        )
        made.append(unit)
        scores = [
            str((number * 7 + position * 3 + offset) % int(index.max // 2))
            for position, index in enumerate(built.main_indices)
        ]
        lines.append("\t".join([str(number), unit.name, *scores, ""]))
    campaign = historic_campaign_import(
        province=province,
        year=year,
        title=f"Kết quả DTI năm {year}",
        level="so",
        level_name="Sở, ban, ngành",
        framework=framework,
        table_bytes="\n".join(lines).encode(),
        file_name="bang-thu.tsv",
        user=office,
        source="Quyết định số 1/QĐ-UBND",
    )
    version = publication_request(campaign=campaign, user=office) if publish else None
    return Published(province, office, campaign, version, made)
