"""`manage.py campaign_export CAMPAIGN FILE`: one campaign, whole, in one file that another
deployment imports with `campaign_import` (docs/backups.md, "Campaign archives").

Exit status 0 when written; 2 when not (the reason is on standard error)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.backups.campaign_archive import campaigns_listed, export_campaign
from portal.backups.snapshot import BackupError


class Command(BaseCommand):
    help = (
        "Write one campaign (its framework, units, answers, evidence, appraisal, results and "
        "audit entries) into FILE, for another deployment to import with campaign_import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "campaign", type=int, help="the campaign's number (in its page's address)"
        )
        parser.add_argument("file", type=Path, help="the archive to write (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            exported = export_campaign(options["campaign"], options["file"])
        except (BackupError, OSError) as error:
            self.stderr.write(f"Lỗi: không tạo được tệp lưu trữ: {error}")
            if "Không có đợt" in str(error):
                self.stderr.write("Các đợt đánh giá có trong hệ thống:")
                for line in campaigns_listed():
                    self.stderr.write(f"  {line}")
            sys.exit(2)
        manifest = exported.manifest
        about = manifest["campaign"]
        rows = sum(manifest["rows"].values())
        evidence = sum(1 for f in manifest["files"] if f["path"].startswith("evidence/"))
        size = exported.path.stat().st_size
        self.stdout.write(
            f"Đã ghi đợt “{about['title']}” năm {about['year']} của {about['province_name']} "
            f"vào {exported.path} ({size / 1024 / 1024:,.1f} MB): {rows:,} dòng, "
            f"{evidence:,} tệp minh chứng, {manifest['audit']['entries']:,} mục nhật ký."
        )
        self.stdout.write(
            f"Mã SHA-256 của tệp: {exported.sha256}\n"
            "Gửi mã này cho bên nhận theo một đường khác (công văn, điện thoại); bên nhận "
            "chạy campaign_import --expect-sha256 với mã này để biết tệp nhận được đúng là tệp "
            "đã gửi."
        )
