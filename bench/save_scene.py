"""The scene of the deadline-day benchmark (bench/bench_saves.py): provinces whose communes
are in an open campaign, one reporter signed in for each commune, and the check afterwards
that every acknowledged save is in the database.

Built in the benchmark's own process, in the database the server then uses. The reporters'
sessions are written directly into the session store (as a sign-in would leave them): what
is measured is saving, not signing in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from bench_writes import CODES, framework_document

LEVEL = "xa"


@dataclass(frozen=True)
class Reporter:
    """One commune's reporter: the campaign unit they save, their session and CSRF cookie."""

    province: int
    campaign_unit: int
    session: str
    csrf: str


def build(provinces: int, units: int, prefix: str = "") -> list[Reporter]:
    """`provinces` provinces of `units` communes each, every commune in its province's open
    campaign with an empty draft, and a signed-in reporter for each (codes and usernames
    start with `prefix`, so that several scenes share a database)."""
    from portal.accounts.models import Membership, Province, User
    from portal.assessments.models import Submission
    from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit
    from portal.frameworks.models import FrameworkVersion
    from portal.roles import Role
    from portal.units.models import Unit
    from portal.workflow import CampaignState

    reporters = []
    for p in range(provinces):
        province = Province.objects.create(code=f"{prefix}tinh-{p}", name=f"Tỉnh {prefix}{p}")
        framework = FrameworkVersion.objects.create(
            province=province,
            year=2025,
            level=LEVEL,
            code=f"{prefix}tinh-{p}-2025-xa",
            name="Bộ chỉ số cấp xã 2025",
            document=framework_document(),
        )
        campaign = Campaign.objects.create(
            province=province,
            year=2025,
            title="Đánh giá chuyển đổi số năm 2025",
            state=CampaignState.OPEN,
            self_assessment_deadline=datetime.now(UTC) + timedelta(days=1),
        )
        CampaignLevel.objects.create(
            campaign=campaign, level=LEVEL, name="UBND xã, phường", framework=framework
        )
        communes = Unit.objects.bulk_create(
            Unit(province=province, code=f"xa-{n:04d}", name=f"UBND xã {p}.{n}", level=LEVEL)
            for n in range(units)
        )
        rows = CampaignUnit.objects.bulk_create(
            CampaignUnit(campaign=campaign, unit=unit, level=LEVEL) for unit in communes
        )
        Submission.objects.bulk_create(Submission(campaign_unit=row) for row in rows)
        for n, (unit, row) in enumerate(zip(communes, rows, strict=True)):
            user = User.objects.create(username=f"{prefix}cb-{p}-{n}", full_name=f"Cán bộ {p}.{n}")
            Membership.objects.create(user=user, province=province, role=Role.REPORTER, unit=unit)
            reporters.append(Reporter(p, row.pk, signed_in(user), secrets.token_hex(16)))
    return reporters


def signed_in(user: Any) -> str:
    """A session as the sign-in leaves it for a person who owes no second factor."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from portal.accounts.second_factor import LAST_SEEN, NONE, STATE

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # the backend that checks passwords, as the sign-in records it
    session[BACKEND_SESSION_KEY] = "portal.accounts.backends.PersonBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[STATE] = NONE
    # far ahead: the idle limit must not end a session during the run
    session[LAST_SEEN] = int(datetime.now(UTC).timestamp()) + 3600
    session.create()
    return str(session.session_key)


def form_fields(version: int, value: str, previous: str | None) -> dict[str, str]:
    """The 80 criteria as the form posts them: each changed to `value`, loaded with
    `previous` (None: never saved) at `version`."""
    from portal.answers import loaded_mark

    loaded = loaded_mark(previous, "") if previous is not None else ""
    fields = {}
    for code in CODES:
        fields[f"value:{code}"] = value
        fields[f"note:{code}"] = ""
        fields[f"version:{code}"] = str(version)
        fields[f"loaded:{code}"] = loaded
    return fields


def form_page(save: str) -> str:
    """The form's page a save at `save` (save_post's path) redirects to once saved."""
    return save.removesuffix("luu-nhap/")


def save_post(
    reporter: Reporter, host: str, version: int, value: str, previous: str | None
) -> tuple[str, str, dict[str, str]]:
    """A save of the 80 answers as the reporter's page posts it to the server at `host`:
    its path, its encoded body (`form_fields` and the CSRF token) and the headers the
    browser sends with it (the reporter's cookies, the page as the referrer)."""
    page = f"/tu-danh-gia/{reporter.campaign_unit}/"  # form_page gives it back
    fields = {**form_fields(version, value, previous), "csrfmiddlewaretoken": reporter.csrf}
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={reporter.session}; csrftoken={reporter.csrf}",
        "Referer": f"https://{host}{page}",
    }
    return f"{page}luu-nhap/", urlencode(fields), headers


def lost_writes(
    acknowledged: dict[int, int],
    values: dict[int, str],
    unanswered: dict[int, tuple[int, str]] | None = None,
) -> list[str]:
    """What the database lacks of the acknowledged saves: each campaign unit's 80 answers at
    the version of its last acknowledged save, holding that save's value; or, where the
    next save got no answer (the client gave up), at that save's version and value if the
    server stored it after all."""
    from portal.assessments.models import Answer

    found: dict[int, list[tuple[str, int, Any]]] = {}
    rows = Answer.objects.filter(submission__campaign_unit__in=list(acknowledged))
    for row in rows.values_list("submission__campaign_unit", "criterion", "version", "value"):
        found.setdefault(row[0], []).append(row[1:])
    problems, unanswered = [], unanswered or {}
    for unit, saves in acknowledged.items():
        answers = found.get(unit, [])
        counts = {len(CODES) if saves else 0} | ({len(CODES)} if unit in unanswered else set())
        if len(answers) not in counts:
            problems.append(f"campaign unit {unit}: {len(answers)} answers, not {len(CODES)}")
        allowed = {(saves, values.get(unit))} | (
            {unanswered[unit]} if unit in unanswered else set()
        )
        wrong = [a for a in answers if (a[1], a[2]) not in allowed]
        if wrong:
            problems.append(f"campaign unit {unit}: {len(wrong)} answers not as last saved")
    return problems
