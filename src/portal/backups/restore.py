"""`manage.py restore FILE`: the archive is checked whole before anything changes (every
member named in the manifest, of its size and SHA-256, the engine the same, no migration
this release does not know), then the database, the evidence files and the audit anchor's
checkpoints are put back, and the restored database is compared with the manifest's digest
of every table and its audit trail verified (docs/backups.md)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from portal import evidence_store
from portal.audit.verify import audit_log_verify
from portal.backups.archive import (
    ANCHOR_FILE,
    ANCHOR_MEMBER,
    CHUNK,
    EVIDENCE_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    safe_member_name,
)
from portal.backups.portable import restore_across
from portal.backups.snapshot import (
    DATABASE_FILES,
    BackupError,
    run_postgres_tool,
    table_digests,
)

MANIFEST_MAX_BYTES = 64 * 1024 * 1024  # checked before the manifest is parsed
DISK_MARGIN = 256 * 1024 * 1024  # left free on the stage's disk (the evidence folder's)


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    evidence: int
    audit_entries: int
    anchor_set_aside: Path | None


def read_manifest(
    archive: tarfile.TarFile,
    source: Path,
    kind: tuple[str, int, str] = (FORMAT, FORMAT_VERSION, "bản sao lưu DTI"),
) -> dict[str, Any]:
    """The manifest of a DTI file of `kind` (its format, version and name in words): its
    first member (read without reading every member's header first), read only once its
    size is known to be bounded."""
    expected, number, named = kind
    member = archive.next()
    if member is None or member.name != MANIFEST:
        raise BackupError(f"{source}: không bắt đầu bằng {MANIFEST}, không phải {named}.")
    if not member.isfile() or member.size > MANIFEST_MAX_BYTES:
        raise BackupError(f"{source}: {MANIFEST} không hợp lệ.")
    content = archive.extractfile(member)
    assert content is not None  # a regular file (checked above)
    try:
        manifest: dict[str, Any] = json.loads(content.read())
    except RecursionError:
        raise BackupError(f"{source}: {MANIFEST} lồng quá sâu.") from None
    except ValueError as error:
        raise BackupError(f"{source}: {MANIFEST} không đọc được ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != expected:
        raise BackupError(f"{source}: không phải {named}.")
    if manifest.get("version") != number:
        raise BackupError(f"{source}: không phải {named} phiên bản {number}.")
    return manifest


def target_holdings() -> dict[str, int]:
    """What the configured database holds that a restore would replace."""
    user = apps.get_model("accounts", "User")
    entry = apps.get_model("audit", "AuditEntry")
    unit = apps.get_model("units", "Unit")
    known = set(connection.introspection.table_names())
    return {
        label: model.objects.count() if model._meta.db_table in known else 0
        for label, model in (("người dùng", user), ("đơn vị", unit), ("mục nhật ký", entry))
    }


@contextmanager
def opened_with_stage(source: Path, prefix: str) -> Iterator[tuple[tarfile.TarFile, Path]]:
    """The tar file `source`, and a staging folder beside the evidence folder (on its disk,
    so the files staged there move into it), removed afterwards."""
    Path(settings.EVIDENCE_ROOT).mkdir(parents=True, exist_ok=True)
    with (
        tarfile.open(source, mode="r:") as archive,
        tempfile.TemporaryDirectory(
            prefix=prefix, dir=Path(settings.EVIDENCE_ROOT).parent
        ) as stage,
    ):
        yield archive, Path(stage)


def restore_backup(source: Path, *, replace: bool) -> Restored:
    with opened_with_stage(source, ".dti-restore-") as (archive, stage):
        manifest = read_manifest(archive, source)
        _check_fits_here(manifest, source)
        held = target_holdings()
        if any(held.values()) and not replace:
            said = ", ".join(f"{count:,} {label}" for label, count in held.items() if count)
            raise BackupError(
                f"Cơ sở dữ liệu đích đã có dữ liệu ({said}). Thêm --replace để thay toàn bộ "
                "bằng bản sao lưu."
            )
        staged = extract_checked(archive, manifest, stage, source)
        # into a bucket first: one that fails stops the restore before the database changes
        evidence = _put_evidence(staged) if evidence_store.in_bucket() else 0
        engine = manifest["engine"]
        counts = {table: int(digest["rows"]) for table, digest in manifest["tables"].items()}
        if engine == connection.vendor:
            _restore_database(engine, staged)
        else:  # compared value by value as it is copied (portable.py)
            dump = staged[f"database/{DATABASE_FILES[engine]}"]
            counts = restore_across(engine, dump, manifest["migrations"])
        if not evidence_store.in_bucket():
            evidence = _put_evidence(staged)
        aside = _put_anchor(staged)
    if engine == connection.vendor:
        _compare_with_manifest(manifest)
    report = audit_log_verify()
    if not report.intact:
        raise BackupError(
            "Đã khôi phục, nhưng nhật ký thay đổi không còn nguyên vẹn: chạy audit_log_verify."
        )
    rows = sum(counts.values())
    return Restored(len(counts), rows, evidence, int(manifest["audit"]["count"]), aside)


def _compare_with_manifest(manifest: dict[str, Any]) -> None:
    digests = table_digests(connection)
    different = sorted(
        table for table, digest in manifest["tables"].items() if digests.get(table) != digest
    )
    if different:
        raise BackupError(
            "Cơ sở dữ liệu sau khôi phục khác bản sao lưu ở các bảng: " + ", ".join(different)
        )


def _check_fits_here(manifest: dict[str, Any], source: Path) -> None:
    if manifest["engine"] not in DATABASE_FILES:
        raise BackupError(f"{source}: loại cơ sở dữ liệu lạ {manifest['engine']!r}.")
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Không khôi phục được vào cơ sở dữ liệu {connection.vendor}.")
    member = f"database/{DATABASE_FILES[manifest['engine']]}"
    if member not in {entry["path"] for entry in manifest["files"]}:
        raise BackupError(
            f"{source}: bản kê ghi cơ sở dữ liệu {manifest['engine']} nhưng không kê {member}; "
            "tệp bị hỏng."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(
            f"{source} được tạo bởi phiên bản mới hơn (có {len(unknown)} migration mà bản này "
            f"không có, ví dụ {unknown[0]}). Cài phiên bản {manifest['portal_version']} trở lên."
        )


def extract_checked(
    archive: tarfile.TarFile, manifest: dict[str, Any], stage: Path, source: Path
) -> dict[str, Path]:
    """Every member the manifest lists, and nothing else, copied out while hashed: nothing
    is changed unless all of them match. The sizes the manifest lists must fit the stage's
    disk before anything is copied; a sparse member (whose few bytes unpack to many) or one
    listed twice is refused."""
    try:
        expected = {str(entry["path"]): entry for entry in manifest["files"]}
        needed = sum(int(entry["size"]) for entry in expected.values())
    except (KeyError, TypeError, ValueError):
        raise BackupError(f"{source}: bản kê không liệt kê đúng các thành phần.") from None
    stage.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(stage).free
    if needed > free - DISK_MARGIN:
        raise BackupError(
            f"{source}: cần {needed / 2**20:,.0f} MB để mở tệp, ổ đĩa chỉ còn "
            f"{free / 2**20:,.0f} MB trống."
        )
    staged: dict[str, Path] = {}
    manifest_seen = False
    for member in archive:
        if member.name == MANIFEST and not manifest_seen:  # the first: read already
            manifest_seen = True
            continue
        entry = expected.get(member.name)
        if (
            entry is None
            or not member.isfile()
            or member.issparse()
            or member.name in staged
            or not safe_member_name(member.name)
        ):
            raise BackupError(f"{source}: thành phần lạ {member.name!r}; không dùng tệp này.")
        if member.size != entry["size"]:
            raise BackupError(f"{source}: {member.name} có kích thước khác bản kê; tệp bị hỏng.")
        target = stage / "files" / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        content = archive.extractfile(member)
        assert content is not None  # a regular file (checked above)
        digest = hashlib.sha256()
        with target.open("xb") as out:
            while chunk := content.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(
                f"{source}: {member.name} không khớp mã băm trong bản kê; tệp bị hỏng."
            )
        staged[member.name] = target
    absent = sorted(set(expected) - set(staged))
    if absent:
        raise BackupError(f"{source}: thiếu {len(absent)} thành phần, ví dụ {absent[0]}.")
    return staged


def _restore_database(engine: str, staged: dict[str, Path]) -> None:
    connections.close_all()
    dump = staged[f"database/{DATABASE_FILES[engine]}"]
    if engine == "sqlite":
        copy = sqlite3.connect(str(dump))
        target = sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            copy.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
            copy.close()
        return
    run_postgres_tool(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
    )


def _put_evidence(staged: dict[str, Path]) -> int:
    """The backup's files into the evidence store: moved into the folder, or uploaded to the
    bucket (a file of the same name there is replaced)."""
    root, bucket = Path(settings.EVIDENCE_ROOT), evidence_store.in_bucket()
    count = 0
    for member, path in staged.items():
        if not member.startswith(EVIDENCE_PREFIX):
            continue
        name = member.removeprefix(EVIDENCE_PREFIX)
        if bucket:
            try:
                with path.open("rb") as content:
                    evidence_store.save(name, content)
            except evidence_store.EvidenceStoreError as error:
                raise BackupError(
                    f"Chưa ghi được tệp minh chứng {name} vào kho ({error}); cơ sở dữ liệu "
                    "chưa thay đổi. Chạy lại lệnh khôi phục khi kho trả lời."
                ) from None
        else:
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        count += 1
    return count


def _put_anchor(staged: dict[str, Path]) -> Path | None:
    """The backup's checkpoints become the anchor; a different file there is kept beside
    it, renamed, never deleted (docs/audit-trail.md: the file belongs to one database)."""
    folder = Path(settings.DTI_AUDIT_ANCHOR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    current, aside = folder / ANCHOR_FILE, None
    restored = staged.get(ANCHOR_MEMBER)
    if current.exists() and (restored is None or current.read_bytes() != restored.read_bytes()):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = folder / f"{ANCHOR_FILE}.before-restore-{stamp}"
        os.replace(current, aside)
    if restored is not None:
        shutil.copyfile(restored, current)
        current.chmod(0o640)
    return aside
