"""Provinces that published through the services, for the public pages' tests.

`publish_year` makes a province's units, imports a generated result table for one year
(portal.campaigns.historic, with Bình Phước 2024's framework for provincial agencies: peer
groups with and without online public services, classes, 80 points removed for comparison)
and has the office publish it (portal.publication.services.publication_request), exactly as
the demo publishes its history. The pages read what the services stored: no row is written
by hand."""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from tests.conftest import EXAMPLES

from dti.framework.documents import load_yaml
from dti.names import loose_label
from portal.accounts.models import Membership, Province, User
from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign
from portal.frameworks.models import FrameworkVersion
from portal.publication.models import Version
from portal.publication.services import publication_request
from portal.roles import Role
from portal.units.models import Unit

LEVEL, LEVEL_NAME = "so", "Sở, ban, ngành"
SERVICES = "has_online_public_services"
BLOCK_MAX = {"hoat_dong_chinh_quyen_so": (Decimal(200), Decimal(120))}  # with / without services


@functools.cache
def _agencies_framework() -> dict[str, Any]:
    document = load_yaml(EXAMPLES / "binhphuoc-2024.yaml")
    level = next(level for level in document["levels"] if level["code"] == LEVEL)
    return dict(level["framework"])


def agencies_framework() -> dict[str, Any]:
    return copy.deepcopy(_agencies_framework())


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Cached pages of one test must not answer the next one (the generation would differ
    anyway once something is published; a test that publishes nothing shares its key)."""
    cache.clear()


@dataclass
class Published:
    province: Province
    admin: User
    units: list[Unit]
    campaign: Campaign

    @property
    def version(self) -> Version:
        return Version.objects.get(campaign=self.campaign, superseded_at__isnull=True)

    def url(self, tail: str = "") -> str:
        return f"/ket-qua/{self.province.code}/{self.campaign.year}/{tail}"


def make_province(code: str = "tinh-thu", name: str = "Tỉnh Thử") -> tuple[Province, User]:
    province = Province.objects.create(code=code, name=name)
    admin = User.objects.create_user(username=f"vp-{code}", full_name="Văn phòng Sở")
    Membership.objects.create(user=admin, province=province, role=Role.OFFICE_ADMIN)
    return province, admin


def make_units(province: Province, count: int, prefix: str = "So") -> list[Unit]:
    """`count` agencies, two of three with online public services."""
    return [
        Unit.objects.create(
            province=province,
            code=f"{prefix.lower()}-{number:03d}",
            name=f"{prefix} Thử nghiệm {number:03d}",
            level=LEVEL,
            attributes={SERVICES: number % 3 != 0},
        )
        for number in range(1, count + 1)
    ]


def make_named_units(province: Province, names: Sequence[str]) -> list[Unit]:
    """Agencies with the names given (codes from their names without accents)."""
    return [
        Unit.objects.create(
            province=province,
            code=loose_label(name).replace(" ", "-"),
            name=name,
            level=LEVEL,
            attributes={SERVICES: number % 2 == 0},
        )
        for number, name in enumerate(names)
    ]


def score(index_max: Decimal, number: int, seed: int = 0) -> Decimal:
    """A score between half and all of the max, different for each unit."""
    share = Decimal(50 + (number * 37 + seed * 11) % 51) / 100
    return (index_max * share).quantize(Decimal("0.01"))


def result_table(units: Sequence[Unit], seed: int = 0) -> bytes:
    framework = _agencies_framework()
    indices = [(node["code"], node["name"], Decimal(str(node["max"]))) for node in _main(framework)]
    lines = ["\t".join(["STT", "Đơn vị", *(name for _, name, _ in indices)])]
    for number, unit in enumerate(units, start=1):
        cells = [str(number), unit.name]
        for code, _, index_max in indices:
            with_services, without = BLOCK_MAX.get(code, (index_max, index_max))
            top = with_services if unit.attributes[SERVICES] else without
            cells.append(str(score(top, number, seed)))
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode()


def _main(framework: dict[str, Any]) -> list[dict[str, Any]]:
    """The framework document's main indices (its roots, or the children of group roots)."""
    found = []
    for node in framework["nodes"]:
        if node.get("kind") == "group":
            found += node.get("children", [])
        else:
            found.append(node)
    return found


def publish_year(
    province: Province,
    admin: User,
    units: Sequence[Unit],
    year: int = 2024,
    *,
    seed: int = 0,
    publish: bool = True,
    document: dict[str, Any] | None = None,
) -> Campaign:
    """The year's results imported and published by the office (under `document`, else the
    Bình Phước agencies' framework)."""
    framework = FrameworkVersion.objects.create(
        province=province,
        year=year,
        level=LEVEL,
        code=f"{province.code}-{year}-{LEVEL}",
        name=f"Bộ chỉ số cấp sở {year}",
        document=document or agencies_framework(),
    )
    campaign = historic_campaign_import(
        province=province,
        year=year,
        title=f"Kết quả chuyển đổi số năm {year}",
        level=LEVEL,
        level_name=LEVEL_NAME,
        framework=framework,
        table_bytes=result_table(units, seed),
        file_name=f"ket-qua-{year}.tsv",
        user=admin,
    )
    if publish:
        publication_request(campaign=campaign, user=admin)
    return campaign


def published_province(count: int, code: str = "tinh-thu", name: str = "Tỉnh Thử") -> Published:
    province, admin = make_province(code, name)
    units = make_units(province, count)
    return Published(province, admin, units, publish_year(province, admin, units))


@pytest.fixture
def few(db: None) -> Published:
    return published_province(4)


@pytest.fixture
def many(db: None) -> Published:
    return published_province(60, "tinh-lon", "Tỉnh Lớn")
