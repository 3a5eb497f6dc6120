"""What an operator reads: /healthz's checks, the request id on responses and log lines,
log lines as JSON, and errors mailed when DTI_ERROR_EMAILS is set (portal/observability.py,
docs/deployment.md#logs-and-health)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import timezone

from portal import observability
from portal.jobs.models import WorkerBeat
from portal.observability import JsonFormatter, RequestIdFilter
from tests.portal.workers import a_worker_beats

pytestmark = pytest.mark.django_db


@pytest.fixture
def folders(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.DTI_AUDIT_ANCHOR_DIR = tmp_path / "anchor"
    settings.EVIDENCE_ROOT.mkdir()
    settings.DTI_AUDIT_ANCHOR_DIR.mkdir()
    settings.HEALTH_MIN_FREE_MB = 1
    settings.JOB_FILES_ROOT = tmp_path / "job-files"
    a_worker_beats()
    return tmp_path


def test_healthy_when_the_database_answers_and_the_folders_take_files(client, folders):
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    checks = response.json()["checks"]
    assert set(checks) == {
        "database",
        "evidence",
        "evidence_disk",
        "audit_anchor",
        "audit_anchor_disk",
        "job_files",
        "job_files_disk",
        "worker",
    }
    assert all(check["ok"] for check in checks.values())
    assert checks["evidence_disk"]["detail"].endswith("MB free")
    assert checks["worker"]["detail"] == "1 running, 0 queued"


def test_unhealthy_when_no_worker_beats_lately(client, folders, settings, caplog):
    """A worker killed stops beating: after DTI_WORKER_STALE_SECONDS /healthz says so (the
    queued jobs would never run), and the error log says how many wait."""
    WorkerBeat.objects.update(beat_at=timezone.now() - timedelta(seconds=31))
    settings.WORKER_STALE_SECONDS = 30
    with caplog.at_level(logging.ERROR):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "detail": "0 running, 0 queued"}
    assert "no task worker is running" in caplog.text


def test_a_folder_not_made_yet_is_healthy_when_it_can_be_made(client, folders, settings):
    settings.EVIDENCE_ROOT = folders / "not-yet" / "evidence"
    assert client.get("/healthz").status_code == 200


def test_an_evidence_store_that_cannot_take_files_is_unhealthy_without_saying_where(
    client, folders, settings, caplog
):
    blocker = folders / "a-file"
    blocker.write_text("not a folder")
    settings.EVIDENCE_ROOT = blocker / "evidence"
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"
    assert response.json()["checks"]["evidence"] == {"ok": False, "detail": "not writable"}
    assert str(folders) not in response.content.decode()  # the path is for the operator's log
    assert str(blocker) in caplog.text


def test_a_full_disk_is_unhealthy(client, folders, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["evidence_disk"]["ok"] is False


def test_a_database_that_does_not_answer_is_unhealthy_and_its_error_is_not_shown(
    client, folders, monkeypatch, caplog
):
    class Refusing:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("connection to server at 10.0.0.5 refused")

    monkeypatch.setattr(observability, "connection", Refusing())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "detail": "unreachable"}
    assert "10.0.0.5" not in response.content.decode() and "10.0.0.5" in caplog.text


def test_a_database_that_takes_no_writes_is_unhealthy_and_says_so_in_the_log(
    client, folders, monkeypatch, caplog
):
    """SQLite's writes stopped after the disk failed to write its log (portal.sqlite): the
    pages still read, /healthz tells the monitoring, the error log tells the operator why."""

    class Stopped:
        vendor = "sqlite"

        def __init__(self) -> None:
            self.cursor = real.cursor

        def writes_stopped(self) -> str:
            return "/srv/dti/dti.sqlite3-unsynced: writes stopped: the disk did not write"

    real = observability.connection
    monkeypatch.setattr(observability, "connection", Stopped())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "detail": "writes stopped"}
    assert "/srv/dti" not in response.content.decode()
    assert "takes no writes: /srv/dti/dti.sqlite3-unsynced" in caplog.text


def test_every_response_carries_a_request_id_and_a_proxys_is_kept(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz")["X-Request-ID"]
    kept = "b6f1c2e0-8d7a-4a57-9a60-3a1f0f5d2c11"
    assert client.get("/healthz", headers={"X-Request-ID": kept})["X-Request-ID"] == kept


@pytest.mark.parametrize(
    "offered", ["short", "a b c d e f g h", "x" * 65, "id\nFAKE LOG LINE", "<script>"]
)
def test_a_request_id_that_does_not_look_like_one_is_replaced(client, offered):
    answered = client.get("/healthz", headers={"X-Request-ID": offered})["X-Request-ID"]
    assert answered != offered and len(answered) == 32


def test_a_log_line_is_one_json_object_with_the_request_id_and_the_traceback():
    request = RequestFactory().get("/dot-danh-gia/7/")
    request.request_id = "req-0123456789"
    try:
        raise ValueError("Điểm không hợp lệ")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Lỗi máy chủ: %s", ("/dot-danh-gia/7/",),
            exc_info=__import__("sys").exc_info(), extra={"status_code": 500, "request": request},
        )  # fmt: skip
    assert RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    logged = json.loads(line)
    assert logged["request_id"] == "req-0123456789"
    assert (logged["level"], logged["status"], logged["method"], logged["path"]) == (
        "ERROR", 500, "GET", "/dot-danh-gia/7/",
    )  # fmt: skip
    assert logged["message"] == "Lỗi máy chủ: /dot-danh-gia/7/"
    assert "ValueError: Điểm không hợp lệ" in logged["traceback"]


def test_outside_a_request_the_id_is_a_dash():
    record = logging.makeLogRecord({"msg": "checkpoint"})
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_a_server_error_is_mailed_when_error_emails_are_set(settings):
    settings.ADMINS = [("DTI", "van-hanh@example.vn")]
    logging.getLogger("django.request").error(
        "Internal Server Error: /x/", extra={"status_code": 500}
    )
    assert [message.to for message in mail.outbox] == [["van-hanh@example.vn"]]


def test_without_error_emails_nothing_is_mailed(settings):
    settings.ADMINS = []
    logging.getLogger("django.request").error(
        "Internal Server Error: /x/", extra={"status_code": 500}
    )
    assert mail.outbox == []
