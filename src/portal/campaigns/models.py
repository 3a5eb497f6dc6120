"""Campaigns: one province's assessment for one year, its frameworks per level, the units in
scope, deadlines and extensions, and the results of past years imported from published
tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy

from dti.reports.texts import DEFAULT_DETAIL_DEPTH, MAX_DETAIL_DEPTH, MAX_ROBUSTNESS
from portal.accounts.models import Province
from portal.campaigns.findings import Finding, shown_findings
from portal.frameworks.models import FrameworkVersion
from portal.units.models import Unit
from portal.workflow import (
    ACTION_LABELS,
    CAMPAIGN_STATE_LABELS,
    ROUND_STATE_LABELS,
    CampaignState,
    RoundState,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Campaign(models.Model):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="campaigns")
    year = models.PositiveSmallIntegerField(gettext_lazy("năm"))
    title = models.CharField(gettext_lazy("tên đợt"), max_length=300)
    state = models.CharField(
        gettext_lazy("trạng thái"),
        max_length=32,
        default=CampaignState.DRAFT,
        choices=[(s.value, CAMPAIGN_STATE_LABELS[s]) for s in CampaignState],
    )
    self_assessment_deadline = models.DateTimeField(
        gettext_lazy("hạn tự đánh giá"), null=True, blank=True
    )
    historic = models.BooleanField(
        gettext_lazy("kết quả năm cũ (nhập từ bảng đã công bố)"), default=False
    )
    source = models.CharField(gettext_lazy("văn bản"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("đợt đánh giá")
        verbose_name_plural = gettext_lazy("đợt đánh giá")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "title"], name="campaign_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class CampaignLevel(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(gettext_lazy("khối"), max_length=32)
    name = models.CharField(gettext_lazy("tên khối"), max_length=200)
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="campaign_levels"
    )
    # What dti.audit found in the published table a historic level was imported from. Kept,
    # because the table itself is not: the page shows them as "Sai lệch trong bảng đã công bố".
    published_findings = models.JSONField(
        gettext_lazy("sai lệch trong bảng đã công bố"), default=list, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "level"], name="campaign_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.name}"

    @property
    def findings_shown(self) -> list[Finding]:
        """The published report's findings as the campaign's page shows them."""
        return shown_findings(self.published_findings)


class AppraisalRound(models.Model):
    """An appraisal round: its deadlines (the team's scoring, then the units' supplements)
    and its state in the round machine of portal.workflow. The last round of a campaign is
    `final`: it is agreed by the team instead of returned, and finalization follows it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(gettext_lazy("vòng"))
    appraisal_due = models.DateTimeField(gettext_lazy("hạn thẩm định"))
    supplement_due = models.DateTimeField(gettext_lazy("hạn bổ sung"), null=True, blank=True)
    state = models.CharField(
        gettext_lazy("trạng thái"),
        max_length=20,
        default=RoundState.PLANNED,
        choices=[(s.value, ROUND_STATE_LABELS[s]) for s in RoundState],
    )
    final = models.BooleanField(gettext_lazy("vòng cuối"), default=False)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="round_unique")]

    def __str__(self) -> str:
        return f"{self.campaign}: vòng {self.number}"


class CampaignUnit(models.Model):
    """A unit in a campaign's scope, with its level there and any deadline extension."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaign_units")
    level = models.CharField(gettext_lazy("khối"), max_length=32)
    previous_class = models.CharField(gettext_lazy("xếp loại năm trước"), max_length=40, blank=True)
    extension_until = models.DateTimeField(gettext_lazy("gia hạn đến"), null=True, blank=True)

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
    rank = models.PositiveIntegerField(gettext_lazy("xếp hạng"), null=True)
    total = models.DecimalField(gettext_lazy("tổng điểm"), max_digits=10, decimal_places=4)
    applicable_max = models.DecimalField(
        gettext_lazy("điểm tối đa áp dụng"), max_digits=10, decimal_places=4
    )
    value = models.DecimalField(gettext_lazy("giá trị xếp hạng"), max_digits=10, decimal_places=4)
    percent = models.BooleanField(gettext_lazy("giá trị là tỷ lệ phần trăm"), default=True)
    class_label = models.CharField(gettext_lazy("xếp loại"), max_length=40, blank=True)
    index_scores = models.JSONField(gettext_lazy("điểm chỉ số chính"), default=dict)
    source_table = models.CharField(gettext_lazy("bảng nguồn"), max_length=200)

    def __str__(self) -> str:
        return f"{self.campaign_unit}: {self.total}"


EVENT_LABELS = {
    "create": gettext_lazy("Tạo đợt đánh giá"),
    "update": gettext_lazy("Sửa thông tin đợt"),
    "level_add": gettext_lazy("Thêm khối"),
    "units_add": gettext_lazy("Thêm đơn vị"),
    "unit_remove": gettext_lazy("Bỏ đơn vị"),
    "round_set": gettext_lazy("Đặt hạn thẩm định"),
    "extend": gettext_lazy("Gia hạn"),
    "remind": gettext_lazy("Nhắc đơn vị gửi bản tự đánh giá"),
    "historic_import": gettext_lazy("Nhập kết quả đã công bố"),
    "report_texts": gettext_lazy("Lưu văn bản báo cáo"),
    "report_template": gettext_lazy("Tải lên mẫu báo cáo"),
    "report_template_remove": gettext_lazy("Bỏ mẫu báo cáo"),
    "signed_report": gettext_lazy("Tải lên báo cáo đã ký số"),
    **ACTION_LABELS,  # the workflow's moves
}


class CampaignEvent(models.Model):
    """Who changed the campaign, when, and what: every write of the campaigns app records one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.label} ({self.actor})"

    @property
    def label(self) -> _StrOrPromise:
        return EVENT_LABELS.get(self.action, self.action)


