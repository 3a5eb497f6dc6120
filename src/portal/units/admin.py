from django.contrib import admin

from portal.units.models import Lineage, Unit


class LineageInline(admin.TabularInline):
    model = Lineage
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "province", "parent", "active_until")
    list_filter = ("province", "level")
    search_fields = ("name", "code")
    autocomplete_fields = ["parent"]
    inlines = [LineageInline]
