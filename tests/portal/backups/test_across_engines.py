"""A backup restored into the other engine, as an operator moves a deployment: the demo
province on SQLite backed up and restored into PostgreSQL, that copy backed up and restored
into SQLite again; every table exported from each (as values: times in UTC to the
microsecond, decimals, JSON) is the same as the source's, the evidence files are the same,
and the audit trail verifies. Both passes of `make test` run it: on a PostgreSQL server of
its own when the suite runs on SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, TABLES
from tests.portal.backups.test_backup_restore import (
    Databases,
    Site,
    assert_nothing_restored,
    files_under,
    rewritten,
    site,
)

pytestmark = pytest.mark.slow  # a migrated demo database, a PostgreSQL server, processes

HOLD = "import os, sys; print(os.environ['DTI_DATABASE_URL'], flush=True); sys.stdin.read()"

EXPORT = """
import datetime, decimal, json, os, uuid
from django.apps import apps

def plain(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value

out = {}
for model in apps.get_models(include_auto_created=True):
    if model._meta.managed and not model._meta.proxy:
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.order_by("pk").values_list(*names)
        out[model._meta.db_table] = [[plain(v) for v in row] for row in rows]
with open(os.environ["EXPORT_TO"], "w", encoding="utf-8") as file:
    json.dump(out, file, sort_keys=True, ensure_ascii=False)
"""


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """The suite's PostgreSQL server, or a throwaway one (scripts/with-postgres) held open
    for this module and stopped after it."""
    url = os.environ.get("DTI_DATABASE_URL", "")
    if url.startswith("postgres"):
        yield url
        return
    holder = subprocess.Popen(
        [str(REPO / "scripts" / "with-postgres"), sys.executable, "-c", HOLD],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdin is not None
    try:
        url = holder.stdout.readline().strip()
        assert url.startswith("postgres"), "scripts/with-postgres did not start a server"
        yield url
    finally:
        holder.stdin.close()
        holder.wait(timeout=120)


def exported(where: Site, out: Path) -> dict[str, list[list[object]]]:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", EXPORT],
        cwd=REPO, env={**where.env(), "EXPORT_TO": str(out)}, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    tables: dict[str, list[list[object]]] = json.loads(out.read_text(encoding="utf-8"))
    return tables


def test_a_backup_moves_from_sqlite_to_postgresql_and_back_value_for_value(
    tmp_path: Path, postgres_url: str
):
    on_sqlite, on_postgres = Databases(tmp_path), Databases(tmp_path)
    on_sqlite.server, on_postgres.server = "", postgres_url
    try:
        source = site(on_sqlite, tmp_path, "source")
        for step in (("migrate", "-v", "0"), ("load_demo", "--tables", str(TABLES))):
            done = source.manage(*step)
            assert done.returncode == 0, done.stderr[-3000:]
        archive = tmp_path / "from-sqlite.tar"
        assert source.manage("backup", str(archive)).returncode == 0
        before = exported(source, tmp_path / "source.json")
        assert sum(len(rows) for rows in before.values()) > 1000  # the demo, not a shell

        into_postgres = site(on_postgres, tmp_path, "into_postgres")
        done = into_postgres.manage("restore", str(archive))
        assert done.returncode == 0, done.stderr[-3000:]
        assert "nguyên vẹn" in done.stdout
        assert exported(into_postgres, tmp_path / "postgres.json") == before
        assert files_under(into_postgres.evidence) == files_under(source.evidence)
        assert into_postgres.manage("audit_log_verify").returncode == 0

        back_archive = tmp_path / "from-postgresql.tar"
        assert into_postgres.manage("backup", str(back_archive)).returncode == 0
        back = site(on_sqlite, tmp_path, "back")
        done = back.manage("restore", str(back_archive))
        assert done.returncode == 0, done.stderr[-3000:]
        assert exported(back, tmp_path / "back.json") == before
        assert back.manage("audit_log_verify").returncode == 0

        # A backup of another release's tables is refused across engines, before anything.
        with tarfile.open(archive) as written:
            content = written.extractfile("manifest.json")
            assert content is not None
            manifest = json.loads(content.read())
        manifest["migrations"] = manifest["migrations"][:-1]
        older = rewritten(
            archive, tmp_path / "older.tar", {"manifest.json": json.dumps(manifest).encode()}, {}
        )
        refused = site(on_postgres, tmp_path, "refused")
        done = refused.manage("restore", str(older))
        assert done.returncode == 2 and "cùng phiên bản" in done.stderr, done.stderr
        assert_nothing_restored(refused)
    finally:
        on_postgres.drop_all()
