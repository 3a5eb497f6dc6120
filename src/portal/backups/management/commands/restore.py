"""`manage.py restore FILE [--replace] [--no-input]`: put a backup of `manage.py backup`
back into the configured database, evidence store and audit anchor (docs/backups.md). Stop
the portal first. The whole file is checked before anything changes; a database that holds
data is replaced only with --replace, after a confirmation unless --no-input.

Exit status 0 when restored and checked; 2 when nothing was restored or the check failed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.backups.restore import restore_backup, target_holdings
from portal.backups.snapshot import BackupError

CONFIRMATION = "thay thế"


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database, evidence "
        "store and audit anchor, after checking every file of it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a backup written by manage.py backup")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace a database that already holds data (asks first unless --no-input)",
        )
        parser.add_argument("--no-input", action="store_true", help="ask nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not source.is_file():
            self.stderr.write(f"Lỗi: không có tệp {source}.")
            sys.exit(2)
        if options["replace"] and not options["no_input"] and any(target_holdings().values()):
            answer = input(
                "Toàn bộ dữ liệu hiện có sẽ bị thay bằng bản sao lưu và không lấy lại được. "
                f"Gõ '{CONFIRMATION}' để tiếp tục: "
            )
            if answer.strip() != CONFIRMATION:
                self.stdout.write("Đã dừng; không có gì thay đổi.")
                sys.exit(2)
        try:
            restored = restore_backup(source, replace=options["replace"])
        except (BackupError, OSError, ValueError) as error:
            self.stderr.write(f"Lỗi: {error}")
            sys.exit(2)
        self.stdout.write(
            f"Đã khôi phục {source}: {restored.tables} bảng, {restored.rows:,} dòng khớp bản kê, "
            f"{restored.evidence:,} tệp minh chứng, nhật ký thay đổi {restored.audit_entries:,} "
            "mục nguyên vẹn."
        )
        if restored.anchor_set_aside is not None:
            self.stdout.write(f"Tệp mốc kiểm tra cũ được giữ lại ở {restored.anchor_set_aside}.")
