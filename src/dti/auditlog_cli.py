"""`dti audit-log verify`: check the hash chain of the portal's audit trail (dti.ledger) in
the database the portal is configured with. The portal is imported here only, inside the
command, through importlib: the core itself stays free of Django."""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import Any

import click

from dti.ledger import GENESIS


@click.group("audit-log")
def audit_log() -> None:
    """Nhật ký thay đổi của cổng thông tin (the portal's audit trail)."""


@audit_log.command("verify")
@click.option(
    "--kept",
    metavar="HASH",
    callback=lambda _context, _param, value: _sha256(value),
    help="A last hash printed by an earlier run and kept elsewhere: it must still be in the chain.",
)
def audit_log_verify(kept: str | None) -> None:
    """Check the hash chain of the portal's audit trail in the configured database.

    The database is the portal's (DTI_DATABASE_URL). Exit status 0 when the chain is
    intact, 1 naming the first broken entry, 2 when the database cannot be read."""
    checker = _portal_module("portal.audit.verify")
    with importlib.import_module("django.utils.translation").override("vi"):
        try:
            report = checker.audit_log_verify(kept=kept)
        except checker.LogUnreadable as error:
            click.echo(f"Lỗi: {error}", err=True)
            sys.exit(2)
        lines = checker.report_lines(report)
    for line in lines:
        click.echo(line)
    if report.anchor.not_written:
        click.echo(f"Lỗi: {report.anchor.not_written}", err=True)
    sys.exit(0 if report.intact else 1)


def _sha256(value: str | None) -> str | None:
    """A SHA-256 in hex, as `dti audit-log verify` prints it. All zeros is refused: it is
    the "previous hash" of the first entry, present in every chain, even an emptied one,
    so keeping it proves nothing. Click exits 2 with the message."""
    if value is None:
        return None
    digest = value.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise click.BadParameter(
            f"“{value}” không phải mã SHA-256: cần đúng 64 chữ số thập lục phân (0-9, a-f)"
        )
    if digest == GENESIS:
        raise click.BadParameter(
            "mã toàn số 0 là điểm khởi đầu của mọi chuỗi (kể cả chuỗi đã bị xoá hết), "
            "giữ nó không chứng minh được gì: hãy dùng mã cuối do lệnh này in ra"
        )
    return digest


def _portal_module(name: str) -> Any:
    """A module of the portal, with Django set up from portal.settings unless it already is
    (the tests call the command in-process, on their test database). Imported here only:
    the core stays free of Django."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    try:
        django = importlib.import_module("django")
        improper = importlib.import_module("django.core.exceptions").ImproperlyConfigured
    except ImportError as error:
        click.echo(f"Lỗi: không nạp được Django: {error}", err=True)
        sys.exit(2)
    try:
        if not importlib.import_module("django.apps").apps.ready:
            django.setup()
        return importlib.import_module(name)
    except improper as error:  # a bad setting, e.g. DTI_DATABASE_URL: named, no traceback
        click.echo(f"Lỗi: cấu hình của cổng không hợp lệ: {error}", err=True)
    except ImportError as error:
        click.echo(f"Lỗi: không nạp được cổng thông tin (portal): {error}", err=True)
    sys.exit(2)
