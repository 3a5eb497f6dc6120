"""Publishing a campaign's results, approving or refusing a request to publish, and
correcting a unit's published result before a new version.

The office publishes; where the province asks for it (PublicationSettings), its request
waits for leadership, who approves exactly what was requested: approval is refused when
the results changed since. Each version is written once; publishing one supersedes the
version before it. Every step is in the audit trail and the campaign's history."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal.accounts.models import User
from portal.accounts.permissions import roles_in
from portal.appraisals.checks import campaign_blockers
from portal.audit.services import audit_record
from portal.campaigns.models import Campaign
from portal.campaigns.services import locked_campaign, record
from portal.form_text import control_character_message
from portal.notifications.events import campaign_transition
from portal.notifications.models import Kind
from portal.notifications.selectors import people_of_province
from portal.notifications.services import Message, notify_many
from portal.publication.models import PublicationSettings, Version, VersionLevel, VersionRow
from portal.publication.snapshot import (
    Content,
    campaign_content,
    has_results,
    previous_figures,
    search_name,
)
from portal.roles import Role
from portal.workflow import CampaignState


def settings_of(campaign: Campaign) -> PublicationSettings:
    found = PublicationSettings.objects.filter(province_id=campaign.province_id).first()
    return found or PublicationSettings(province_id=campaign.province_id)


def office_only(user: User, campaign: Campaign) -> None:
    if Role.OFFICE_ADMIN not in roles_in(user, campaign.province_id):
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì được công bố kết quả."))


MAX_NOTE = 1000  # characters of a change note or a reason, kept in the audit trail


def note_checked(text: str, what: str) -> str:
    text = text.strip()
    problem = control_character_message(text)
    if problem is None and len(text) > MAX_NOTE:
        problem = gettext("dài quá: tối đa %(max)s ký tự.") % {"max": MAX_NOTE}
    if problem:
        raise ValidationError(f"{what}: {problem}")
    return text


def current_version(campaign: Campaign) -> Version | None:
    return Version.objects.filter(
        campaign=campaign, published_at__isnull=False, superseded_at__isnull=True
    ).first()


def pending_version(campaign: Campaign) -> Version | None:
    return Version.objects.filter(
        campaign=campaign, published_at__isnull=True, refused_at__isnull=True
    ).first()


def publication_problems(campaign: Campaign) -> list[str]:
    """Why the campaign's results cannot be published now (empty when they can)."""
    if campaign.state not in (CampaignState.FINALIZED, CampaignState.PUBLISHED):
        return [gettext("Kết quả chưa được chốt: chỉ công bố kết quả đã chốt.")]
    if campaign.state == CampaignState.FINALIZED and not campaign.historic:
        blockers = campaign_blockers(campaign, "publish", timezone.now())
        if blockers:
            return [blocker.text for blocker in blockers]
    if not has_results(campaign):
        return [gettext("Đợt chưa có kết quả của đơn vị nào.")]
    if pending_version(campaign) is not None:
        return [gettext("Đã có một yêu cầu công bố đang chờ lãnh đạo phê duyệt.")]
    return []


def fresh_content(campaign: Campaign) -> Content:
    return campaign_content(campaign, previous_figures(campaign))


@transaction.atomic
def publication_request(*, campaign: Campaign, user: User, change_note: str = "") -> Version:
    """The office publishes the campaign's results as they are now: at once, or as a request
    for leadership's approval where the province asks for it. A correction (a version
    already published) says why."""
    office_only(user, campaign)
    campaign = locked_campaign(campaign)
    problems = publication_problems(campaign)
    if problems:
        raise ValidationError(problems)
    current = current_version(campaign)
    change_note = note_checked(change_note, gettext("Lý do đính chính"))
    if current is not None and not change_note:
        raise ValidationError(
            gettext("Kết quả đã công bố: hãy ghi lý do đính chính để người xem biết vì sao.")
        )
    content = fresh_content(campaign)
    if current is not None and current.digest == content.digest:
        raise ValidationError(
            gettext("Kết quả không khác phiên bản đang công bố: không có gì để đính chính.")
        )
    version = _store(campaign, content, user, change_note)
    record(campaign, "publication_request", user, f"phiên bản {version.number}")
    audit_record(
        actor=user,
        entity="publication",
        action="request",
        new=version.digest,
        reason=change_note,
        campaign=campaign,
        entity_id=version.pk,
    )
    if settings_of(campaign).approval_required:
        _ask_leadership(version, user)
        return version
    return _publish(version, user, approver=None)


def _store(campaign: Campaign, content: Content, user: User, change_note: str) -> Version:
    last = Version.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0
    version = Version.objects.create(
        campaign=campaign,
        number=last + 1,
        change_note=change_note,
        digest=content.digest,
        requested_by=user,
        requested_at=timezone.now(),
        context=content.context,
    )
    VersionLevel.objects.bulk_create(
        VersionLevel(
            version=version,
            position=position,
            level=level.level,
            name=level.name,
            framework_code=level.framework_code,
            framework_name=level.framework_name,
            framework=level.framework,
            findings=level.findings,
            source=level.source,
            units=len(level.rows),
            remarks=level.remarks,
        )
        for position, level in enumerate(content.levels)
    )
    VersionRow.objects.bulk_create(
        (
            VersionRow(
                version=version,
                level=level.level,
                unit_id=row["unit_id"],
                unit_code=row["unit_code"],
                unit_name=row["unit_name"],
                search_name=search_name(row["unit_name"]),
                position=row["position"],
                rank=row["rank"],
                total=Decimal(row["total"]),
                applicable_max=Decimal(row["applicable_max"]),
                value=Decimal(row["value"]),
                percent=row["percent"],
                class_label=row["class_label"],
                indices=row["indices"],
                groups=row["groups"],
                attributes=row["attributes"],
                previous=row["previous"],
            )
            for level in content.levels
            for row in level.rows
        ),
        batch_size=500,
    )
    return version


