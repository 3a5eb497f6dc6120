"""Campaigns in the admin, to read: their states move only through the workflow's services
(which check who may, and log it), extensions and stored results only through the office's
pages (docs/portal.md)."""

from django.contrib import admin

from portal.campaigns.models import (
    AppraisalRound,
    Campaign,
    CampaignEvent,
    CampaignLevel,
    CampaignUnit,
    HistoricResult,
)
from portal.read_only_admin import ReadOnlyAdmin, ReadOnlyInline


class CampaignLevelInline(ReadOnlyInline):
    model = CampaignLevel
    exclude = ["published_findings"]


class AppraisalRoundInline(ReadOnlyInline):
    model = AppraisalRound


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("title", "year", "province", "state", "historic")
    list_filter = ("province", "year", "state", "historic")
    search_fields = ("title",)
    inlines = [CampaignLevelInline, AppraisalRoundInline]


@admin.register(CampaignUnit)
class CampaignUnitAdmin(ReadOnlyAdmin):
    list_display = ("unit", "campaign", "level", "extension_until", "previous_class")
    list_filter = ("campaign__province", "campaign", "level")
    search_fields = ("unit__name",)


@admin.register(HistoricResult)
class HistoricResultAdmin(ReadOnlyAdmin):
    list_display = ("campaign_unit", "rank", "total", "value", "class_label", "source_table")
    list_filter = ("campaign_unit__campaign",)


@admin.register(CampaignEvent)
class CampaignEventAdmin(ReadOnlyAdmin):
    """The log is evidence of who did what."""

    list_display = ("at", "campaign", "action", "actor", "note")
    list_filter = ("campaign", "action")
