"""Values of system-sourced criteria, imported from the province's shared systems.

A framework marks some leaves `source: system` (dti.framework.model.Source.SYSTEM): the
online public service portal's statistics per procedure, document management and e-mail
usage. The unit does not answer them; the office imports them per unit, from a CSV, XLSX or
JSON file or pushed by another system through the API with a token (ApiToken). Each import
is an ImportBatch; each value keeps where it came from (its source and measuring time). A
new import replaces a unit's value of a criterion; the audit trail keeps every earlier one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.accounts.models import Province
from portal.campaigns.models import Campaign, CampaignUnit

TOKEN_DAYS = 90  # a new token's life unless the office admin chooses another
TOKEN_MAX_DAYS = 366  # at most a year (a leap year's included)


class ApiToken(models.Model):
    """A token another system sends (`Authorization: Bearer …`) to push values. Only its
    SHA-256 is kept: the token is shown once, when it is created. `prefix` (its first
    characters) finds the candidate rows and tells tokens apart on the page."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="api_tokens")
    # None: any campaign of the province; set: that campaign only.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=gettext_lazy("đợt đánh giá"),
    )
    name = models.CharField(gettext_lazy("tên"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(gettext_lazy("thu hồi lúc"), null=True, blank=True)
    # Chosen at creation (TOKEN_DAYS, at most TOKEN_MAX_DAYS): a token left in a system
    # nobody maintains stops working on its own.
    expires_at = models.DateTimeField(gettext_lazy("hết hạn lúc"))
    # Set only by a push that was imported: refused attempts never touch it.
    last_used_at = models.DateTimeField(gettext_lazy("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("mã truy cập API")
        verbose_name_plural = gettext_lazy("mã truy cập API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"
    API = "api", "API"


class ImportBatch(models.Model):
    """One import: who (a person, a token, or the demo loader), when, from which source and
    file, and how many values it wrote. All of its values were written, or none."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="import_batches")
    source = models.CharField(gettext_lazy("nguồn"), max_length=200)
    file_name = models.CharField(gettext_lazy("tên tệp"), max_length=255, blank=True)
    format = models.CharField(
        gettext_lazy("định dạng"), max_length=10, choices=ImportFormat.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    token = models.ForeignKey(
        ApiToken, on_delete=models.PROTECT, null=True, blank=True, related_name="batches"
    )
    # Who, as shown: the person's name, "API: <token name>", or "Nhập mẫu" for the demo.
    actor_name = models.CharField(gettext_lazy("người nhập"), max_length=200)
    at = models.DateTimeField(gettext_lazy("thời điểm"), auto_now_add=True)
    count = models.PositiveIntegerField(gettext_lazy("số giá trị"), default=0)

    class Meta:
        verbose_name = gettext_lazy("lần nhập số liệu")
        verbose_name_plural = gettext_lazy("lần nhập số liệu")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.source} ({self.count})"


class SystemValue(models.Model):
    """The value of one system-sourced criterion of one unit in a campaign.

    `value` has the shape of the unit's answer (assessments.Answer.value) for the criterion's
    rule: true/false (yes/no), an option's key (choice), an exact decimal as text (ratio,
    bands, count, entered), or {input name: decimal text} (formula)."""

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.CASCADE, related_name="system_values"
    )
    criterion = models.CharField(gettext_lazy("tiêu chí"), max_length=64)
    value = models.JSONField(gettext_lazy("giá trị"))
    source = models.CharField(gettext_lazy("nguồn"), max_length=200)
    measured_at = models.DateTimeField(gettext_lazy("thời điểm đo"))
    imported_at = models.DateTimeField(gettext_lazy("thời điểm nhập"))
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="values")

    class Meta:
        verbose_name = gettext_lazy("số liệu từ hệ thống")
        verbose_name_plural = gettext_lazy("số liệu từ hệ thống")
        ordering = ["campaign_unit", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_unit", "criterion"], name="system_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_unit}: {self.criterion}"
