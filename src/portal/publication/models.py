"""Published versions of a campaign's results: what the public portal, the open data and
the published report read, and nothing else.

A version is written once, in one transaction, when the office publishes (or when
leadership approves the office's request, where the province asks for approval): every
level's framework and method as they were, and every unit's scores, ratios, classes and
ranks. Rows are never updated; a correction publishes a new version and the old one is
marked superseded (docs/portal-publication.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from portal.accounts.models import Province
from portal.campaigns.models import Campaign
from portal.units.models import Unit

DEFAULT_LICENSE = "CC-BY-4.0"
DEFAULT_LICENSE_TITLE = "Creative Commons Attribution 4.0 International"
DEFAULT_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


class PublicationSettings(models.Model):
    """A province's choices for what it publishes: whether leadership approves first, and
    the license and citation of its open data."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="publication_settings"
    )
    approval_required = models.BooleanField(
        gettext_lazy("lãnh đạo phê duyệt trước khi công bố"), default=False
    )
    license_name = models.CharField(
        gettext_lazy("giấy phép dữ liệu"), max_length=100, default=DEFAULT_LICENSE
    )
    license_url = models.URLField(
        gettext_lazy("địa chỉ giấy phép"), max_length=300, default=DEFAULT_LICENSE_URL
    )
    citation = models.CharField(
        gettext_lazy("cách trích dẫn"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy("Để trống: “<Tỉnh>, Kết quả đánh giá chuyển đổi số năm <năm>”."),
    )

    def __str__(self) -> str:
        return f"{self.province}: công bố"


class Version(models.Model):
    """One published version of a campaign's results (or one awaiting leadership's approval,
    or refused). Public when `published_at` is set; current until `superseded_at` is."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(gettext_lazy("phiên bản"))
    change_note = models.TextField(gettext_lazy("lý do đính chính"), blank=True)
    digest = models.CharField(max_length=64)  # SHA-256 of the version's canonical content
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    # The leader who approved it; None when the province asks for no approval.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    published_at = models.DateTimeField(null=True)
    superseded_at = models.DateTimeField(null=True)
    refused_at = models.DateTimeField(null=True)
    refusal_note = models.TextField(blank=True)
    # The campaign as it was: title, source, dates of the process, the report's texts.
    context = models.JSONField(default=dict)

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: phiên bản {self.number}"

    @property
    def is_public(self) -> bool:
        return self.published_at is not None

    @property
    def is_current(self) -> bool:
        return self.published_at is not None and self.superseded_at is None

    @property
    def is_pending(self) -> bool:
        return self.published_at is None and self.refused_at is None


class _WriteOnce(models.Model):
    """Rows of a version are inserted once (bulk_create) and never changed."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A published version is never changed: publish a new one.")
        super().save(*args, **kwargs)


class VersionLevel(_WriteOnce):
    """A level of a version: its name, its framework's document as it was, the method in
    words, and the findings on the printed table it was imported from (if any)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    framework_code = models.CharField(max_length=100)
    framework_name = models.CharField(max_length=300)
    framework = models.JSONField()  # the framework document the results were computed with
    findings = models.JSONField(default=list)
    source = models.CharField(max_length=300, blank=True)
    units = models.PositiveIntegerField()
    remarks = models.JSONField(default=dict)  # {main index code: the office's remark}

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "level"], name="version_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.name}"


class VersionRow(_WriteOnce):
    """One unit's published result in one level of a version. Decimals are kept as their
    exact text in the JSON fields ("46.457"), never as floats.

    `indices`: {index code: {"score", "max", "rank", "value"}} (value: percent of max).
    `groups`: {group code: {"rank", "value", "total", "max", "class"}}.
    `previous`: last year's published rank and class ({"year", "rank", "value", "class",
    "through": predecessor names}), followed through lineage, or {}."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="rows")
    level = models.CharField(max_length=32)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="published_rows")
    unit_code = models.CharField(max_length=64)
    unit_name = models.CharField(max_length=300)
    search_name = models.CharField(max_length=300, db_index=True)  # dti.names.loose_label
    position = models.PositiveIntegerField()  # order of the general ranking
    rank = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=12, decimal_places=4)
    applicable_max = models.DecimalField(max_digits=12, decimal_places=4)
    value = models.DecimalField(max_digits=12, decimal_places=4)
    percent = models.BooleanField()
    class_label = models.CharField(max_length=40, blank=True)
    indices = models.JSONField(default=dict)
    groups = models.JSONField(default=dict)
    attributes = models.JSONField(default=dict)
    previous = models.JSONField(default=dict)

    class Meta:
        ordering = ["version", "level", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "level", "unit"], name="version_row_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.unit_name}"


class VersionFile(_WriteOnce):
    """A report file made from a version, kept so every download is the same bytes."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="files")
    fmt = models.CharField(max_length=8)
    name = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "fmt"], name="version_file_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.name}"


class SignedReport(models.Model):
    """The signed PDF of a version's report, uploaded by the office once it verified: what
    the public downloads instead of the PDF the portal made. One per version; written once.
    The office replaces it (after confirming) by a new row, the old one removed and kept in
    the audit trail by its hash. `status` is the verification's at upload (SignatureView's
    status: "valid", or what failed), `signed_at` the time the signer's tool stated."""

    version = models.OneToOneField(Version, on_delete=models.CASCADE, related_name="signed_report")
    name = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    signer_name = models.CharField(max_length=300)
    signer_fingerprint = models.CharField(max_length=64)  # SHA-256 of the certificate
    signed_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=20)
    revocation_checked = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.version}: {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A signed report is never changed: upload a new one.")
        super().save(*args, **kwargs)
