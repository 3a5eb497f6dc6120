from django.contrib import admin

from portal.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at", "emailed")
    list_filter = ("kind", "emailed")
    search_fields = ("title", "user__username", "user__full_name", "key")
    raw_id_fields = ("user", "campaign")
    readonly_fields = ("created_at",)
