from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from portal.accounts.models import Membership, Province, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("DTI", {"fields": ("full_name",)}))
    inlines = [MembershipInline]
    list_display = ("username", "full_name", "email", "is_active")


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("name",)
