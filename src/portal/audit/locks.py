"""Deciding on the row as it is, not as the page loaded it: every service that writes the
audit trail re-reads the row it changes under a lock, inside its transaction, before it
decides what to do. Two people pressing "delete" at once (or one person twice) then make one
change and one entry: the second request finds the row gone or already changed and either
says so or does nothing.

PostgreSQL takes the row's lock (SELECT … FOR UPDATE), held until the commit; SQLite runs
every transaction IMMEDIATE (portal.settings), one writer at a time, so the re-read alone
sees the first request's commit. Either way the read must happen inside the atomic block."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models

Row = TypeVar("Row", bound=models.Model)


def locked_row(row: Row) -> Row | None:
    """`row` read again, locked until the transaction ends; None when it is gone."""
    manager = type(row)._default_manager
    return manager.select_for_update().filter(pk=row.pk).first()


def locked_or_refused(row: Row, gone: str) -> Row:
    """`row` read again and locked; a ValidationError saying `gone` when another request
    deleted it first (the change the person asked for is already done: nothing to log)."""
    locked = locked_row(row)
    if locked is None:
        raise ValidationError(gone)
    return locked
