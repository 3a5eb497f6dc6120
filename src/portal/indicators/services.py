"""Writing system values (imports from a file or the API, all or nothing, each value in the
audit trail) and the API tokens other systems push them with."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dti.text import control_characters
from portal.accounts.models import Province, User
from portal.accounts.permissions import is_office_admin
from portal.audit.locks import locked_or_refused
from portal.audit.services import Record, audit_record, audit_records
from portal.bulk import insert_rows, update_rows
from portal.campaigns.models import Campaign
from portal.campaigns.selectors import units_as_scored
from portal.indicators.checks import PlannedValue, plan_import
from portal.indicators.models import (
    TOKEN_DAYS,
    TOKEN_MAX_DAYS,
    ApiToken,
    ImportBatch,
    ImportFormat,
    SystemValue,
)
from portal.indicators.rows import ImportRefused, Problem, Row, read_json_body, read_upload
from portal.indicators.selectors import import_block_reason
from portal.moments import moment_text

TOKEN_PREFIX = "dti_"  # noqa: S105  (the visible start of every token, not a secret)
PREFIX_LENGTH = 12  # "dti_" and 8 random characters: shown on the page, used to look up


def _require_office_admin(actor: User, province_id: int) -> None:
    if not is_office_admin(actor, province_id):
        raise PermissionDenied(
            gettext(
                "Chỉ quản trị của Sở chủ trì được nhập số liệu từ hệ thống và quản lý mã truy cập."
            )
        )


# ---- imports -----------------------------------------------------------------------------


def system_values_upload(
    *, campaign: Campaign, actor: User, data: bytes, file_name: str, source: str
) -> ImportBatch:
    """Import an uploaded CSV, XLSX or JSON file; `source` is the default of its rows."""
    _require_office_admin(actor, campaign.province_id)
    _check_campaign(campaign, lock=False)  # before reading the file; locked before writing
    upload = read_upload(data, file_name)
    if upload.campaign is not None and upload.campaign != campaign.pk:
        message = gettext("tệp ghi đợt đánh giá %(other)s, không phải đợt này (%(this)s)")
        problem = {"other": upload.campaign, "this": campaign.pk}
        raise ImportRefused([Problem(message % problem, file_name)])
    return system_values_import(
        campaign=campaign,
        rows=upload.rows,
        source=source.strip() or upload.source,
        file_name=file_name,
        file_format=upload.format,
        actor=actor,
    )


def system_values_push(*, campaign: Campaign, token: ApiToken, data: bytes) -> ImportBatch:
    """Import the API's JSON body, pushed with `token` (already checked to reach `campaign`)."""
    _check_campaign(campaign, lock=False)
    upload = read_json_body(data)
    return system_values_import(
        campaign=campaign,
        rows=upload.rows,
        source=upload.source,
        file_name="",
        file_format=ImportFormat.API,
        token=token,
        actor_name=f"API: {token.name}",
    )


def system_values_import(
    *,
    campaign: Campaign,
    rows: Sequence[Row],
    source: str,
    file_name: str,
    file_format: str,
    actor: User | None = None,
    token: ApiToken | None = None,
    actor_name: str = "",
) -> ImportBatch:
    """Write every row's value, replacing the unit's earlier value of the criterion, and
    record each in the audit trail; or write nothing and raise ImportRefused (every problem,
    by file, row and column) or ValidationError (the campaign takes no values now).

    `actor` is the person importing; None for a push (`token`) or the demo loader, then
    `actor_name` says who it was ("API: <token name>", "Nhập mẫu"). A push counts as a use
    of its token only once its values are written, in their transaction.

    The rows are checked and the values built before the transaction, which on SQLite holds
    the database's one write lock from its first statement (a file of 20,000 values took
    seconds to check, while every sign-in and save waited): under the lock the campaign is
    checked again, and the rows are planned again if its units changed meanwhile
    (docs/decisions.md, 17)."""
    scope = _scope(campaign)
    planned = plan_import(campaign, rows, source)
    values = _built(planned)
    with transaction.atomic():
        campaign = _check_campaign(campaign)
        if _scope(campaign) != scope:  # a unit added, removed or changed meanwhile
            planned = plan_import(campaign, rows, source)
            values = _built(planned)
        batch = ImportBatch(
            campaign=campaign,
            source=(source.strip() or _sources(planned))[:200],
            file_name=file_name[-255:],
            format=file_format,
            created_by=actor,
            token=token,
            actor_name=(str(actor) if actor else actor_name)[:200],
            count=len(planned),
        )
        batch.full_clean()
        batch.save()
        current = {
            (value.campaign_unit_id, value.criterion): value
            for value in SystemValue.objects.select_for_update().filter(
                campaign_unit__campaign=campaign, criterion__in={p.leaf.code for p in planned}
            )
        }
        _write(planned, values, batch, current, actor)
        if token is not None:
            # Only now, with the values written: a refused push, a wrong campaign or a
            # closed one never counts as a use of the token.
            token.last_used_at = batch.at
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return batch


def _scope(campaign: Campaign) -> tuple[tuple[object, ...], ...]:
    """What planning an import reads of the campaign that can change while it is checked:
    its levels' frameworks, and each unit in it with its code, name and attributes (which
    criteria apply)."""
    levels = campaign.levels.order_by("level").values_list("level", "framework_id")
    return (*levels, *units_as_scored(campaign))


