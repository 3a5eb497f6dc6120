"""Loading the demo: two provinces with their published history and an open campaign in
which units are at every stage. Everything goes through the portal's own services, as a
person would, so the demo is what the product really does."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Membership, Province, User
from portal.answers import PostedAnswer, loaded_mark
from portal.assessments.saving import answers_save
from portal.assessments.services import (
    evidence_add_file,
    evidence_add_link,
    submission_approve,
    submission_submit,
)
from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign, CampaignUnit
from portal.campaigns.services import (
    campaign_create,
    campaign_level_add,
    campaign_transition,
    campaign_units_add,
)
from portal.demo.appraisal import appraisal_campaign
from portal.demo.people import PASSWORD, PEOPLE
from portal.demo.provinces import SEEDS, SeedProvince, create_province, current_framework_document
from portal.demo.second_factor import demo_second_factor_give
from portal.frameworks.models import FrameworkVersion
from portal.indicators.rows import read_upload
from portal.indicators.services import system_values_import
from portal.publication.services import publication_request
from portal.roles import Role
from portal.units.models import Unit

Say = Callable[[str], None]
# A minimal, valid one-page PDF: what a unit uploads as its plan.
PLAN_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"0000000115 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
)


def load_demo(*, tables: Path, say: Say) -> bool:
    """Load the demo once; False when it is already there."""
    if Province.objects.filter(code=SEEDS[0].code).exists():
        return False
    with transaction.atomic():
        provinces = {seed.code: create_province(seed)[0] for seed in SEEDS}
        users = {p.username: _person(p.username, p.full_name) for p in PEOPLE}
        for person in PEOPLE:
            _membership(
                users[person.username], provinces[person.province], person.role, person.unit
            )
        for seed in SEEDS:
            _history(seed, provinces[seed.code], tables, _office_admin(provinces[seed.code]), say)
        binh_dinh = _campaign_2025(provinces[SEEDS[0].code], users["quang"], say)
        _fill(binh_dinh, provinces[SEEDS[0].code], say)
        binh_phuoc = provinces[SEEDS[1].code]
        appraisal_campaign(
            campaign=_campaign_2025(binh_phuoc, users["phuoc"], say),
            office=users["phuoc"],
            team={"chair": users["chinh"], "member": users["mai"]},
            fill=lambda campaign_unit, position: _approved(binh_phuoc, campaign_unit, position),
            say=say,
        )
        for user in User.objects.order_by("pk"):
            demo_second_factor_give(user)
    return True


def _person(username: str, full_name: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, full_name=full_name)


def _membership(user: User, province: Province, role: Role, unit_code: str | None) -> None:
    unit = Unit.objects.get(province=province, code=unit_code) if unit_code else None
    Membership.objects.create(user=user, province=province, role=role, unit=unit)


def _office_admin(province: Province) -> User:
    membership = Membership.objects.filter(province=province, role=Role.OFFICE_ADMIN).first()
    assert membership is not None  # every demo province has its office admin
    return membership.user


def _history(seed: SeedProvince, province: Province, tables: Path, user: User, say: Say) -> None:
    """The seed report's tables, imported as the province's history, then published by
    the office as the public portal's first version."""
    campaign = None
    for level, table in seed.tables:
        path = tables / table
        framework = FrameworkVersion.objects.get(province=province, level=level)
        campaign = historic_campaign_import(
            province=province,
            year=framework.year,
            title=f"Kết quả DTI năm {framework.year}",
            level=level,
            level_name=_level_name(level),
            framework=framework,
            table_bytes=path.read_bytes(),
            file_name=path.name,
            user=user,
        )
        say(f"  {province.name} {framework.year}: {path.name} → {campaign}")
    if campaign is not None:
        publication_request(campaign=campaign, user=user)
        say(f"  {province.name}: {campaign} công bố")


def _level_name(level: str) -> str:
    return {"so": "Sở, ban, ngành", "huyen": "UBND huyện, thị xã, thành phố"}.get(level, level)


def _campaign_2025(province: Province, office: User, say: Say) -> Campaign:
    """The province's 2025 campaign for its agencies, open, with the portal's statistics."""
    document = current_framework_document(province.code)
    framework = FrameworkVersion.objects.create(
        province=province,
        year=2025,
        level="so",
        code=document["code"],
        name=document["name"],
        document=document,
        created_by=office,
    )
    campaign = campaign_create(
        province=province,
        year=2025,
        title="Đánh giá chuyển đổi số năm 2025",
        self_assessment_deadline=timezone.now() + timedelta(days=30),
        user=office,
    )
    campaign_level_add(
        campaign=campaign, level="so", name="Sở, ban, ngành", framework=framework, user=office
    )
    campaign_units_add(campaign=campaign, level="so", units=None, user=office)
    campaign_transition(campaign=campaign, action="open", user=office)
    _system_values(campaign, say)
    return campaign


