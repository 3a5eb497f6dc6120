"""`manage.py campaign_import FILE`: a campaign archive made by `campaign_export` on another
deployment, checked whole, then written in one transaction (docs/backups.md, "Campaign
archives").

Exit status 0 when imported; 2 when not (the reason is on standard error, and nothing was
written)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.backups.campaign_import import import_campaign
from portal.backups.snapshot import BackupError


class Command(BaseCommand):
    help = (
        "Import a campaign archive written by campaign_export on another deployment, after "
        "checking every file, row and carried audit entry in it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive to import")
        parser.add_argument(
            "--province",
            help="the code of this deployment's province to import into (by default the "
            "archive's own, created if this deployment has none)",
        )
        parser.add_argument(
            "--expect-sha256",
            dest="expect_sha256",
            help="the file's SHA-256 as its sender announced it: a different file is refused",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = import_campaign(
                options["file"],
                province=options["province"],
                expect_sha256=options["expect_sha256"],
            )
        except (BackupError, OSError) as error:
            self.stderr.write(f"Lỗi: không nhập được: {error}")
            sys.exit(2)
        made = done.created
        self.stdout.write(
            f"Đã nhập đợt “{done.title}” năm {done.year} vào {done.province} (đợt số "
            f"{done.campaign_id}): {done.rows:,} dòng, {done.evidence:,} tệp minh chứng, "
            f"{done.entries:,} mục nhật ký của hệ thống nguồn, đã kiểm tra mã băm từng mục."
        )
        self.stdout.write(
            f"Tạo mới: {made['province']} tỉnh, {made['units']:,} đơn vị, "
            f"{made['frameworks']:,} bộ chỉ số, {made['people']:,} tài khoản người đã thực "
            "hiện (chưa kích hoạt, không đăng nhập được cho đến khi quản trị giao vai trò và "
            "kích hoạt)."
        )
        if done.published:
            self.stdout.write(
                "Đợt có kết quả đã công bố: kết quả hiển thị trên cổng công khai của tỉnh."
            )