def _check_campaign(campaign: Campaign, *, lock: bool = True) -> Campaign:
    """The campaign as stored now, if it takes system values now; else a ValidationError
    saying why. Locked (so a finalization waits for the import, or the import sees the
    finalized state) before writing; unlocked, to refuse before a file is even read."""
    campaigns = Campaign.objects.select_for_update() if lock else Campaign.objects
    stored = campaigns.get(pk=campaign.pk)
    reason = import_block_reason(stored)
    if reason:
        raise ValidationError(reason)
    return stored


def _sources(planned: Sequence[PlannedValue]) -> str:
    return "; ".join(dict.fromkeys(plan.source for plan in planned))


def _built(planned: Sequence[PlannedValue]) -> list[SystemValue]:
    """Each planned value as its row, checked by its fields (its unit and batch are set as
    they are written: the one row per unit × criterion is the unit's held one, if any)."""
    values = []
    for plan in planned:
        value = SystemValue(
            campaign_unit=plan.campaign_unit,
            criterion=plan.leaf.code,
            value=plan.value,
            source=plan.source,
            measured_at=plan.measured_at,
            imported_at=timezone.now(),  # the batch's moment, set when it is written
        )
        value.full_clean(exclude=["campaign_unit", "batch"], validate_unique=False)
        values.append(value)
    return values


def _write(
    planned: Sequence[PlannedValue],
    values: Sequence[SystemValue],
    batch: ImportBatch,
    current: dict[tuple[int, str], SystemValue],
    actor: User | None,
) -> None:
    """Every value written in bulk (new rows inserted, held rows updated: a few statements
    whatever the rows, portal.bulk), then one audit entry each, appended together."""
    written: list[tuple[PlannedValue, SystemValue, object]] = []
    new: list[SystemValue] = []
    changed: list[SystemValue] = []
    for plan, checked in zip(planned, values, strict=True):
        value = current.get((plan.campaign_unit.pk, plan.leaf.code))
        old = value.value if value is not None else None
        if value is None:
            value = checked
            new.append(value)
        else:  # the held row takes the checked fields
            value.value, value.source = checked.value, checked.source
            value.measured_at = checked.measured_at
            changed.append(value)
        value.imported_at, value.batch = batch.at, batch
        written.append((plan, value, old))
    insert_rows(new)
    update_rows(changed, ["value", "source", "measured_at", "imported_at", "batch"])
    audit_records(
        [
            Record(
                actor=actor,
                actor_name=batch.actor_name,
                entity="system_value",
                action="import",
                old=old,
                new=value.value,
                reason=f"{value.source}, đo lúc {moment_text(plan.measured_at)}",
                campaign=batch.campaign,
                unit=plan.campaign_unit.unit,
                criterion=plan.leaf.code,
                entity_id=value.pk,
            )
            for plan, value, old in written
        ]
    )


# ---- API tokens --------------------------------------------------------------------------


def token_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    province: Province,
    actor: User,
    name: str,
    campaign: Campaign | None = None,
    days: int = TOKEN_DAYS,
) -> tuple[ApiToken, str]:
    """A new token valid for `days` days and its text, which is shown once and never stored
    (only its SHA-256). The audit trail records the token's name, its first characters and
    expiry, never the token."""
    _require_office_admin(actor, province.pk)
    if campaign is not None and campaign.province_id != province.pk:
        raise ValidationError(gettext("Đợt đánh giá không thuộc tỉnh này."))
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            gettext("Thời hạn của mã phải từ 1 đến %(most)s ngày (đã nhập %(days)s).")
            % {"most": TOKEN_MAX_DAYS, "days": days}
        )
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        province=province,
        campaign=campaign,
        name=name.strip(),
        token_hash=token_digest(text),
        prefix=text[:PREFIX_LENGTH],
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        entity="api_token",
        action="create",
        new=_described(token),
        province=province,
        campaign=campaign,
        entity_id=token.pk,
    )
    return token, text


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke the token, read again under a lock: revoked already, nothing is written."""
    _require_office_admin(actor, token.province_id)
    token = locked_or_refused(token, gettext("Mã này không còn nữa."))
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            entity="api_token",
            action="revoke",
            old=_described(token),
            new={"revoked_at": token.revoked_at},
            province=token.province,
            campaign=token.campaign,
            entity_id=token.pk,
        )
    return token


def _described(token: ApiToken) -> dict[str, object]:
    """What the audit trail keeps of a token: never the token, nor its hash."""
    return {"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at}


def api_token_find(*, text: str) -> ApiToken | None:
    """The unrevoked token whose text this is, expired or not (the caller refuses an
    expired one, saying so); None for a wrong or revoked one. The hashes are compared in
    constant time. Nothing is written: a use is recorded only by a push that succeeded."""
    if not text.startswith(TOKEN_PREFIX) or len(text) > 200 or control_characters(text):
        return None  # no token holds a control character (PostgreSQL would refuse a NUL)
    digest = token_digest(text)
    candidates = ApiToken.objects.filter(prefix=text[:PREFIX_LENGTH], revoked_at__isnull=True)
    for token in candidates.select_related("province", "campaign"):
        if hmac.compare_digest(token.token_hash, digest):
            return token
    return None
