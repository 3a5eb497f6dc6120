"""The demo's provinces, units and frameworks, from the seed campaigns in examples/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from dti.framework.documents import load_yaml
from portal.accounts.models import Province
from portal.frameworks.models import FrameworkVersion
from portal.units.models import Unit

EXAMPLES = Path(settings.BASE_DIR) / "examples"


@dataclass(frozen=True)
class SeedProvince:
    code: str
    name: str
    campaign_file: str  # in examples/
    tables: tuple[tuple[str, str], ...]  # (level code, published table file) imported as history


SEEDS = (
    SeedProvince(
        "binh-dinh", "Bình Định", "binhdinh-2023.yaml",
        (("so", "binhdinh-2023/bang-1-tong-the-cap-so.tsv"),
         ("huyen", "binhdinh-2023/bang-2-tong-the-cap-huyen.tsv")),
    ),
    SeedProvince(
        "binh-phuoc", "Bình Phước", "binhphuoc-2024.yaml",
        (("so", "binhphuoc-2024/phu-luc-1-cap-tinh.tsv"),
         ("huyen", "binhphuoc-2024/phu-luc-4-cap-huyen.tsv")),
    ),
)  # fmt: skip


def seed_document(seed: SeedProvince) -> dict[str, Any]:
    document: dict[str, Any] = load_yaml(EXAMPLES / seed.campaign_file)
    return document


def create_province(seed: SeedProvince) -> tuple[Province, dict[str, Any]]:
    """The province, its units (with attributes and aliases) and its frameworks per level."""
    document = seed_document(seed)
    province = Province.objects.create(code=seed.code, name=seed.name)
    for raw in document["units"]:
        Unit.objects.create(
            province=province,
            code=raw["id"],
            name=raw["name"],
            level=raw["level"],
            attributes=raw.get("attributes", {}),
            aliases=list(raw.get("aliases", [])),
        )
    for level in document["levels"]:
        framework = level["framework"]
        FrameworkVersion.objects.create(
            province=province,
            year=document["year"],
            level=level["code"],
            code=framework["code"],
            name=framework["name"],
            source=framework.get("source", ""),
            document=framework,
        )
    return province, document


def current_framework_document(province_code: str = "binh-dinh") -> dict[str, Any]:
    """The 2025 framework of the demo's open campaign: the illustrative one of
    examples/mau-2025.yaml, which uses every kind of scoring rule."""
    document = load_yaml(EXAMPLES / "mau-2025.yaml")
    level = next(level for level in document["levels"] if level["code"] == "xa")
    framework: dict[str, Any] = dict(level["framework"])
    code = f"{province_code.replace('-', '')}-2025-so"
    framework.update(code=code, name="Bộ chỉ số chuyển đổi số cấp sở năm 2025")
    agencies: dict[str, Any] = _for_agencies(framework)
    return agencies


def _for_agencies(document: Any) -> Any:
    """The commune framework's wording, said of a provincial agency."""
    if isinstance(document, dict):
        return {key: _for_agencies(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_for_agencies(item) for item in document]
    if isinstance(document, str):
        return document.replace("Chủ tịch UBND xã", "Thủ trưởng đơn vị").replace(
            "trang thông tin điện tử xã", "trang thông tin điện tử của đơn vị"
        )
    return document
