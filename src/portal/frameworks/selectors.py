"""Reading frameworks, always through what the person may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
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


FRAMEWORK_SORTS = {
    "nam": ("-year", "level", "name"),
    "ten": ("name", "-year"),
    "khoi": ("level", "-year", "name"),
}


@dataclass(frozen=True)
class FrameworkQuery:
    """The index's search (name, code, level or year, in the database) and order, from the
    query string."""

    text: str = ""
    sort: str = ""  # a key of FRAMEWORK_SORTS; '' is the newest year first

    @classmethod
    def from_query(cls, data: Mapping[str, str]) -> FrameworkQuery:
        sort = data.get("sap_xep", "")
        return cls(
            " ".join(data.get("q", "").split())[:100], sort if sort in FRAMEWORK_SORTS else ""
        )


def frameworks_for_user(
    user: AnyUser, query: FrameworkQuery | None = None
) -> list[ProvinceFrameworks]:
    """The framework versions of every province where the user holds a role, those the
    search keeps, in the order asked for.

    Queries: the memberships; the versions with their frozen flag counted in SQL."""
    if not user.is_authenticated:
        return []
    query = query or FrameworkQuery()
    roles: dict[Province, set[str]] = defaultdict(set)
    for membership in Membership.objects.filter(user=user).select_related("province"):
        roles[membership.province].add(membership.role)
    versions = FrameworkVersion.objects.filter(province__in=list(roles)).annotate(
        opened_campaigns=Count(
            "campaign_levels", filter=~Q(campaign_levels__campaign__state="draft")
        ),
        campaign_count=Count("campaign_levels"),
    )
    if query.text:
        found = Q(name__icontains=query.text) | Q(code__icontains=query.text)
        found |= Q(level__iexact=query.text) | Q(source__icontains=query.text)
        if query.text.isdigit():
            found |= Q(year=int(query.text))
        versions = versions.filter(found)
    versions = versions.order_by(*FRAMEWORK_SORTS[query.sort or "nam"])
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
