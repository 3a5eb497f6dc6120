"""A deployment whose evidence is in an S3-compatible bucket (DTI_EVIDENCE_S3_BUCKET) backs
up and restores as one with a folder: `manage.py backup` downloads the files the rows name
into the backup, `manage.py restore` puts them into the target's bucket, and both sides hold
the same rows and the same files; a file missing from the bucket is named. The bucket is
moto's S3 server on 127.0.0.1 (tests/bucket.py); the commands run in processes of their own
on the suite's engine (test_backup_restore.py)."""

from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import dataclass

import pytest

from tests.bucket import Bucket, new_bucket
from tests.conftest import TABLES
from tests.portal.backups.test_backup_restore import Databases, Site, rows_of_every_table

pytestmark = pytest.mark.slow  # the demo in a bucket, and four commands


@dataclass(frozen=True)
class BucketSite(Site):
    bucket: Bucket

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.bucket.env()}


def test_a_deployment_in_a_bucket_backs_up_and_restores_its_files(
    s3_endpoint: str, tmp_path
) -> None:
    databases = Databases(tmp_path)
    source, target = (
        BucketSite(
            databases.new(name),
            tmp_path / name / "unused",
            tmp_path / name / "anchor",
            new_bucket(s3_endpoint),
        )
        for name in ("source", "target")
    )
    try:
        for step in (("migrate", "-v", "0"), ("load_demo", "--tables", str(TABLES))):
            done = source.manage(*step)
            assert done.returncode == 0, done.stderr[-3000:]
        files = source.bucket.objects()
        assert len(files) > 10  # the demo's evidence went to the bucket
        assert not source.evidence.exists()  # and nothing to the folder

        archive = tmp_path / "dti-backup.tar"
        done = source.manage("backup", str(archive))
        assert done.returncode == 0, done.stderr[-3000:]
        with tarfile.open(archive) as written:
            for name, content in files.items():
                member = written.extractfile(f"evidence/{name}")
                assert member is not None and member.read() == content

        done = target.manage("restore", str(archive))
        assert done.returncode == 0, done.stderr[-3000:]
        assert target.bucket.objects() == files
        assert rows_of_every_table(target.database_url) == rows_of_every_table(source.database_url)
        verified = target.manage("audit_log_verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr

        lost = sorted(files)[0]
        source.bucket.remove(lost)
        done = source.manage("backup", str(tmp_path / "with-a-gap.tar"))
        assert done.returncode == 1 and lost in done.stderr
        with tarfile.open(tmp_path / "with-a-gap.tar") as written:
            content = written.extractfile("manifest.json")
            assert content is not None
            manifest = json.loads(content.read())
        assert manifest["evidence_missing"] == [lost]
        kept = {item["path"]: item["sha256"] for item in manifest["files"]}
        assert all(
            kept[f"evidence/{name}"] == hashlib.sha256(content).hexdigest()
            for name, content in files.items()
            if name != lost
        )
    finally:
        databases.drop_all()