class CampaignReportTexts(models.Model):
    """The office's words for a campaign's official report (dti.reports.texts.ReportTexts),
    and its own DOCX template. Lists are kept one paragraph per line; an empty field means
    the core's default."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="report_texts")
    parent_body = models.CharField(gettext_lazy("cơ quan chủ quản"), max_length=300, blank=True)
    issuing_body = models.CharField(gettext_lazy("cơ quan ban hành"), max_length=300, blank=True)
    number = models.CharField(gettext_lazy("số văn bản"), max_length=100, blank=True)
    place_date = models.CharField(gettext_lazy("địa danh, ngày tháng"), max_length=200, blank=True)
    title = models.CharField(gettext_lazy("tên báo cáo"), max_length=300, blank=True)
    legal_bases = models.TextField(gettext_lazy("căn cứ"), blank=True)
    purpose = models.TextField(gettext_lazy("mục đích"), blank=True)
    method = models.TextField(gettext_lazy("phương pháp (đoạn thêm)"), blank=True)
    process = models.TextField(gettext_lazy("quá trình thực hiện"), blank=True)
    general_remarks = models.TextField(gettext_lazy("nhận xét chung"), blank=True)
    recommendations = models.TextField(gettext_lazy("kiến nghị, đề xuất"), blank=True)
    recipients = models.TextField(gettext_lazy("nơi nhận"), blank=True)
    # {"level.index": text}: one remark per main index of each level.
    remarks = models.JSONField(gettext_lazy("nhận xét theo chỉ số chính"), default=dict, blank=True)
    signer_title = models.CharField(gettext_lazy("chức danh người ký"), max_length=200, blank=True)
    signer_name = models.CharField(gettext_lazy("người ký"), max_length=200, blank=True)
    # How the report is laid out (dti.reports.texts.ReportTexts): how deep below the main
    # indices it goes, {"level": "none" | "parent" | "group"} for its long lists, and
    # {"level": reason} for the levels not assessed this year.
    detail_depth = models.PositiveSmallIntegerField(
        gettext_lazy("mức chi tiết dưới chỉ số chính"),
        default=DEFAULT_DETAIL_DEPTH,
        validators=[MaxValueValidator(MAX_DETAIL_DEPTH)],
    )
    # The robustness annex: each main index's weight varied by ± this many percent; 0: none.
    robustness = models.PositiveSmallIntegerField(
        gettext_lazy("phụ lục độ tin cậy của thứ hạng"),
        default=0,
        validators=[MaxValueValidator(MAX_ROBUSTNESS)],
    )
    grouping = models.JSONField(gettext_lazy("cách nhóm danh sách"), default=dict, blank=True)
    not_assessed = models.JSONField(
        gettext_lazy("lý do khối chưa được đánh giá"), default=dict, blank=True
    )
    # The office's DOCX template, checked at upload by rendering it once; small (≤ 5 MB), so
    # kept in the database with the texts rather than on a disk the portal may not share.
    template = models.BinaryField(gettext_lazy("mẫu báo cáo (DOCX)"), null=True, blank=True)
    template_name = models.CharField(gettext_lazy("tên tệp mẫu"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.campaign}: văn bản báo cáo"
