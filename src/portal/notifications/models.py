"""Notifications: shown in the portal (the bell in the header, the inbox page) and sent by
e-mail through Django's backend (console by default, SMTP by settings), each at once, in a
daily digest or not at all, as the person chose (NotificationSettings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class Kind(models.TextChoices):
    """Every kind of notification and its label: the one table the inbox's filter, the
    settings page and docs/portal-notifications.md read."""

    SUBMITTED = "submitted", gettext_lazy("Bản tự đánh giá chờ phê duyệt")
    APPROVED = "approved", gettext_lazy("Bản tự đánh giá đã được phê duyệt")
    RETURNED = "returned", gettext_lazy("Bản tự đánh giá bị trả lại để sửa")
    REOPENED = "reopened", gettext_lazy("Bản tự đánh giá được mở lại")
    SELF_ASSESSMENT_OPENED = "self_assessment_opened", gettext_lazy("Mở tự đánh giá")
    SELF_ASSESSMENT_CLOSED = "self_assessment_closed", gettext_lazy("Đóng tự đánh giá")
    DEADLINE_CHANGED = "deadline_changed", gettext_lazy("Đổi hạn")
    DEADLINE_EXTENDED = "deadline_extended", gettext_lazy("Gia hạn")
    ROUND_OPENED = "round_opened", gettext_lazy("Bắt đầu vòng thẩm định")
    RESULTS_RETURNED = "results_returned", gettext_lazy("Kết quả thẩm định trả về đơn vị")
    SUPPLEMENT_REQUESTED = "supplement_requested", gettext_lazy("Yêu cầu bổ sung")
    SUPPLEMENT_RECEIVED = "supplement_received", gettext_lazy("Đơn vị giải trình, bổ sung")
    ROUND_CLOSED = "round_closed", gettext_lazy("Kết thúc vòng thẩm định")
    FINAL_ROUND_AGREED = "final_round_agreed", gettext_lazy("Thống nhất điểm vòng cuối")
    ROUND_REOPENED = "round_reopened", gettext_lazy("Vòng cuối được mở lại")
    FINALIZED = "campaign_finalized", gettext_lazy("Chốt kết quả")
    PUBLISHED = "published", gettext_lazy("Công bố kết quả")
    DEADLINE_SELF_ASSESSMENT = "deadline_self_assessment", gettext_lazy("Nhắc hạn tự đánh giá")
    DEADLINE_APPRAISAL = "deadline_appraisal", gettext_lazy("Nhắc hạn thẩm định")
    DEADLINE_SUPPLEMENT = "deadline_supplement", gettext_lazy("Nhắc hạn bổ sung")
    PUBLICATION_REQUESTED = "publication_requested", gettext_lazy("Phê duyệt công bố kết quả")


def kind_label(kind: str) -> str:
    """The label of a kind; a kind missing from the table is shown as a plain notification."""
    if kind in Kind.values:
        return str(Kind(kind).label)
    return str(gettext_lazy("Thông báo"))


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)  # a value of Kind
    title = models.CharField(gettext_lazy("tiêu đề"), max_length=300)
    body = models.TextField(gettext_lazy("nội dung"), blank=True)
    url = models.CharField(max_length=500, blank=True)  # a path in the portal
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # An event that a retry could announce twice (a reminder, a round opened) carries a key
    # (e.g. "deadline:self:<campaign unit>:<deadline>"): sent once per user and key.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Sent by e-mail, alone or in a daily digest.
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

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


class EmailFrequency(models.TextChoices):
    EACH = "each", gettext_lazy("Mỗi thông báo một e-mail, ngay khi có")
    DAILY = "daily", gettext_lazy("Một e-mail tổng hợp mỗi ngày")
    OFF = "off", gettext_lazy("Không gửi e-mail, chỉ xem trên cổng")


class NotificationSettings(models.Model):
    """A person's choice of e-mail; without a row, each notification is e-mailed at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    email_frequency = models.CharField(
        gettext_lazy("nhận e-mail"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.EACH,
    )
    # When the last daily digest was made (sent, or found empty): one a day.
    digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("cài đặt thông báo")
        verbose_name_plural = gettext_lazy("cài đặt thông báo")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_frequency_display()}"
