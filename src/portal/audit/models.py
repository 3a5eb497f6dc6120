"""The audit trail: every change of a value, a score, a verdict, a state or a deadline, as an
append-only log of who, when, from what, to what and why, hash-chained (dti.ledger) so that a
change made directly in the database is detected by `dti audit-log verify`.

Entries are written only through portal.audit.services.audit_record, inside the transaction
of the change they describe: a refused change leaves no entry, a recorded one cannot be
missing its entry. The references to campaigns, units and people are kept without database
constraints, so deleting a campaign never cascades into the log."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class AppendOnly(Exception):
    """An entry of the audit trail was about to be changed or deleted through the ORM."""


class AuditEntry(models.Model):
    at = models.DateTimeField(gettext_lazy("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    # The name as it was: a person renamed later is still shown as who acted then. Imports
    # pushed through the API name their token here.
    actor_name = models.CharField(gettext_lazy("người thực hiện"), max_length=200)
    province = models.ForeignKey(
        "accounts.Province", on_delete=models.DO_NOTHING, db_constraint=False, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.DO_NOTHING, db_constraint=False, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    criterion = models.CharField(gettext_lazy("tiêu chí"), max_length=64, blank=True)
    # What changed: "answer", "appraisal", "verdict", "response", "submission", "campaign",
    # "round", "deadline", "extension", "system_value"… and its primary key.
    entity = models.CharField(gettext_lazy("đối tượng"), max_length=40)
    entity_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(gettext_lazy("thao tác"), max_length=40)
    old = models.JSONField(gettext_lazy("giá trị cũ"), null=True, blank=True)
    new = models.JSONField(gettext_lazy("giá trị mới"), null=True, blank=True)
    reason = models.TextField(gettext_lazy("lý do"), blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = gettext_lazy("mục nhật ký")
        verbose_name_plural = gettext_lazy("nhật ký thay đổi")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["campaign", "unit", "criterion"], name="audit_where"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entity} {self.action} ({self.actor_name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("Nhật ký chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Nhật ký chỉ được ghi thêm, không được xoá.")

    def content(self) -> dict[str, Any]:
        """What the entry's hash covers (dti.ledger.link_hash), as plain JSON values."""
        return {
            "id": self.pk,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "province": self.province_id,
            "campaign": self.campaign_id,
            "unit": self.unit_id,
            "criterion": self.criterion,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "action": self.action,
            "old": self.old,
            "new": self.new,
            "reason": self.reason,
        }


class AuditHead(models.Model):
    """The chain's last hash and length, one row, locked by every append: appends are
    serialized, and removing entries from the end of the log is detected."""

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)
