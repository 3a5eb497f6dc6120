"""Published results at national scale, for the public portal's benchmark.

A province with one commune level as large as the whole country's (3,300 communes by
default) published for two years, so every unit has last year's rank beside this year's,
and a few provinces with a small level of provincial agencies, so the national landing page
lists several. Everything goes through the portal's own code as an office would: units with
`unit_create`, frameworks with `framework_create`, each year's results stored as an imported
table is stored (a CampaignUnit and a HistoricResult per unit, written in bulk as
`portal.campaigns.historic._store_results` writes them, from the core's evaluation), then
published by the office with `publication_request`. No raw SQL.

The framework is bench_engine's synthetic one (8 main indices, classes, two peer groups by
an attribute); the main-index scores come from its seeded generator, so the data is the same
on every run. Needs Django set up (the caller owns the database).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

import numpy as np
from django.db import transaction

from bench_engine import framework_dict, make_case, unit_names
from dti.fixedpoint import from_scaled
from dti.inputs import UnitInput, build_inputs
from dti.results import LevelResult, evaluate
from portal.accounts.models import Membership, Province, User
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit, HistoricResult
from portal.campaigns.services import record
from portal.frameworks.models import FrameworkVersion
from portal.frameworks.services import framework_create
from portal.public.pages.ranking import PAGE_SIZE
from portal.publication import selectors
from portal.publication.services import publication_request
from portal.roles import Role
from portal.units.core import core_attributes
from portal.units.models import Unit
from portal.units.services import unit_create
from portal.workflow import CampaignState

SEED = 20_251_201
LEAVES = 40  # criteria of the synthetic framework, in 8 main indices
YEARS = (2024, 2025)  # last year first: this year's version shows last year's ranks
BIG = ("mo-phong", "Tỉnh Mô Phỏng")  # the province whose commune level is national-sized
LEVEL, LEVEL_NAME = "xa", "UBND xã, phường, thị trấn"
SMALL_LEVEL, SMALL_LEVEL_NAME = "so", "Sở, ban, ngành"
SMALL_PROVINCES = (
    ("song-lam", "Tỉnh Sông Lam"),
    ("nui-ngoc", "Tỉnh Núi Ngọc"),
    ("bien-xanh", "Tỉnh Biển Xanh"),
    ("cao-nguyen", "Tỉnh Cao Nguyên"),
)
AGENCIES = (
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "Sở Y tế",
    "Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ", "Sở Văn hoá, Thể thao và Du lịch",
    "Sở Nông nghiệp và Môi trường", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ",
    "Văn phòng UBND tỉnh", "Thanh tra tỉnh", "Ban Quản lý Khu kinh tế",
)  # fmt: skip
SOURCE = "Số liệu mô phỏng của benchmark"
SPREAD = 16  # units whose pages the benchmark opens, spread over the ranking


@dataclass(frozen=True)
class Published:
    """What the benchmark requests and checks: the big level, and every province's name."""

    province: str  # code of the province with the big level
    province_name: str
    year: int
    years: tuple[int, ...]  # every year it published, oldest first
    level: str
    units: int
    ranking_pages: int  # pages of the general ranking (portal.public.pages.ranking.PAGE_SIZE)
    first_unit: str  # name of the unit at the first position of the general ranking
    last_unit: str  # name of the unit at the last position of the general ranking
    unit_pages: tuple[tuple[str, str], ...]  # (code, name) of units spread over the ranking
    provinces: tuple[str, ...]  # every province's name, as the landing page shows them
    small_units: int  # units of each small province's level


def national_scale(units: int, *, small_units: int = len(AGENCIES), seed: int = SEED) -> Published:
    """Publish the big province's two years and the small provinces' current year."""
    with transaction.atomic():
        _province_published(BIG, LEVEL, LEVEL_NAME, unit_names(units), YEARS, seed)
    for offset, province in enumerate(SMALL_PROVINCES, start=1):
        names = [AGENCIES[i % len(AGENCIES)] for i in range(small_units)]
        with transaction.atomic():
            _province_published(
                province, SMALL_LEVEL, SMALL_LEVEL_NAME, names, YEARS[-1:], seed + offset
            )
    return _published(BIG, YEARS[-1], LEVEL, small_units)


def _province_published(
    identity: tuple[str, str],
    level: str,
    level_name: str,
    names: Sequence[str],
    years: Sequence[int],
    seed: int,
) -> None:
    code, name = identity
    province = Province.objects.create(code=code, name=name)
    office = _office_admin(province)
    case = make_case(len(names), LEAVES, seed)
    attributes = [
        {key: bool(flags[i]) for key, flags in case.attributes.items()} for i in range(len(names))
    ]
    distinct = _distinct(names)
    units = [
        unit_create(
            province=province,
            code=f"{level}-{i + 1:04d}",
            name=distinct[i],
            level=level,
            attributes=attributes[i],
        )
        for i in range(len(names))
    ]
    current = _index_scores(evaluate(case.framework, case.inputs, case.names))
    by_year = _earlier_years(current, len(years), np.random.default_rng(seed))
    for year, scores in zip(years, by_year, strict=True):
        framework = framework_create(
            province=province,
            year=year,
            level=level,
            framework={
                **framework_dict(LEAVES),
                "code": f"{code}-{year}-{level}",
                "name": f"Bộ chỉ số chuyển đổi số {level_name} năm {year}",
            },
            user=office,
        )
        campaign = _imported(province, year, level, level_name, framework, units, scores, office)
        publication_request(campaign=campaign, user=office)


