"""Notifications: shown in the portal (the bell in the header, the inbox page) and sent by
e-mail through Django's backend (console by default, SMTP by settings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # "results_returned", "supplement_requested", "supplement_received", "finalized", and the
    # reminders "deadline_self_assessment", "deadline_appraisal", "deadline_supplement"
    kind = models.CharField(max_length=40)
    title = models.CharField(gettext_lazy("tiêu đề"), max_length=300)
    body = models.TextField(gettext_lazy("nội dung"), blank=True)
    url = models.CharField(max_length=500, blank=True)  # a path in the portal
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Reminders are sent once per user and key (e.g. "deadline:self:<campaign unit>:<deadline>"):
    # the reminder command can run every hour without repeating itself.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"
