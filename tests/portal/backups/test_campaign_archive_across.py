"""A campaign archive moves between two deployments as an operator moves it: written by
`campaign_export` on one (the demo), imported by `campaign_import --expect-sha256` into a
fresh one with nothing in it, in processes of their own, on the suite's engine (SQLite
files, or fresh databases on the test's PostgreSQL server). The rows are counted and the
files compared in both databases and stores directly, and both trails verify."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.conftest import TABLES
from tests.portal.backups.test_backup_restore import (
    Databases,
    files_under,
    rows_of_every_table,
    site,
)

pytestmark = pytest.mark.slow  # a migrated demo database and several processes


def test_a_campaign_moves_to_a_fresh_deployment_with_its_files_and_history(tmp_path: Path):
    databases = Databases(tmp_path)
    source, target = site(databases, tmp_path, "source"), site(databases, tmp_path, "target")
    try:
        for step in (("migrate", "-v", "0"), ("load_demo", "--tables", str(TABLES))):
            done = source.manage(*step)
            assert done.returncode == 0, done.stderr[-3000:]
        listed = source.manage("campaign_export", "999999", str(tmp_path / "none.tar"))
        assert listed.returncode == 2
        number = re.search(r"(\d+): Bình Phước, 2025,", listed.stderr)
        assert number, listed.stderr
        archive = tmp_path / "binh-phuoc-2025.tar"
        done = source.manage("campaign_export", number.group(1), str(archive))
        assert done.returncode == 0, done.stderr
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        assert digest in done.stdout

        assert target.manage("migrate", "-v", "0").returncode == 0
        done = target.manage("campaign_import", str(archive), "--expect-sha256", digest)
        assert done.returncode == 0, done.stderr
        assert (
            "Đã nhập đợt “Đánh giá chuyển đổi số năm 2025” năm 2025 vào Bình Phước" in done.stdout
        )
        assert "1 tỉnh" in done.stdout

        before = rows_of_every_table(source.database_url)
        after = rows_of_every_table(target.database_url)
        for table in ("appraisals_appraisal", "assessments_evidence", "campaigns_campaignunit"):
            assert len(after[table]) > 0
        # the target holds this one campaign: every appraisal row of the source's Bình
        # Phước 2025 (the demo's only campaign in appraisal) and every file it names
        assert len(after["appraisals_appraisal"]) == len(before["appraisals_appraisal"])
        moved = set(files_under(target.evidence).values())
        assert moved and moved <= set(files_under(source.evidence).values())
        verified = target.manage("audit_log_verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "mục nhật ký mang sang từ hệ thống khác" in verified.stdout
        assert source.manage("audit_log_verify").returncode == 0
    finally:
        databases.drop_all()
