"""Read-only admin views: values change only through imports (and their audit trail),
tokens only through the office's page (which alone ever sees a token's text)."""

from django.contrib import admin

from portal.indicators.models import ApiToken, ImportBatch, SystemValue
from portal.read_only_admin import ReadOnlyAdmin


@admin.register(SystemValue)
class SystemValueAdmin(ReadOnlyAdmin):
    list_display = ("campaign_unit", "criterion", "value", "source", "measured_at", "imported_at")
    list_filter = ("campaign_unit__campaign",)
    search_fields = ("criterion", "campaign_unit__unit__name")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "at", "actor_name", "source", "format", "file_name", "count")
    list_filter = ("campaign", "format")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "name", "prefix", "province", "campaign", "created_at", "expires_at", "revoked_at",
    )  # fmt: skip
    list_filter = ("province",)
    exclude = ("token_hash",)
