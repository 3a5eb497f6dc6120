"""People, their roles and provinces in the admin, to read: accounts and roles change
through the portal's pages (docs/portal.md), never here."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from portal.accounts.models import Membership, Province, User
from portal.read_only_admin import ReadOnlyAdmin, ReadOnlyInline, ReadOnlyMixin


class MembershipInline(ReadOnlyInline):
    model = Membership


@admin.register(User)
class PortalUserAdmin(ReadOnlyMixin, UserAdmin):  # type: ignore[type-arg]  # generic in django-stubs only: not subscriptable at run time
    fieldsets = (*(UserAdmin.fieldsets or ()), ("DTI", {"fields": ("full_name",)}))
    inlines = [MembershipInline]
    list_display = ("username", "full_name", "email", "is_active")


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")
    search_fields = ("name",)


# The portal's roles are memberships, not Django groups; the groups Django registers are
# shown read-only like everything else.
admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(ReadOnlyMixin, GroupAdmin):
    pass
