"""`manage.py send_reminders [--hours 48] [--dry-run]`: remind people of the deadlines that
fall within the next hours, once per person and deadline; send the daily digests due (once a
day per person, from DTI_DIGEST_HOUR); meant to run every hour
(docs/portal-notifications.md)."""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone, translation

from portal.appraisals.reminders import due_reminders
from portal.notifications import services
from portal.notifications.reminders import APPRAISAL, SELF_ASSESSMENT, SUPPLEMENT

LABELS = {
    SELF_ASSESSMENT: "Nhắc hạn tự đánh giá",
    APPRAISAL: "Nhắc hạn thẩm định",
    SUPPLEMENT: "Nhắc hạn bổ sung",
}


def positive_hours(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ArgumentTypeError(f"số giờ phải là số nguyên dương, không phải {text!r}")
    return int(text)


class Command(BaseCommand):
    help = (
        "Nhắc các hạn sắp đến (tự đánh giá, thẩm định, bổ sung) trong số giờ tới, mỗi người một "
        "lần cho mỗi hạn; gửi lại các e-mail thông báo chưa gửi được; gửi e-mail tổng hợp "
        "hằng ngày cho người chọn cách nhận đó."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=positive_hours,
            default=48,
            help="nhắc các hạn rơi vào số giờ tới (mặc định 48)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ in ra sẽ nhắc gì, không gửi gì"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        # The reminders are stored text: written in the portal's language, whatever the shell's.
        with translation.override(settings.LANGUAGE_CODE):
            if not dry_run:
                retried = services.notifications_email_unsent()
            found = due_reminders(now=timezone.now(), within=timedelta(hours=options["hours"]))
            counts = services.reminders_send(reminders=found, dry_run=dry_run)
            digests = services.digests_send(dry_run=dry_run)
        if options["verbosity"] >= 2:
            for reminder in found:
                names = ", ".join(str(user) for user in reminder.users) or "(không có ai)"
                self.stdout.write(f"  {reminder.title} → {names}")
        verb = "sẽ gửi" if dry_run else "đã gửi"
        for kind, label in LABELS.items():
            self.stdout.write(f"{label}: {verb} {counts[kind]} thông báo")
        self.stdout.write(f"E-mail tổng hợp hằng ngày: {verb} {digests}")
        if dry_run:
            self.stdout.write("Chạy thử: không gửi gì.")
        else:
            self.stdout.write(f"E-mail gửi lại: {retried}")
