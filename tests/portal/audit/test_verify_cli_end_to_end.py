"""`manage.py audit_log_verify` as an administrator runs it: separate processes on the
database DTI_DATABASE_URL names (a temporary SQLite file), migrated with manage.py, entries
recorded by the portal, which checkpoints them in the anchor outside the database, the
newest rows then cut with Python's sqlite3 module. The one test that starts processes: what
it adds to the in-process tests (test_verify_cli.py, test_anchor.py) is the real command
line, the settings read from the environment, and an anchor written by another process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

VERIFY = (sys.executable, "manage.py", "audit_log_verify")
RECORD = """
from portal.audit.services import audit_record
for n in range(5):
    audit_record(actor=None, actor_name="Quản trị hệ thống", entity="answer", action="save",
                 old={"value": str(n), "note": ""}, new={"value": f"{n}.5", "note": ""},
                 criterion="cqs_ky_so", reason="Thử nghiệm")
"""


def run(*command: str, database: Path, url: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DTI_DATABASE_URL": url or f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        # the anchor beside this database, not the project's var/
        "DTI_AUDIT_ANCHOR_DIR": str(database.parent / "audit-anchor"),
    }
    # This checkout's code, not whichever one the environment's editable install points at.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


pytestmark = pytest.mark.slow  # processes of their own, as in production


def test_the_anchor_written_by_the_portal_catches_the_newest_entries_cut_in_the_file(
    tmp_path: Path,
):
    """The portal's own process checkpoints its commits in DTI_AUDIT_ANCHOR_DIR (the first
    one at once), `verify` checkpoints the intact chain; then the last two rows are deleted
    and the head rewritten with sqlite3, and the next `verify` names the truncation."""
    database = tmp_path / "dti.sqlite3"
    done = run(sys.executable, "manage.py", "migrate", "--no-input", "-v", "0", database=database)
    assert done.returncode == 0, done.stderr
    recorded = run(sys.executable, "manage.py", "shell", "-c", RECORD, database=database)
    assert recorded.returncode == 0, recorded.stderr
    anchor = tmp_path / "audit-anchor" / "checkpoints.jsonl"
    assert '"count":1,' in anchor.read_text(encoding="utf-8")  # after the first commit
    intact = run(*VERIFY, database=database)
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
    cut = run(*VERIFY, database=database)
    assert cut.returncode == 1, cut.stdout + cut.stderr
    assert "ghi chuỗi có 5 mục nhưng nay chỉ còn 3: 2 mục cuối đã bị cắt bỏ" in cut.stdout


def test_a_bad_database_url_is_said_in_one_line_with_exit_status_2(tmp_path: Path):
    """A setting the portal cannot use stops the command before it runs: one line naming the
    variable, no traceback, exit status 2 (1 means a broken chain, and only that)."""
    result = run(*VERIFY, database=tmp_path / "dti.sqlite3", url="mysql://dti@localhost/dti")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("Lỗi cấu hình: ")
    assert "DTI_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
