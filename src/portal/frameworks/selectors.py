"""Reading frameworks, always through what the person may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from portal.accounts.models import Membership, Province
from portal.accounts.permissions import AnyUser, is_office_admin
from portal.frameworks.documents import exact_document
from portal.frameworks.models import FrameworkVersion
from portal.frameworks.outline import Outline, outline
from portal.roles import Role


@dataclass(frozen=True)
class ProvinceFrameworks:
    province: Province
    can_write: bool
    versions: list[FrameworkVersion]  # each with `is_frozen` and `campaign_count`


def frameworks_for_user(user: AnyUser) -> list[ProvinceFrameworks]:
    """The framework versions of every province where the user holds a role.

    Queries: the memberships; the versions with their frozen flag counted in SQL."""
    if not user.is_authenticated:
        return []
    roles: dict[Province, set[str]] = defaultdict(set)
    for membership in Membership.objects.filter(user=user).select_related("province"):
        roles[membership.province].add(membership.role)
    versions = FrameworkVersion.objects.filter(province__in=list(roles)).annotate(
        opened_campaigns=Count(
            "campaign_levels", filter=~Q(campaign_levels__campaign__state="draft")
        ),
        campaign_count=Count("campaign_levels"),
    )
    by_province: dict[int, list[FrameworkVersion]] = defaultdict(list)
    for version in versions:
        version.is_frozen = version.opened_campaigns > 0  # type: ignore[attr-defined]  # an attribute for the page only
        by_province[version.province_id].append(version)
    return [
        ProvinceFrameworks(province, Role.OFFICE_ADMIN in held, by_province[province.pk])
        for province, held in sorted(roles.items(), key=lambda item: item[0].name)
    ]


def framework_outline(version: FrameworkVersion) -> Outline:
    return outline(version.build())


def framework_mapping(version: FrameworkVersion) -> dict[str, object]:
    """The document with exact numbers, as it was imported or typed."""
    document: dict[str, object] = exact_document(version.document)
    return document


def can_write(user: AnyUser, province: Province) -> bool:
    return is_office_admin(user, province)


def campaigns_using(version: FrameworkVersion) -> list[str]:
    """'Đánh giá chuyển đổi số năm 2025 (Đang mở)': the campaigns a version serves."""
    levels = version.campaign_levels.select_related("campaign")
    return [
        f"{level.campaign.title} — {level.name} ({level.campaign.get_state_display()})"
        for level in levels
    ]
