"""`manage.py campaign_import FILE`: a campaign archive made by `campaign_export` on another
deployment, checked whole, then written in one transaction (docs/backups.md, "Campaign
archives").

Exit status 0 when imported; 2 when not (the reason is on standard error, and nothing was
written)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.backups.campaign_import import import_campaign
from portal.backups.snapshot import BackupError

logger = logging.getLogger(__name__)


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
        except Exception:  # an archive no check foresaw: said, logged, and nothing written
            logger.exception("campaign_import %s", options["file"])
            self.stderr.write(
                f"Lỗi: không nhập được {options['file']}: tệp có dữ liệu không đọc được "
                "(chi tiết trong nhật ký hệ thống). Không nhập gì."
            )
            sys.exit(2)
        made = done.created
        self.stdout.write(
            f"Đã nhập đợt “{done.title}” năm {done.year} vào {done.province} (đợt số "
            f"{done.campaign_id}): {done.rows:,} dòng, {done.evidence:,} tệp minh chứng, "
            f"{done.entries:,} mục nhật ký của hệ thống nguồn, mỗi mục khớp mã băm của nó."
        )
        self.stdout.write(
            f"Tạo mới: {made['province']} tỉnh, {made['units']:,} đơn vị, "
            f"{made['frameworks']:,} bộ chỉ số, {made['people']:,} tài khoản của người đã thực "
            "hiện (chưa kích hoạt, không đăng nhập được; quản trị kích hoạt và giao vai trò nếu "
            "người đó làm việc ở đây)."
        )
        if done.skipped_links:
            self.stdout.write(
                f"Bỏ qua {done.skipped_links:,} quan hệ sáp nhập giữa các đơn vị đã có ở đây: "
                "danh mục của tỉnh giữ nguyên."
            )
        if options["expect_sha256"] is None:
            self.stdout.write(
                "Chưa đối chiếu mã SHA-256 của tệp với mã bên gửi báo (--expect-sha256): mã "
                "băm bên trong tệp chỉ chứng minh tệp không hỏng, không chứng minh đây là tệp "
                "đã gửi."
            )
        if done.published:
            self.stdout.write(
                "Đợt có kết quả đã công bố: kết quả hiển thị trên cổng công khai của tỉnh."
            )
