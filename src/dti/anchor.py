"""The audit trail's anchor: checkpoints of the hash chain (dti.ledger) kept OUTSIDE the
database, one JSON line each, appended to a file in a folder of its own.

A checkpoint says "on <at>, the chain held <count> entries and the last one's hash was
<hash>". Someone who deletes the newest entries and rewrites the head row in the database
leaves a chain that is valid on its own; it is shorter than a checkpoint, or has another
hash at a checkpoint's position, so `dti.ledger.verify` given the checkpoints catches it.

The file is only ever appended to (O_APPEND, one write per line, fsync), created with mode
0o640 in a folder of mode 0o750. It is only as strong as the storage it lives on: the
database's user should not be able to rewrite it (docs/audit-trail.md). Django-free."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dti.ledger import Checkpoint, canonical_json

FILE_NAME = "checkpoints.jsonl"
FOLDER_MODE = 0o750
FILE_MODE = 0o640
_TAIL = 4096  # bytes read from the end of the file to find the last checkpoint
_HASH = re.compile(r"[0-9a-f]{64}")


class AnchorDamaged(Exception):
    """The anchor file exists but a line of it is not a checkpoint (named by line number)."""


@dataclass(frozen=True)
class Anchor:
    """The anchor's folder; its checkpoints are in FILE_NAME inside it."""

    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / FILE_NAME

    def append(self, checkpoint: Checkpoint) -> None:
        """Append one checkpoint and fsync it. Raises OSError when the folder or the file
        cannot be written: the caller decides how loudly to say so."""
        if not self.folder.is_dir():
            # exist_ok: two processes writing the first checkpoint at once both make it
            self.folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            os.chmod(self.folder, FOLDER_MODE)  # mkdir's mode is masked by the umask
        line = canonical_json(checkpoint_json(checkpoint)) + b"\n"
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.write(descriptor, line)  # one write: a line is never interleaved with another
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def checkpoints(self) -> list[Checkpoint]:
        """Every checkpoint in the file, oldest first; none when there is no file yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [
            parse_checkpoint(line, number)
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]

    def last(self) -> Checkpoint | None:
        """The newest checkpoint, read from the end of the file only (it is read often:
        whenever a process finds a checkpoint may be due)."""
        try:
            with self.path.open("rb") as file:
                size = file.seek(0, os.SEEK_END)
                file.seek(max(0, size - _TAIL))
                tail = file.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return None
        lines = [line for line in tail.splitlines() if line.strip()]
        return parse_checkpoint(lines[-1], 0) if lines else None


def checkpoint_now(count: int, digest: str) -> Checkpoint:
    return Checkpoint(count, digest, datetime.now(UTC).isoformat(timespec="seconds"))


def checkpoint_json(checkpoint: Checkpoint) -> dict[str, object]:
    return {"count": checkpoint.count, "hash": checkpoint.hash, "at": checkpoint.at}


def parse_checkpoint(line: str, number: int) -> Checkpoint:
    """One line of the file; AnchorDamaged names the line (`number`, 1-based) otherwise."""
    try:
        data = json.loads(line)
        count, digest, at = data["count"], data["hash"], data["at"]
        datetime.fromisoformat(at)
    except (ValueError, TypeError, KeyError) as error:
        raise AnchorDamaged(f"dòng {number} của tệp mốc không đọc được ({error})") from error
    if not isinstance(count, int) or count < 1 or not _HASH.fullmatch(str(digest)):
        raise AnchorDamaged(f"dòng {number} của tệp mốc không phải một mốc hợp lệ")
    return Checkpoint(count, digest, at)
