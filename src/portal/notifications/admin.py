from django.contrib import admin

from portal.notifications.models import Notification, NotificationSettings
from portal.read_only_admin import ReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at", "emailed")
    list_filter = ("kind", "emailed")
    search_fields = ("title", "user__username", "user__full_name", "key")


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(ReadOnlyAdmin):
    list_display = ("user", "email_frequency", "digest_at")
    list_filter = ("email_frequency",)
    search_fields = ("user__username", "user__full_name")