def _system_values(campaign: Campaign, say: Say) -> None:
    """The online public service portal's statistics (cqs_dvctt: records filed online of all
    records), imported before the units sign, for every unit offering online services."""
    campaign_units = CampaignUnit.objects.filter(campaign=campaign).select_related("unit")
    offering = [e for e in campaign_units if e.unit.attributes.get("has_online_public_services")]
    items = [
        {
            "unit": campaign_unit.unit.code,
            "criterion": "cqs_dvctt",
            "input": name,
            "value": value,
            "measured_at": "30/06/2025 17:00",
        }
        for position, campaign_unit in enumerate(sorted(offering, key=lambda e: e.unit.code))
        for name, value in (("online", 450 + 41 * position), ("total", 1000 + 15 * position))
    ]
    upload = read_upload(json.dumps({"values": items}).encode(), "so-lieu-mau.json")
    batch = system_values_import(
        campaign=campaign,
        rows=upload.rows,
        source="Cổng dịch vụ công tỉnh",
        file_name="so-lieu-mau.json",
        file_format=upload.format,
        actor_name="Nhập mẫu",
    )
    say(f"  {campaign}: {batch.count} số liệu từ cổng dịch vụ công")


def _fill(campaign: Campaign, province: Province, say: Say) -> None:
    """Units at every stage: approved, submitted, half-done, not started."""
    campaign_units = list(
        CampaignUnit.objects.filter(campaign=campaign).select_related("unit").order_by("unit__name")
    )
    by_code = {campaign_unit.unit.code: campaign_unit for campaign_unit in campaign_units}
    half_done = [by_code["so-noi-vu"]]  # Lan's unit: she can go on and submit it
    not_started = [by_code["so-tu-phap"]]  # Thảo's unit
    others = [e for e in campaign_units if e not in half_done + not_started]
    stages = {"approved": others[:6], "submitted": others[6:9], "draft": half_done + others[9:12]}
    for stage, group in stages.items():
        for position, campaign_unit in enumerate(group):
            reporter, approver = _unit_people(province, campaign_unit.unit)
            _answer(campaign_unit, reporter, position, complete=stage != "draft")
            if stage != "draft":
                submission_submit(campaign_unit=campaign_unit, actor=reporter)
            if stage == "approved":
                submission_approve(campaign_unit=campaign_unit, actor=approver)
        label = {"approved": "đã phê duyệt", "submitted": "đã gửi", "draft": "đang nhập"}[stage]
        say(f"  {campaign}: {len(group)} đơn vị {label}")


def _approved(province: Province, campaign_unit: CampaignUnit, position: int) -> None:
    """A unit that has answered everything, submitted, and had it approved."""
    reporter, approver = _unit_people(province, campaign_unit.unit)
    _answer(campaign_unit, reporter, position, complete=True)
    submission_submit(campaign_unit=campaign_unit, actor=reporter)
    submission_approve(campaign_unit=campaign_unit, actor=approver)


def _unit_people(province: Province, unit: Unit) -> tuple[User, User]:
    """The unit's reporter and approver (the demo cast where it has them)."""
    found = {
        m.role: m.user
        for m in Membership.objects.filter(province=province, unit=unit).select_related("user")
    }
    reporter = found.get(Role.REPORTER) or _demo_account(province, unit, Role.REPORTER, "bc")
    approver = found.get(Role.APPROVER) or _demo_account(province, unit, Role.APPROVER, "ld")
    return reporter, approver


def _demo_account(province: Province, unit: Unit, role: Role, prefix: str) -> User:
    username = f"{prefix}-{unit.code}"
    if User.objects.filter(username=username).exists():  # the same agency in another province
        username = f"{prefix}-{province.code}-{unit.code}"
    user = _person(username[:150], f"{Role(role).label} — {unit.name}")
    Membership.objects.create(user=user, province=province, role=role, unit=unit)
    return user


def _answer(campaign_unit: CampaignUnit, reporter: User, position: int, *, complete: bool) -> None:
    values: dict[str, Any] = {
        "nts_ke_hoach": True,
        "nts_tuyen_truyen": str(8 + 3 * position),
        "tcs_quy_che": ("day_du", "mot_phan")[position % 2],
        "cqs_ky_so": str(Decimal("72.5") + 4 * position),
        "cqs_so_hoa": str(60 + 7 * position),
        "xhs_danh_gia": str(Decimal("18.5") + position),  # self-scored; the appraisers re-score it
    }
    if not complete:
        values = dict(list(values.items())[:3])
    posted = {
        code: PostedAnswer(value=value, note="", version=0, loaded=loaded_mark(None, ""))
        for code, value in values.items()
    }
    answers_save(campaign_unit=campaign_unit, actor=reporter, answers=posted)
    plan = SimpleUploadedFile("ke-hoach-chuyen-doi-so-2025.pdf", PLAN_PDF, "application/pdf")
    evidence_add_file(
        campaign_unit=campaign_unit, actor=reporter, criterion="nts_ke_hoach", upload=plan
    )
    if complete:
        evidence_add_link(
            campaign_unit=campaign_unit,
            actor=reporter,
            criterion="cqs_ky_so",
            url="https://vanban.binhdinh.gov.vn/thong-ke-ky-so-2025",
            name="Thống kê ký số 2025",
        )
