"""`dti audit-log verify` as an administrator runs it: a separate process on the database
DTI_DATABASE_URL names (a temporary SQLite file), migrated with manage.py, entries recorded
by the portal, one row then changed with Python's sqlite3 module. Also the exit status 2
cases: a database not migrated, a bad DTI_DATABASE_URL.

Every step is a process of its own, as in production, so these tests are marked `slow`.
The database is migrated and its entries recorded once for the module; each test that
changes it works on its own copy (the file and its anchor folder)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

DTI = Path(sys.executable).with_name("dti")
RECORD = """
from portal.audit.services import audit_record
for n in range(5):
    audit_record(actor=None, actor_name="Quản trị hệ thống", entity="answer", action="save",
                 old={"value": str(n), "note": ""}, new={"value": f"{n}.5", "note": ""},
                 criterion="cqs_ky_so", reason="Thử nghiệm")
"""


def run(*command: str, database: Path | str) -> subprocess.CompletedProcess[str]:
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {**os.environ, "DTI_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    # This checkout's code, not whichever one the environment's editable install points at.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    if isinstance(database, Path):  # the anchor beside this database, not the project's var/
        env["DTI_AUDIT_ANCHOR_DIR"] = str(database.parent / "audit-anchor")
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def recorded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated with manage.py, then five entries recorded by the portal's own
    process (which checkpoints its first commit in the anchor folder beside the file)."""
    database = tmp_path_factory.mktemp("audit-e2e") / "dti.sqlite3"
    done = run(sys.executable, "manage.py", "migrate", "--no-input", "-v", "0", database=database)
    assert done.returncode == 0, done.stderr
    recorded = run(sys.executable, "manage.py", "shell", "-c", RECORD, database=database)
    assert recorded.returncode == 0, recorded.stderr
    return database


@pytest.fixture
def recorded(recorded_once: Path, tmp_path: Path) -> Path:
    """This test's own copy of the recorded database and of its anchor folder."""
    folder = shutil.copytree(recorded_once.parent, tmp_path / "copy")
    return folder / recorded_once.name


def test_it_exits_0_then_1_naming_the_row_changed_in_the_file(recorded: Path):
    intact = run(str(DTI), "audit-log", "verify", database=recorded)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "Nhật ký toàn vẹn: 5 mục" in intact.stdout
    with sqlite3.connect(recorded) as db:
        (third,) = db.execute(
            "SELECT id FROM audit_auditentry ORDER BY id LIMIT 1 OFFSET 2"
        ).fetchone()
        db.execute(
            "UPDATE audit_auditentry SET new = ? WHERE id = ?",
            ('{"value": "100", "note": ""}', third),
        )
    broken = run(str(DTI), "audit-log", "verify", database=recorded)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"chuỗi gãy tại mục #{third} (vị trí 3 trong chuỗi; sổ ghi có 5 mục)" in broken.stdout
    assert "Quản trị hệ thống" in broken.stdout
    assert "2 mục trước đó còn nguyên vẹn." in broken.stdout


def test_it_exits_2_on_a_database_that_is_not_migrated(tmp_path: Path):
    result = run(str(DTI), "audit-log", "verify", database=tmp_path / "empty.sqlite3")
    assert result.returncode == 2
    assert "chưa được cập nhật cấu trúc" in result.stderr
    assert "manage.py migrate" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_exits_2_on_a_bad_database_url(tmp_path: Path):
    result = run(str(DTI), "audit-log", "verify", database="mysql://dti@localhost/dti")
    assert result.returncode == 2
    assert "DTI_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_exits_2_when_the_database_cannot_be_read(tmp_path: Path):
    result = run(str(DTI), "audit-log", "verify", database="postgresql://dti:x@127.0.0.1:1/dti")
    assert result.returncode == 2
    assert "Không đọc được cơ sở dữ liệu" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_anchor_written_by_the_portal_catches_the_newest_entries_cut_in_the_file(
    recorded: Path,
):
    """The portal's own process checkpoints its commits in DTI_AUDIT_ANCHOR_DIR (the first
    one at once), `verify` checkpoints the intact chain; then the last two rows are deleted
    and the head rewritten with sqlite3, and the next `verify` names the truncation."""
    database = recorded
    anchor = database.parent / "audit-anchor" / "checkpoints.jsonl"
    assert '"count":1,' in anchor.read_text(encoding="utf-8")  # after the first commit
    intact = run(str(DTI), "audit-log", "verify", database=database)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert '"count":5,' in anchor.read_text(encoding="utf-8")
    with sqlite3.connect(database) as db:
        third_id, third_hash = db.execute(
            "SELECT id, hash FROM audit_auditentry ORDER BY id LIMIT 1 OFFSET 2"
        ).fetchone()
        db.execute("DELETE FROM audit_auditentry WHERE id > ?", (third_id,))
        db.execute(
            "UPDATE audit_audithead SET count = 3, last_hash = ?, last_id = ?",
            (third_hash, third_id),
        )
    cut = run(str(DTI), "audit-log", "verify", database=database)
    assert cut.returncode == 1, cut.stdout + cut.stderr
    assert "ghi chuỗi có 5 mục nhưng nay chỉ còn 3: 2 mục cuối đã bị cắt bỏ" in cut.stdout
