from django.contrib import admin

from portal.campaigns.models import (
    AppraisalRound,
    Campaign,
    CampaignEvent,
    CampaignLevel,
    CampaignUnit,
    HistoricResult,
)


class CampaignLevelInline(admin.TabularInline):
    model = CampaignLevel
    extra = 0
    exclude = ["published_findings"]


class AppraisalRoundInline(admin.TabularInline):
    model = AppraisalRound
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "province", "state", "historic")
    list_filter = ("province", "year", "state", "historic")
    search_fields = ("title",)
    inlines = [CampaignLevelInline, AppraisalRoundInline]


@admin.register(CampaignUnit)
class CampaignUnitAdmin(admin.ModelAdmin):
    list_display = ("unit", "campaign", "level", "extension_until", "previous_class")
    list_filter = ("campaign__province", "campaign", "level")
    search_fields = ("unit__name",)


@admin.register(HistoricResult)
class HistoricResultAdmin(admin.ModelAdmin):
    list_display = ("campaign_unit", "rank", "total", "value", "class_label", "source_table")
    list_filter = ("campaign_unit__campaign",)


@admin.register(CampaignEvent)
class CampaignEventAdmin(admin.ModelAdmin):
    """The log is evidence of who did what: read it here, never edit it."""

    list_display = ("at", "campaign", "action", "actor", "note")
    list_filter = ("campaign", "action")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
