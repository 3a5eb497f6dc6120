"""Units in the admin, to read: the registry changes through the office's pages and its
import, which check codes and lineage and write the audit trail."""

from django.contrib import admin

from portal.read_only_admin import ReadOnlyAdmin, ReadOnlyInline
from portal.units.models import Lineage, Unit


class LineageInline(ReadOnlyInline):
    model = Lineage
    fk_name = "predecessor"


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "level", "province", "parent", "active_until")
    list_filter = ("province", "level")
    search_fields = ("name", "code")
    inlines = [LineageInline]
