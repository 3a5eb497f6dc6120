"""`manage.py backup` and `manage.py restore` as an operator runs them, in processes of
their own, on the engine the suite runs on (SQLite files, or fresh databases on the test's
PostgreSQL server): the demo province backed up, restored elsewhere, and compared table by
table and file by file with what was backed up, by reading both databases directly."""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest

from tests.conftest import REPO, TABLES

pytestmark = pytest.mark.slow  # a migrated demo database and several processes


@dataclass(frozen=True)
class Site:
    """One deployment's database, evidence store and audit anchor."""

    database_url: str
    evidence: Path
    anchor: Path

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if k != "DTI_DATABASE_URL"},
            "DTI_DEBUG": "1",
            "DTI_DATABASE_URL": self.database_url,
            "DTI_EVIDENCE_ROOT": str(self.evidence),
            "DTI_AUDIT_ANCHOR_DIR": str(self.anchor),
        }

    def manage(self, *arguments: str, answer: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *arguments], input=answer,
            cwd=REPO, env=self.env(), capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip


class Databases:
    """Fresh databases of the suite's engine, dropped at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.server = folder, os.environ.get("DTI_DATABASE_URL", "")
        self.made: list[str] = []

    @property
    def postgres(self) -> bool:
        return self.server.startswith("postgres")

    def new(self, name: str) -> str:
        if not self.postgres:
            return f"sqlite:///{self.folder / (name + '.sqlite3')}"
        database = f"dti_backup_{secrets.token_hex(4)}_{name}"
        with self._server() as server:
            server.execute(f'CREATE DATABASE "{database}"')
        self.made.append(database)
        return urlparse(self.server)._replace(path=f"/{database}").geturl()

    def _server(self) -> psycopg.Connection:
        return psycopg.connect(self.server, autocommit=True)

    def drop_all(self) -> None:
        if self.postgres:
            with self._server() as server:
                for database in self.made:
                    drop_database(server, database)


def drop_database(server: psycopg.Connection, database: str) -> None:
    """FORCE ends what a site left connected (the suite's own role). An autovacuum worker
    busy with a database just restored belongs to no role, so FORCE refuses to end it for a
    role that is no superuser; the plain DROP asks such workers to stop and waits for them
    (5 s at most: a site's connection left beside such a worker still fails the drop)."""
    try:
        server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    except psycopg.errors.InsufficientPrivilege:
        server.execute(f'DROP DATABASE IF EXISTS "{database}"')


def site(databases: Databases, folder: Path, name: str) -> Site:
    return Site(databases.new(name), folder / name / "evidence", folder / name / "anchor")


def rows_of_every_table(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read with the driver, in a full order of all columns."""
    if url.startswith("sqlite"):
        with sqlite3.connect(urlparse(url).path) as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {
                name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()  # noqa: S608  (catalogue names)
                for name in names
                if name != "sqlite_sequence"
            }
    with psycopg.connect(url) as db:
        names = [
            r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        ]
        return {name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names}  # noqa: S608  (catalogue names)


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@dataclass(frozen=True)
class Backed:
    source: Site
    archive: Path
    databases: Databases
    folder: Path


@pytest.fixture(scope="module")
def backed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backed]:
    folder = tmp_path_factory.mktemp("backups")
    databases = Databases(folder)
    source = site(databases, folder, "source")
    try:
        for step in (("migrate", "-v", "0"), ("load_demo", "--tables", str(TABLES))):
            done = source.manage(*step)
            assert done.returncode == 0, done.stderr[-3000:]
        archive = folder / "dti-backup.tar"
        done = source.manage("backup", str(archive))
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Đã sao lưu vào" in done.stdout
        yield Backed(source, archive, databases, folder)
    finally:
        databases.drop_all()


def test_a_backup_restored_elsewhere_holds_the_same_rows_files_and_a_verifying_trail(
    backed: Backed,
):
    target = site(backed.databases, backed.folder, "target")
    done = target.manage("restore", str(backed.archive))
    assert done.returncode == 0, done.stderr
    assert "khớp bản kê" in done.stdout and "nguyên vẹn" in done.stdout

    before, after = (
        rows_of_every_table(backed.source.database_url),
        rows_of_every_table(target.database_url),
    )
    assert sorted(after) == sorted(before)
    assert [table for table in before if after[table] != before[table]] == []
    assert sum(len(rows) for rows in after.values()) > 1000  # the demo, not an empty shell
    assert files_under(target.evidence) == files_under(backed.source.evidence)
    assert files_under(target.evidence)  # the demo's evidence files came along
    verified = target.manage("audit_log_verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_database_holding_data_is_replaced_only_when_asked(backed: Backed):
    target = site(backed.databases, backed.folder, "occupied")
    assert target.manage("restore", str(backed.archive)).returncode == 0
    again = target.manage("restore", str(backed.archive))
    assert again.returncode == 2
    assert "đã có dữ liệu" in again.stderr and "--replace" in again.stderr
    declined = target.manage("restore", "--replace", str(backed.archive), answer="không\n")
    assert declined.returncode == 2 and "không có gì thay đổi" in declined.stdout
    assert "thay thế" in declined.stdout  # what to type was asked
    replaced = target.manage("restore", "--replace", str(backed.archive), answer="thay thế\n")
    assert replaced.returncode == 0, replaced.stderr
    replaced = target.manage("restore", "--replace", "--no-input", str(backed.archive))
    assert replaced.returncode == 0, replaced.stderr
    assert target.manage("audit_log_verify").returncode == 0


def rewritten(archive: Path, out: Path, change: dict[str, bytes], extra: dict[str, bytes]) -> Path:
    """A copy of the archive with some members' bytes changed and others added."""
    with tarfile.open(archive) as source, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as copy:
        for member in source:
            content = source.extractfile(member)
            assert content is not None
            data = change.get(member.name, content.read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
        for name, data in extra.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return out


def database_member(archive: Path) -> tuple[str, bytes]:
    with tarfile.open(archive) as source:
        member = next(m for m in source if m.name.startswith("database/"))
        content = source.extractfile(member)
        assert content is not None
        return member.name, content.read()


def assert_nothing_restored(target: Site) -> None:
    assert not target.evidence.exists() or not files_under(target.evidence)
    assert not any(rows for rows in rows_of_every_table(target.database_url).values())


@pytest.mark.parametrize("where", ["database", "manifest"])
def test_a_changed_byte_is_refused_before_anything_changes(backed: Backed, where: str):
    name, data = database_member(backed.archive)
    if where == "database":
        flipped = bytearray(data)
        flipped[len(flipped) // 2] ^= 0xFF
        change = {name: bytes(flipped)}
    else:  # the manifest edited to say the engine is the other one
        with tarfile.open(backed.archive) as source:
            content = source.extractfile("manifest.json")
            assert content is not None
            manifest = json.loads(content.read())
        manifest["engine"] = "sqlite" if manifest["engine"] == "postgresql" else "postgresql"
        change = {"manifest.json": json.dumps(manifest).encode()}
    damaged = rewritten(backed.archive, backed.folder / f"damaged-{where}.tar", change, {})
    target = site(backed.databases, backed.folder, f"damaged_{where}")
    done = target.manage("restore", str(damaged))
    assert done.returncode == 2
    expected = "không khớp mã băm" if where == "database" else "tệp bị hỏng"
    assert expected in done.stderr, done.stderr
    assert_nothing_restored(target)


def test_a_member_the_manifest_does_not_list_is_refused(backed: Backed):
    hostile = rewritten(
        backed.archive, backed.folder / "hostile.tar", {}, {"../../outside.txt": b"x"}
    )
    target = site(backed.databases, backed.folder, "hostile")
    done = target.manage("restore", str(hostile))
    assert done.returncode == 2 and "thành phần lạ" in done.stderr
    assert not (backed.folder / "outside.txt").exists()
    assert not (backed.folder.parent / "outside.txt").exists()
    assert_nothing_restored(target)


def test_a_missing_evidence_file_is_named_and_the_rest_is_still_backed_up(backed: Backed):
    copy = backed.folder / "evidence-with-a-gap"
    shutil.copytree(backed.source.evidence, copy)
    lost = sorted(p for p in copy.rglob("*") if p.is_file())[0]
    lost.unlink()
    gap = Site(backed.source.database_url, copy, backed.source.anchor)
    archive = backed.folder / "with-a-gap.tar"
    done = gap.manage("backup", str(archive))
    assert done.returncode == 1
    assert f"{lost.parent.name}/{lost.name}" in done.stderr
    with tarfile.open(archive) as written:
        content = written.extractfile("manifest.json")
        assert content is not None
        missing = json.loads(content.read())["evidence_missing"]
    assert missing == [f"{lost.parent.name}/{lost.name}"]


def test_an_existing_file_is_never_overwritten(backed: Backed):
    done = backed.source.manage("backup", str(backed.archive))
    assert done.returncode == 2 and "đã có" in done.stderr


WRITER = """
import time
from django.db import transaction
from portal.audit.services import audit_record
end, n = time.monotonic() + {seconds}, 0
while time.monotonic() < end:
    with transaction.atomic():
        audit_record(actor=None, actor_name="thử ghi", entity="deadline", action="update", new=n)
    n += 1
print(n)
"""


def audit_count(archive: Path) -> int:
    with tarfile.open(archive) as written:
        content = written.extractfile("manifest.json")
        assert content is not None
        count: int = json.loads(content.read())["audit"]["count"]
        return count


def test_a_backup_taken_while_the_portal_writes_restores_to_a_trail_that_verifies(
    backed: Backed,
):
    """One moment, whatever is committed meanwhile: the chain in the copy ends where its
    head says, and the anchor's checkpoints written after that moment are left out."""
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", WRITER.format(seconds=12)],
        cwd=REPO, env=backed.source.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        archive = backed.folder / "while-writing.tar"
        done = backed.source.manage("backup", str(archive))
        assert done.returncode == 0, done.stderr
    finally:
        written, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors[-2000:]
    before, during = audit_count(backed.archive), audit_count(archive)
    # the copy is of a moment after the writes began and before they ended
    assert before < during < before + int(written.split()[-1])
    target = site(backed.databases, backed.folder, "while_writing")
    restored = target.manage("restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert target.manage("audit_log_verify").returncode == 0
    assert backed.source.manage("audit_log_verify").returncode == 0  # and the source goes on
