from django.contrib import admin

from portal.frameworks.models import FrameworkVersion
from portal.read_only_admin import ReadOnlyAdmin


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyAdmin):
    """Read the document here; change it through the portal's pages, which run the core's
    checks (the admin would store any JSON)."""

    list_display = ("name", "code", "year", "level", "province", "created_at")
    list_filter = ("province", "year", "level")
    search_fields = ("name", "code")