def _distinct(names: Sequence[str]) -> list[str]:
    """Agency names repeat once the list runs out: numbered then, as units' names differ."""
    seen: Counter[str] = Counter()
    found = []
    for name in names:
        seen[name] += 1
        found.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return found


def _office_admin(province: Province) -> User:
    user = User.objects.create_user(
        username=f"van-phong-{province.code}", full_name=f"Văn phòng {province.name}"
    )
    Membership.objects.create(user=user, province=province, role=Role.OFFICE_ADMIN)
    return user


def _index_scores(result: LevelResult) -> list[dict[str, Decimal]]:
    """Each unit's main-index scores as the engine computed them (two decimals)."""
    scores = result.scores
    rows = {index.code: scores.node_index[index.code] for index in result.framework.main_indices}
    return [
        {code: from_scaled(int(scores.score[row, column]), 2) for code, row in rows.items()}
        for column in range(len(scores.unit_ids))
    ]


def _earlier_years(
    current: list[dict[str, Decimal]], years: int, rng: np.random.Generator
) -> list[list[dict[str, Decimal]]]:
    """`years` sets of scores, oldest first, ending with `current`: each year before is the
    next one times a factor per unit and index from 0.55 to 1 (never above the max), so
    ranks move from one year to the next."""
    found = [current]
    for _ in range(years - 1):
        later = found[0]
        factors = rng.uniform(0.55, 1.0, (len(later), len(later[0]) if later else 0))
        found.insert(
            0,
            [
                {
                    code: (score * Decimal(f"{factors[u, k]:.4f}")).quantize(
                        Decimal("0.01"), rounding=ROUND_DOWN
                    )
                    for k, (code, score) in enumerate(unit.items())
                }
                for u, unit in enumerate(later)
            ],
        )
    return found


def _imported(
    province: Province,
    year: int,
    level: str,
    level_name: str,
    framework: FrameworkVersion,
    units: Sequence[Unit],
    scores: Sequence[Mapping[str, Decimal]],
    office: User,
) -> Campaign:
    """A past year's campaign holding the level's results, as an imported table leaves it:
    finalized, historic, one HistoricResult per unit computed by the core."""
    campaign = Campaign(
        province=province,
        year=year,
        title=f"Kết quả đánh giá chuyển đổi số năm {year}",
        source=SOURCE,
        historic=True,
        state=CampaignState.FINALIZED,
    )
    campaign.full_clean()
    campaign.save()
    campaign_level = CampaignLevel(
        campaign=campaign, level=level, name=level_name, framework=framework
    )
    campaign_level.full_clean()
    campaign_level.save()
    _store_results(campaign, level, framework, units, scores)
    record(campaign, "historic_import", office, f"{level_name}: {len(units)} đơn vị")
    return campaign


def _store_results(
    campaign: Campaign,
    level: str,
    framework: FrameworkVersion,
    units: Sequence[Unit],
    scores: Sequence[Mapping[str, Decimal]],
) -> None:
    """CampaignUnit and HistoricResult rows in rank order, as historic._store_results
    writes them: rank, total, max, value and class from the core's evaluation of the scores."""
    core = framework.build()
    inputs = [
        UnitInput(unit.code, core_attributes(unit.attributes), scores=dict(unit_scores))
        for unit, unit_scores in zip(units, scores, strict=True)
    ]
    result = evaluate(core, build_inputs(core, inputs), [unit.name for unit in units])
    by_code = {
        unit.code: (unit, unit_scores) for unit, unit_scores in zip(units, scores, strict=True)
    }
    ranked = result.general.rows(result.scores.unit_ids)
    campaign_units = [
        CampaignUnit(campaign=campaign, unit=by_code[row.unit][0], level=level) for row in ranked
    ]
    CampaignUnit.objects.bulk_create(campaign_units, batch_size=500)
    results = [
        HistoricResult(
            campaign_unit=campaign_unit,
            rank=row.rank,
            total=row.total,
            applicable_max=row.applicable_max,
            value=row.value,
            percent=row.percent,
            class_label=row.class_label or "",
            source_table=SOURCE,
            index_scores={code: str(v) for code, v in by_code[row.unit][1].items()},
        )
        for campaign_unit, row in zip(campaign_units, ranked, strict=True)
    ]
    for stored in results:  # the values fit their fields; the units were just written
        stored.full_clean(exclude=["campaign_unit"], validate_unique=False)
    HistoricResult.objects.bulk_create(results, batch_size=500)


def _published(identity: tuple[str, str], year: int, level: str, small_units: int) -> Published:
    """The big level as the public site reads it, through the public selectors only."""
    province, name = identity
    version = selectors.version_at(province, year)
    if version is None:
        raise RuntimeError(f"{province} {year} was not published")
    rows = selectors.rows_of(version, level)
    step = max(1, len(rows) // SPREAD)
    spread = rows[::step][:SPREAD]
    names = sorted({current.campaign.province.name for current in selectors.current_versions()})
    return Published(
        province=province,
        province_name=name,
        year=year,
        years=YEARS,
        level=level,
        units=len(rows),
        ranking_pages=-(-len(rows) // PAGE_SIZE),
        first_unit=rows[0].unit_name,
        last_unit=rows[-1].unit_name,
        unit_pages=tuple((row.unit_code, row.unit_name) for row in spread),
        provinces=tuple(names),
        small_units=small_units,
    )


def general_table_size(published: Published) -> int:
    """How many rows the public selectors' general ranking of the big level has."""
    version = selectors.version_at(published.province, published.year)
    assert version is not None
    level = selectors.level_of(version, published.level)
    assert level is not None
    found: Any = selectors.table(level, selectors.rows_of(version, published.level), "tong-the")
    return len(found.rows) if found is not None else 0