def _ask_leadership(version: Version, user: User) -> None:
    campaign = version.campaign
    leaders = people_of_province(campaign.province_id, [Role.LEADERSHIP])
    message = Message(
        leaders,
        gettext("Đề nghị công bố kết quả: %(campaign)s") % {"campaign": campaign.title},
        gettext("Sở chủ trì đề nghị công bố kết quả (phiên bản %(number)s).")
        % {"number": version.number},
        reverse("publication:manage", args=[campaign.pk]),
        f"publication_request:{version.pk}",
    )
    notify_many(messages=[message], kind=Kind.PUBLICATION_REQUESTED, campaign=campaign, actor=user)


@transaction.atomic
def publication_approve(*, version: Version, user: User) -> Version:
    """Leadership publishes the version the office requested, unchanged; refused when the
    campaign's results changed since the request."""
    campaign = locked_campaign(version.campaign)
    if Role.LEADERSHIP not in roles_in(user, campaign.province_id):
        raise PermissionDenied(gettext("Chỉ lãnh đạo tỉnh phê duyệt việc công bố."))
    version = Version.objects.select_for_update().get(pk=version.pk)
    if not version.is_pending:
        raise ValidationError(gettext("Yêu cầu này đã được xử lý."))
    if fresh_content(campaign).digest != version.digest:
        raise ValidationError(
            gettext(
                "Kết quả đã thay đổi sau khi Sở chủ trì gửi đề nghị: hãy từ chối để Sở gửi "
                "lại đề nghị với kết quả mới."
            )
        )
    audit_record(
        actor=user,
        entity="publication",
        action="approve",
        new=version.digest,
        campaign=campaign,
        entity_id=version.pk,
    )
    record(campaign, "publication_approve", user, f"phiên bản {version.number}")
    return _publish(version, user, approver=user)


@transaction.atomic
def publication_refuse(*, version: Version, user: User, note: str) -> None:
    """Leadership sends the request back with a reason; nothing is published."""
    campaign = locked_campaign(version.campaign)
    if Role.LEADERSHIP not in roles_in(user, campaign.province_id):
        raise PermissionDenied(gettext("Chỉ lãnh đạo tỉnh phê duyệt việc công bố."))
    note = note_checked(note, gettext("Lý do"))
    if not note:
        raise ValidationError(gettext("Hãy ghi lý do để Sở chủ trì biết cần sửa gì."))
    version = Version.objects.select_for_update().get(pk=version.pk)
    if not version.is_pending:
        raise ValidationError(gettext("Yêu cầu này đã được xử lý."))
    Version.objects.filter(pk=version.pk).update(refused_at=timezone.now(), refusal_note=note)
    audit_record(
        actor=user,
        entity="publication",
        action="refuse",
        old=version.digest,
        reason=note,
        campaign=campaign,
        entity_id=version.pk,
    )
    record(campaign, "publication_refuse", user, note)
    message = Message(
        [version.requested_by],
        gettext("Chưa phê duyệt công bố: %(campaign)s") % {"campaign": campaign.title},
        note,
        reverse("publication:manage", args=[campaign.pk]),
        f"publication_refused:{version.pk}",
    )
    notify_many(messages=[message], kind=Kind.PUBLICATION_REQUESTED, campaign=campaign, actor=user)


def _publish(version: Version, user: User, *, approver: User | None) -> Version:
    """`approver`: the leader who approved it, None where the province asks for no approval."""
    campaign = version.campaign
    now = timezone.now()
    Version.objects.filter(
        campaign=campaign, published_at__isnull=False, superseded_at__isnull=True
    ).update(superseded_at=now)
    Version.objects.filter(pk=version.pk).update(published_at=now, approved_by=approver)
    version.refresh_from_db()
    audit_record(
        actor=user,
        entity="publication",
        action="publish",
        new=version.digest,
        reason=version.change_note,
        campaign=campaign,
        entity_id=version.pk,
    )
    if campaign.state != CampaignState.PUBLISHED:
        if campaign.historic:
            _historic_published(campaign, user)
        else:
            campaign_transition(campaign=campaign, action="publish", user=version.requested_by)
    else:
        record(campaign, "publication_correct", user, version.change_note)
    return version


def _historic_published(campaign: Campaign, user: User) -> None:
    """A past year's imported results have no workflow to move through: publishing them
    marks them published."""
    before = campaign.state
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.PUBLISHED)
    record(campaign, "publish", user, "")
    audit_record(
        actor=user,
        entity="campaign",
        action="publish",
        old=before,
        new=CampaignState.PUBLISHED,
        campaign=campaign,
        entity_id=campaign.pk,
    )


@transaction.atomic
def settings_save(
    *,
    campaign: Campaign,
    user: User,
    approval_required: bool,
    license_name: str,
    license_url: str,
    citation: str,
) -> PublicationSettings:
    office_only(user, campaign)
    stored, _ = PublicationSettings.objects.select_for_update().get_or_create(
        province_id=campaign.province_id
    )
    before = {
        "approval_required": stored.approval_required,
        "license_name": stored.license_name,
        "license_url": stored.license_url,
        "citation": stored.citation,
    }
    after = {
        "approval_required": approval_required,
        "license_name": license_name.strip(),
        "license_url": license_url.strip(),
        "citation": citation.strip(),
    }
    for name, value in after.items():
        setattr(stored, name, value)
    stored.full_clean()
    stored.save()
    audit_record(
        actor=user,
        entity="publication_settings",
        action="update",
        old=before,
        new=after,
        province=campaign.province,
        entity_id=stored.pk,
    )
    return stored
