"""`manage.py backup FILE`: the database, the evidence files and the audit anchor's
checkpoints in one file, with a manifest of their hashes (docs/backups.md). Safe while the
portal runs.

Exit status 0 when everything was copied; 1 when the backup was written but evidence files
the database names are missing or changed (listed); 2 when no backup could be written."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.backups.archive import create_backup
from portal.backups.snapshot import BackupError

SHOWN = 10  # names listed of the missing or changed files; the manifest has them all


class Command(BaseCommand):
    help = (
        "Back up the database, the evidence files and the audit anchor into FILE (a tar "
        "file with a manifest of hashes), safely while the portal runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup to write (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = create_backup(options["file"])
        except (BackupError, OSError) as error:
            self.stderr.write(f"Lỗi: không sao lưu được: {error}")
            sys.exit(2)
        manifest = written.manifest
        rows = sum(table["rows"] for table in manifest["tables"].values())
        evidence = sum(1 for f in manifest["files"] if f["path"].startswith("evidence/"))
        size = written.path.stat().st_size
        self.stdout.write(
            f"Đã sao lưu vào {written.path} ({size / 1024 / 1024:,.1f} MB): "
            f"{len(manifest['tables'])} bảng, {rows:,} dòng, {evidence:,} tệp minh chứng, "
            f"{manifest['audit']['count']:,} mục nhật ký thay đổi."
        )
        for problem, names in (
            ("thiếu trong kho minh chứng", written.missing),
            ("đã bị thay đổi so với mã băm trong cơ sở dữ liệu", written.changed),
        ):
            if names:
                shown = ", ".join(names[:SHOWN]) + (" …" if len(names) > SHOWN else "")
                self.stderr.write(f"Cảnh báo: {len(names):,} tệp minh chứng {problem}: {shown}")
        if written.missing or written.changed:
            sys.exit(1)
