"""Paths every test shares, and the test databases' settings. The published tables are read where they live, in
shared/reference/tables/ next to the repository: never copied into it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The S3-compatible object store's fixture (s3_endpoint), for the tests of the evidence bucket.
pytest_plugins = ["tests.bucket"]

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
TABLES = REPO.parent / "shared" / "reference" / "tables"

if not TABLES.is_dir():  # fail loudly: these tests must not pass vacuously
    raise RuntimeError(
        f"Published reference tables not found at {TABLES}: check out shared/ beside the repo"
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
) -> Iterator[None]:
    """The live server answers each request in a new thread; with persistent connections
    (CONN_MAX_AGE) those threads would keep PostgreSQL sessions open after the tests, and the
    test database could not be dropped. Tests close every connection at the end of a request.

    SQLite's test database is a file (one per test process), as in production, not Django's
    default shared-cache memory database: there, two connections writing at once fail with
    "database table is locked" instead of waiting their turn, so concurrency could not be
    tested the way the product runs."""
    from django.conf import settings

    folders = []
    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0
        if database["ENGINE"] == "portal.sqlite":
            folder = Path(tempfile.mkdtemp(prefix="dti-test-db-"))
            folders.append(folder)
            database["TEST"] = {**database.get("TEST", {}), "NAME": str(folder / "test.sqlite3")}
    yield
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def requests_as_the_portal_builds_them() -> Iterator[None]:
    """The tests' client and live server build each request as the portal's own handler
    does (portal.wsgi: a form's body read by portal.form_body), not as Django's default."""
    from django.core.handlers.wsgi import WSGIHandler

    from portal.form_body import FormRequest

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.test.client.WSGIRequest", FormRequest)  # the client's handler
        patch.setattr(WSGIHandler, "request_class", FormRequest)  # the live server's
        yield


@pytest.fixture(autouse=True)
def audit_anchor(settings: Any, tmp_path: Path) -> Path:
    """Each test's audit trail is checkpointed in its own folder: the checkpoints of one
    test's chain would otherwise be checked against the next test's (docs/audit-trail.md)."""
    settings.DTI_AUDIT_ANCHOR_DIR = tmp_path / "audit-anchor"
    return settings.DTI_AUDIT_ANCHOR_DIR


@pytest.fixture(autouse=True)
def audit_sealed_at_once(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test run inside one transaction (pytest-django's `db`) never commits, so the seal
    that follows every commit on PostgreSQL (portal.audit.sealing) would never run: there,
    audit entries are sealed as soon as they are written, as SQLite does. Tests on real
    commits (`transactional_db`, the live server, other processes) seal as production does.
    Tests marked `audit_pending` look at entries before they are sealed: nothing seals them
    until the test calls `audit_seal`, as after a server stopped between commit and seal
    (a writer that links its own, `audit_append(linked=True)`, still does)."""
    from portal.audit import services
    from portal.audit.sealing import audit_seal

    if request.node.get_closest_marker("audit_pending"):
        monkeypatch.setattr(services, "seal_after_commit", lambda known, using="default": None)
        # written with their marks, as by a writer whose seal follows its commit
        monkeypatch.setattr(services, "sealed_with_writer", lambda using="default": False)
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
        monkeypatch.setattr(
            services, "seal_after_commit", lambda known, using="default": audit_seal(using, known)
        )


@pytest.fixture(autouse=True)
def frameworks_built_afresh() -> Iterator[None]:
    """The frameworks of opened campaigns are kept built per process by the campaign's id
    (portal.assessments.selectors): a test's database is rolled back and the next test's
    campaigns reuse those ids, as a deployment's never do."""
    from portal.assessments import selectors

    yield
    selectors._OPENED.clear()


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Path) -> Path:
    """Each test's job files (reports, exports) in its own folder (docs/tasks.md)."""
    settings.JOB_FILES_ROOT = tmp_path / "job-files"
    return settings.JOB_FILES_ROOT


@pytest.fixture(scope="session")
def pki() -> Any:
    """A throwaway PKI (tests/signing.py), made once per test process."""
    from tests.signing import Pki

    return Pki()
