"""Writing the audit trail's checkpoints outside the database (dti.anchor), by default and
without anyone having to remember: after an audited change commits, when
DTI_AUDIT_ANCHOR_EVERY entries or DTI_AUDIT_ANCHOR_SECONDS seconds have passed since the
newest checkpoint, and at the end of every intact `verify`.

Never inside the transaction that holds the head's lock (a slow disk would hold up every
writer), and never at the cost of the user's save: a checkpoint that cannot be written is
logged at ERROR and shown by the office's integrity check, the change stays committed."""

from __future__ import annotations

import logging
import logging.handlers
import os
import socket
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils.translation import gettext

from dti.anchor import Anchor, AnchorDamaged, checkpoint_json, checkpoint_now
from dti.ledger import Checkpoint, canonical_json
from portal.audit.models import AuditHead

HEAD = 1  # the primary key of the one AuditHead row (as in portal.audit.services)
logger = logging.getLogger("portal.audit.anchor")
# The newest checkpoint this process has read or written, by the anchor file as it stood
# (path, inode, size): the file is read again when it changed (another server appended, a
# restore replaced it) or when that checkpoint says one is due.
_newest: dict[tuple[str, int, int], Checkpoint] = {}


def anchor() -> Anchor:
    return Anchor(settings.DTI_AUDIT_ANCHOR_DIR)


def checkpoint_after_commit(using: str = DEFAULT_DB_ALIAS, count: int | None = None) -> None:
    """Called by the seal inside the writer's transaction: once per transaction, a look at
    whether a checkpoint is due, run after the commit. `count`: the chain's length that
    this transaction's commit leaves, when the writer knows it."""
    pending = connections[using].run_on_commit
    # Each entry is (savepoint ids, callback, robust); django-stubs types it as a pair.
    for entry in pending:
        if isinstance(entry[1], _CheckpointOnCommit):
            entry[1].count = count
            return
    # robust: whatever goes wrong after the commit is logged, never the user's error
    transaction.on_commit(_CheckpointOnCommit(count), using=using, robust=True)


class _CheckpointOnCommit:
    """The look after a commit, with the chain's length the commit left (if known)."""

    def __init__(self, count: int | None) -> None:
        self.count = count

    def __call__(self) -> None:
        checkpoint_if_due(self.count)


def checkpoint_if_due(committed: int | None = None) -> None:
    """Write a checkpoint of the committed head if enough entries or time have passed.

    `committed`: the chain's length a writer's commit has just left. When this process knows
    the newest checkpoint and that length makes none due, nothing is read: a save's usual
    case. The chain may have grown since by others' commits; each of them looks with its
    own length, so the one that makes a checkpoint due writes it. A checkpoint written is
    always of the head as read then."""
    known = _newest.get(_file_key())
    if committed is not None and known is not None and not _due(committed, known):
        return
    try:
        head = AuditHead.objects.filter(pk=HEAD).values_list("count", "last_hash").first()
    except DatabaseError as error:
        logger.error("Audit anchor: cannot read the chain's head: %s", error)
        return
    if head is None or head[0] == 0:
        return
    if known is not None and not _due(head[0], known):
        return  # no file read
    try:
        last = anchor().last()
    except (OSError, AnchorDamaged) as error:  # then try to write: that failure is loud
        logger.error("Audit anchor: cannot read the newest checkpoint: %s", error)
        last = None
    if last is not None:
        _newest[_file_key()] = last
    if _due(head[0], last):
        checkpoint_write(head[0], head[1])


def _file_key() -> tuple[str, int, int]:
    path = anchor().path
    try:
        found = os.stat(path)
    except OSError:
        return (str(path), 0, -1)  # no file (yet): never the key of a checkpoint read
    return (str(path), found.st_ino, found.st_size)


def _due(count: int, last: Checkpoint | None) -> bool:
    if last is None:
        return True
    if count == last.count:
        return False
    elapsed = datetime.now(UTC) - datetime.fromisoformat(last.at)
    every, seconds = settings.DTI_AUDIT_ANCHOR_EVERY, settings.DTI_AUDIT_ANCHOR_SECONDS
    return abs(count - last.count) >= every or elapsed.total_seconds() >= seconds


def checkpoint_write(count: int, digest: str) -> str | None:
    """Append a checkpoint now (and send it to syslog when set). Returns None, or the
    failure in words after logging it at ERROR: it is never raised to the caller."""
    checkpoint = checkpoint_now(count, digest)
    try:
        anchor().append(checkpoint)
        _newest[_file_key()] = checkpoint
    except OSError as error:
        logger.error(
            "AUDIT ANCHOR NOT WRITTEN to %s: %s (count=%s hash=%s)",
            anchor().path,
            error,
            count,
            digest,
        )
        return gettext("Không ghi được mốc neo của nhật ký vào %(path)s: %(error)s") % {
            "path": anchor().path,
            "error": error.strerror or error,
        }
    _to_syslog(checkpoint)
    return None


def _to_syslog(checkpoint: Checkpoint) -> None:
    """A copy of the checkpoint for another machine's log (DTI_AUDIT_ANCHOR_SYSLOG):
    `host:port` over UDP, or the path of a local socket such as /dev/log."""
    target = settings.DTI_AUDIT_ANCHOR_SYSLOG
    if not target:
        return
    address: str | tuple[str, int] = target
    if not target.startswith("/"):
        host, _, port = target.rpartition(":")
        if not host or not port.isdigit():
            logger.error("Audit anchor: DTI_AUDIT_ANCHOR_SYSLOG=%r is not host:port", target)
            return
        address = (host, int(port))
    line = "dti-audit-anchor " + canonical_json(checkpoint_json(checkpoint)).decode()
    try:
        handler = logging.handlers.SysLogHandler(address=address, socktype=socket.SOCK_DGRAM)
    except OSError as error:
        logger.error("Audit anchor: syslog %s unreachable: %s", target, error)
        return
    try:
        handler.emit(logging.LogRecord("dti", logging.INFO, "", 0, line, None, None))
    finally:
        handler.close()
