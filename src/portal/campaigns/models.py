"""Campaigns: one province's assessment for one year, its frameworks per level, the units in
scope, deadlines and extensions, and the results of past years imported from published
tables."""

from __future__ import annotations

from django.db import models

from portal.accounts.models import Province
from portal.frameworks.models import FrameworkVersion
from portal.units.models import Unit
from portal.workflow import STATE_LABELS, CampaignState


class Campaign(models.Model):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="campaigns")
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên đợt", max_length=300)
    state = models.CharField(
        "trạng thái", max_length=32, default=CampaignState.DRAFT,
        choices=[(s.value, STATE_LABELS[s]) for s in CampaignState],
    )  # fmt: skip
    self_assessment_deadline = models.DateTimeField("hạn tự đánh giá", null=True, blank=True)
    historic = models.BooleanField("kết quả năm cũ (nhập từ bảng đã công bố)", default=False)
    source = models.CharField("văn bản", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đợt đánh giá"
        verbose_name_plural = "đợt đánh giá"
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "title"], name="campaign_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class CampaignLevel(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField("khối", max_length=32)
    name = models.CharField("tên khối", max_length=200)
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="campaign_levels"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "level"], name="campaign_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.name}"


class RoundDeadline(models.Model):
    """Deadlines of an appraisal round: the team's scoring, then the units' supplements."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("vòng")
    appraisal_due = models.DateTimeField("hạn thẩm định")
    supplement_due = models.DateTimeField("hạn bổ sung", null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="round_unique")]


class CampaignUnit(models.Model):
    """A unit in a campaign's scope, with its level there and any deadline extension."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaign_entries")
    level = models.CharField("khối", max_length=32)
    previous_class = models.CharField("xếp loại năm trước", max_length=40, blank=True)
    extension_until = models.DateTimeField("gia hạn đến", null=True, blank=True)

    class Meta:
        ordering = ["level", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.campaign}"


class HistoricResult(models.Model):
    """A unit's published result in a past campaign, as imported from the report's table."""

    campaign_unit = models.OneToOneField(
        CampaignUnit, on_delete=models.CASCADE, related_name="historic_result"
    )
    rank = models.PositiveIntegerField("xếp hạng", null=True)
    total = models.DecimalField("tổng điểm", max_digits=10, decimal_places=4)
    applicable_max = models.DecimalField("điểm tối đa áp dụng", max_digits=10, decimal_places=4)
    value = models.DecimalField("giá trị xếp hạng", max_digits=10, decimal_places=4)
    class_label = models.CharField("xếp loại", max_length=40, blank=True)
    index_scores = models.JSONField("điểm chỉ số chính", default=dict)
    source_table = models.CharField("bảng nguồn", max_length=200)
