"""`manage.py backup FILE`: one tar file holding the database as it was at one moment, the
evidence files its rows name, the audit anchor's checkpoints up to that moment, and a
manifest with the SHA-256 of each of them and a digest of every table (docs/backups.md).
Safe while the portal runs: nothing is locked beyond one read transaction."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

from portal import evidence_store
from portal.backups.snapshot import BackupError, Moment, database_snapshot

FORMAT = "dti-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ANCHOR_FILE = "checkpoints.jsonl"  # as portal.audit.anchor names it
ANCHOR_MEMBER = f"audit-anchor/{ANCHOR_FILE}"
EVIDENCE_PREFIX = "evidence/"
CHUNK = 1024 * 1024


@dataclass
class Written:
    """What a backup holds, and what it could not (files the database names but the store
    lacks or holds changed): the backup is written all the same, and says so."""

    path: Path
    manifest: dict[str, Any]
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def create_backup(destination: Path) -> Written:
    destination = destination.resolve()
    if destination.exists():
        raise BackupError(f"{destination} đã có; chọn tên khác để không ghi đè bản sao lưu cũ.")
    if not destination.parent.is_dir():
        raise BackupError(f"Không có thư mục {destination.parent}.")
    with tempfile.TemporaryDirectory(prefix=".dti-backup-", dir=destination.parent) as stage:
        moment = database_snapshot(Path(stage))
        evidence, missing, changed = _evidence_files(moment, Path(stage))
        anchor = _anchor_until(moment, Path(stage))
        entries = [(f"database/{moment.database_file.name}", moment.database_file)]
        if anchor is not None:
            entries.append((ANCHOR_MEMBER, anchor))
        entries += [(EVIDENCE_PREFIX + name, path) for name, path in evidence]
        files = [described(member, path) for member, path in entries]
        manifest = _manifest(moment, files, missing, changed)
        write_archive(destination, manifest, entries)
    return Written(destination, manifest, missing, changed)


def write_archive(
    destination: Path, manifest: dict[str, Any], entries: list[tuple[str, Path]]
) -> None:
    """The manifest and the members in one tar file, written under a temporary name, synced
    and renamed: a file at `destination` is always whole."""
    partial = destination.with_name(destination.name + ".partial")
    try:
        _write_tar(partial, manifest, entries)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def _evidence_files(
    moment: Moment, stage: Path
) -> tuple[list[tuple[str, Path]], list[str], list[str]]:
    """The files the copied rows name: from the folder where they are; from a bucket, each
    downloaded into the stage first (the backup's folder needs room for them)."""
    located = _downloaded if evidence_store.in_bucket() else _in_folder
    found, missing, changed = [], [], []
    for name, expected in sorted(moment.stored_files.items()):
        path = located(name, stage / "evidence") if safe_member_name(name) else None
        if path is None:
            missing.append(name)
            continue
        if expected and file_sha256(path) != expected:
            changed.append(name)  # kept as it is: the row still says what it should be
        found.append((name, path))
    return found, missing, changed


def _in_folder(name: str, stage: Path) -> Path | None:
    root = Path(settings.EVIDENCE_ROOT).resolve()
    path = (root / name).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def _downloaded(name: str, stage: Path) -> Path | None:
    path = stage / name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with evidence_store.open_file(name) as source, path.open("xb") as target:
            shutil.copyfileobj(source, target, CHUNK)
    except FileNotFoundError:
        return None
    except evidence_store.EvidenceStoreError as error:
        raise BackupError(f"Không đọc được tệp minh chứng {name} từ kho: {error}") from None
    return path


def _anchor_until(moment: Moment, stage: Path) -> Path | None:
    """The checkpoints of the chain as it was at the moment copied: a checkpoint written
    since names entries the copy lacks, and would read as a truncation after a restore."""
    source = Path(settings.DTI_AUDIT_ANCHOR_DIR) / ANCHOR_FILE
    if not source.is_file():
        return None
    kept = []
    for line in source.read_text(encoding="utf-8").splitlines(keepends=True):
        try:
            count = json.loads(line)["count"]
        except (ValueError, KeyError, TypeError):
            kept.append(line)  # not a checkpoint: kept, for verify to report as it would
            continue
        if isinstance(count, int) and count <= moment.audit["count"]:
            kept.append(line)
    target = stage / ANCHOR_FILE
    target.write_text("".join(kept), encoding="utf-8")
    return target


def described(member: str, path: Path) -> dict[str, Any]:
    return {"path": member, "size": path.stat().st_size, "sha256": file_sha256(path)}


def _manifest(
    moment: Moment, files: list[dict[str, Any]], missing: list[str], changed: list[str]
) -> dict[str, Any]:
    from django.db import connection

    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "portal_version": version("dti"),
        "engine": connection.vendor,
        "audit": moment.audit,
        "migrations": moment.migrations,
        "tables": moment.tables,
        "files": files,
        "evidence_missing": missing,
        "evidence_changed": changed,
    }


def _write_tar(target: Path, manifest: dict[str, Any], entries: list[tuple[str, Path]]) -> None:
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    with target.open("xb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            for member, path in entries:
                info = archive.gettarinfo(str(path), arcname=member)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mode = 0o600
                with path.open("rb") as content:
                    archive.addfile(info, content)
        raw.flush()
        os.fsync(raw.fileno())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as content:
        while chunk := content.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def safe_member_name(name: str) -> bool:
    """A relative path of plain parts: no absolute path, no `..`, no empty or hidden trick."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and "\\" not in name
        and all(part not in {"", ".", ".."} for part in path.parts)
        and name == str(path)
    )
