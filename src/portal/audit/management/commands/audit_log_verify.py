"""`manage.py audit_log_verify [--kept HASH]`: check the hash chain of the audit trail
(dti.ledger, through portal.audit.verify) in the database the portal is configured with,
as the office admin's integrity button does.

Exit status 0 when the chain is intact; 1 naming the first broken entry; 2 when the
database cannot be read or is not migrated, or `--kept` is not a hash worth keeping."""

from __future__ import annotations

import re
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from dti.ledger import GENESIS
from portal.audit.verify import LogUnreadable, audit_log_verify, report_lines


class Command(BaseCommand):
    help = (
        "Check the hash chain of the portal's audit trail in the configured database. "
        "Exit status 0 when intact, 1 naming the first broken entry, 2 when the database "
        "cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kept",
            metavar="HASH",
            help="A last hash printed by an earlier run and kept elsewhere: "
            "it must still be in the chain.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kept = kept_hash(options["kept"])
        except ValueError as error:
            self.stderr.write(f"Lỗi: --kept: {error}")
            sys.exit(2)
        with translation.override("vi"):  # Vietnamese whatever language is active
            try:
                report = audit_log_verify(kept=kept)
            except LogUnreadable as error:
                self.stderr.write(f"Lỗi: {error}")
                sys.exit(2)
            lines = report_lines(report)
        for line in lines:
            self.stdout.write(line)
        if report.anchor.not_written:
            self.stderr.write(f"Lỗi: {report.anchor.not_written}")
        if not report.intact:
            sys.exit(1)


def kept_hash(value: str | None) -> str | None:
    """A SHA-256 in hex, as the command prints it; ValueError says why not. All zeros is
    refused: it is the "previous hash" of the first entry, present in every chain, even an
    emptied one, so keeping it proves nothing."""
    if value is None:
        return None
    digest = value.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError(
            f"“{value}” không phải mã SHA-256: cần đúng 64 chữ số thập lục phân (0-9, a-f)"
        )
    if digest == GENESIS:
        raise ValueError(
            "mã toàn số 0 là điểm khởi đầu của mọi chuỗi (kể cả chuỗi đã bị xoá hết), "
            "giữ nó không chứng minh được gì: hãy dùng mã cuối do lệnh này in ra"
        )
    return digest
