"""`manage.py evidence_signatures_recheck CAMPAIGN_ID [--all]`: check the digital signatures
of a campaign's signed PDF evidence again, with the province's trust roots as they are now
(after the office adds a root, a signature of that root reads valid); `--all` checks every PDF,
for files uploaded before signatures were checked (docs/signatures.md#signed-evidence)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.assessments.evidence_files import evidence_signatures_recheck
from portal.campaigns.models import Campaign


class Command(BaseCommand):
    help = (
        "Kiểm tra lại chữ ký số của mọi tệp PDF minh chứng của một đợt đánh giá theo các "
        "chứng thư gốc tin cậy hiện có của tỉnh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="mã số (id) của đợt đánh giá")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every_pdf",
            help="kiểm tra mọi tệp PDF, cả tệp chưa từng được kiểm tra chữ ký",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = str(options["campaign"])
        campaign = (
            Campaign.objects.filter(pk=int(text)).first()
            if text.isdigit() and len(text) < 10
            else None
        )
        if campaign is None:
            raise CommandError(f"{text}: không có đợt đánh giá này")
        done = evidence_signatures_recheck(campaign=campaign, every_pdf=options["every_pdf"])
        self.stdout.write(
            f"{campaign}: đã kiểm tra {done.checked} tệp PDF, {done.changed} tệp có kết quả "
            f"khác trước, {done.missing} tệp không đọc được từ kho minh chứng."
        )
