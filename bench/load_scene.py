"""The scene of the load benchmark (bench/bench_load.py), built in the benchmark's process in
the database the server then uses, and handed to the load's clients as a JSON file (they
run in a process of their own and import nothing of the portal):

- a province whose communes are in an open campaign, a reporter signed in for each
  (bench/save_scene.py); the same communes in last year's campaign, in appraisal, its first
  round being scored by a team of appraisers, each assigned a few communes;
- the province's office admin, signed in;
- the published results of a national audience's province (bench/public_data.py);
- a second province of fresh communes for the deadline surge that follows the load.

Sessions are written into the session store as a sign-in leaves them: what is measured is
the journeys, not signing in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench_writes import CODES, approved
from save_scene import LEVEL, Reporter, build, signed_in

APPRAISED_PER_MEMBER = 5  # communes each appraiser is assigned


@dataclass
class Scene:
    journeys: dict[str, Any]  # what the clients read (bench/load_journeys.py)
    reporters: list[Reporter]  # the steady load's communes, open for saving
    surge: list[Reporter]  # the surge's communes, fresh drafts
    appraised: dict[int, int]  # campaign unit in appraisal → the round's pk


def build_scene(units: int, appraisers: int, public_units: int) -> Scene:
    from django.db import transaction

    from portal.accounts.models import Membership, Province, User
    from portal.roles import Role
    from public_data import national_scale
    from public_load import targets

    reporters = build(1, units, prefix="tai-")
    surge = build(1, units, prefix="dot-")
    province = Province.objects.get(code="tai-tinh-0")
    with transaction.atomic():
        office = User.objects.create(username="tai-van-phong", full_name="Văn phòng Sở")
        Membership.objects.create(user=office, province=province, role=Role.OFFICE_ADMIN)
        campaign_pk, team, appraised = _in_appraisal(province, appraisers)
    published = national_scale(public_units)
    public = [
        path for target in targets(published) if target.key != "floor" for path in target.paths
    ]
    open_campaign = _open_campaign(province)
    journeys = {
        "codes": CODES,
        "loaded": _loaded(),
        "reporters": [
            {"unit": r.campaign_unit, "session": r.session, "csrf": r.csrf} for r in reporters
        ],
        "appraisers": team,
        "office": {
            "session": signed_in(office),
            "csrf": secrets.token_hex(16),
            "paths": [
                f"/dot-danh-gia/{open_campaign}/",
                f"/nhat-ky/dot/{open_campaign}/",
                f"/tham-dinh/dot/{campaign_pk}/",
            ],
            "csv": f"/nhat-ky/dot/{open_campaign}/nhat-ky.csv",
        },
        "public": public,
    }
    return Scene(journeys, reporters, surge, appraised)


def _open_campaign(province: Any) -> int:
    from portal.campaigns.models import Campaign

    pk: int = Campaign.objects.get(province=province, year=2025).pk
    return pk


def _loaded() -> dict[str, str]:
    """What the form carries as loaded for a criterion last saved with each value."""
    from portal.answers import loaded_mark

    return {value: loaded_mark(value, "") for value in ("1", "2")}


def _in_appraisal(
    province: Any, appraisers: int
) -> tuple[int, list[dict[str, Any]], dict[int, int]]:
    """Last year's campaign of the same communes, their answers approved, its first round
    being scored; `appraisers` members, each assigned APPRAISED_PER_MEMBER communes."""
    from portal.accounts.models import Membership, User
    from portal.appraisals.models import Assignment, TeamMember
    from portal.campaigns.models import AppraisalRound, Campaign, CampaignLevel
    from portal.frameworks.models import FrameworkVersion
    from portal.roles import Role
    from portal.units.models import Unit
    from portal.workflow import CampaignState, RoundState

    framework = FrameworkVersion.objects.get(province=province)
    campaign = Campaign.objects.create(
        province=province,
        year=2024,
        title="Đánh giá chuyển đổi số năm 2024",
        state=CampaignState.IN_APPRAISAL,
        self_assessment_deadline=datetime.now(UTC) - timedelta(days=30),
    )
    CampaignLevel.objects.create(
        campaign=campaign, level=LEVEL, name="UBND xã, phường", framework=framework
    )
    communes = list(Unit.objects.filter(province=province).order_by("code"))
    reporter = User.objects.filter(memberships__unit=communes[0]).first()
    rows = approved(campaign, communes, reporter, lambda position, n: str(n % 2 + 1))
    round_ = AppraisalRound.objects.create(
        campaign=campaign,
        number=1,
        state=RoundState.SCORING,
        appraisal_due=datetime.now(UTC) + timedelta(days=30),
    )
    team, appraised = [], {}
    for n in range(appraisers):
        user = User.objects.create(username=f"tai-tham-dinh-{n}", full_name=f"Thẩm định {n}")
        Membership.objects.create(user=user, province=province, role=Role.APPRAISER)
        member = TeamMember.objects.create(campaign=campaign, user=user, chair=n == 0)
        mine = rows[n * APPRAISED_PER_MEMBER : (n + 1) * APPRAISED_PER_MEMBER]
        Assignment.objects.bulk_create(Assignment(member=member, unit=row.unit) for row in mine)
        appraised.update({row.pk: round_.pk for row in mine})
        team.append(
            {
                "session": signed_in(user),
                "csrf": secrets.token_hex(16),
                "units": [row.pk for row in mine],
            }
        )
    return campaign.pk, team, appraised
