"""Evidence in an S3-compatible bucket (DTI_EVIDENCE_S3_BUCKET): the same journeys as in the
folder (upload, download, deletion, the refusals), the file kept under the bucket's prefix
and nowhere on the server's disk; a bucket that does not answer refuses the upload with a
clear message and writes nothing; `/healthz` asks the bucket. The bucket is moto's S3
server on 127.0.0.1 (tests/bucket.py)."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator

import pytest
from botocore.config import Config
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.assessments.models import Evidence
from tests.bucket import Bucket, free_port, new_bucket
from tests.portal.assessments.conftest import CONFIRMED, EXE, PDF, notice_in_block, url
from tests.portal.conftest import Cast

CRITERION = "nts_ke_hoach"


@pytest.fixture
def bucket(s3_endpoint: str, settings, evidence_root) -> Bucket:  # type: ignore[no-untyped-def]
    """A new bucket as the evidence store; the folder kept empty to show nothing goes there."""
    made = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "evidence": made.storage()}
    return made


def upload(cast: Cast, name: str, content: bytes):  # type: ignore[no-untyped-def]
    target = url("evidence_upload", cast.noi_vu_campaign_unit, CRITERION)
    return cast.client(cast.lan).post(
        target, {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def on_disk(root) -> list:  # type: ignore[no-untyped-def]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_upload_is_kept_in_the_bucket_and_downloads_whole(
    cast: Cast, bucket: Bucket, evidence_root
):
    response = upload(cast, "Kế hoạch 2025.pdf", PDF)
    notice_in_block(response, CRITERION, "Đã thêm tệp “Kế hoạch 2025.pdf”.", ok=True)
    evidence = Evidence.objects.get()
    assert bucket.objects() == {evidence.stored_name: PDF}
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert on_disk(evidence_root) == []  # nothing on the app server's disk

    for who in (cast.lan, cast.minh, cast.quang):  # the reporter, the approver, the office
        download = cast.client(who).get(
            url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk)
        )
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content) == PDF


def test_another_province_still_gets_404_for_a_file_in_the_bucket(cast: Cast, bucket: Bucket):
    upload(cast, "ke-hoach.pdf", PDF)
    evidence = Evidence.objects.get()
    response = cast.client(cast.khoa).get(
        url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk)
    )
    assert response.status_code == 404


def test_deleting_evidence_removes_the_object(
    cast: Cast, bucket: Bucket, django_capture_on_commit_callbacks
):
    upload(cast, "ke-hoach.pdf", PDF)
    evidence = Evidence.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(cast.lan).post(
            url("evidence_delete", cast.noi_vu_campaign_unit, evidence.pk), CONFIRMED, follow=True
        )
    notice_in_block(response, CRITERION, "Đã xoá minh chứng “ke-hoach.pdf”.", ok=True)
    assert Evidence.objects.count() == 0
    assert bucket.objects() == {}


def test_a_refused_file_never_reaches_the_bucket(cast: Cast, bucket: Bucket, settings):
    response = upload(cast, "bao-cao.pdf", EXE)
    assert "không phải PDF" in response.content.decode()
    settings.EVIDENCE_MAX_BYTES = 100
    response = upload(cast, "ke-hoach.pdf", PDF + b"0" * 200)
    assert "Tệp quá lớn" in response.content.decode()
    assert Evidence.objects.count() == 0
    assert bucket.objects() == {}


def test_a_failure_after_the_file_is_stored_removes_it_from_the_bucket(cast: Cast, bucket: Bucket):
    from portal.assessments import evidence_files
    from portal.assessments.models import Submission

    def refuse(evidence: Evidence) -> None:
        raise RuntimeError("the caller's audit failed")

    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    stored = []

    def write(checked: evidence_files.CheckedUpload) -> Evidence:
        stored.append(checked.stored.stored_name)
        assert bucket.objects()  # in the bucket already when the row is written
        return evidence_files.add_checked(
            submission=submission, criterion=CRITERION, actor=cast.lan, record=refuse,
            checked=checked,
        )  # fmt: skip

    with pytest.raises(RuntimeError):
        evidence_files.add_upload(
            campaign_unit=cast.noi_vu_campaign_unit,
            upload=SimpleUploadedFile("ke-hoach.pdf", PDF),
            write=write,
        )
    assert stored and bucket.objects() == {}


def test_a_file_missing_from_the_bucket_is_a_plain_404(cast: Cast, bucket: Bucket):
    upload(cast, "ke-hoach.pdf", PDF)
    evidence = Evidence.objects.get()
    bucket.remove(evidence.stored_name)
    response = cast.client(cast.lan).get(
        url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk)
    )
    assert response.status_code == 404  # the site's page for what is not there, no trace


@pytest.fixture
def silent() -> Iterator[str]:
    """An address that takes the connection and never answers (a bucket behind a dead
    proxy): each request times out."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


QUICK = Config(s3={"addressing_style": "path"}, signature_version="s3v4", connect_timeout=1,
               read_timeout=1, retries={"max_attempts": 1})  # fmt: skip


@pytest.mark.parametrize("away", ["refused", "silent"])
def test_a_bucket_that_does_not_answer_refuses_the_upload_and_writes_nothing(
    cast: Cast, bucket: Bucket, settings, caplog, away, request
):
    upload(cast, "truoc.pdf", PDF)  # one file kept while the bucket answered
    kept = Evidence.objects.get()
    gone = (
        f"http://127.0.0.1:{free_port()}"
        if away == "refused"
        else request.getfixturevalue("silent")
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": bucket.storage(endpoint_url=gone, client_config=QUICK),
    }
    response = upload(cast, "ke-hoach.pdf", PDF)
    notice_in_block(
        response, CRITERION,
        "Chưa lưu được tệp vào kho minh chứng. Vui lòng thử lại sau ít phút.", ok=False,
    )  # fmt: skip
    assert list(Evidence.objects.all()) == [kept]
    download = cast.client(cast.lan).get(
        url("evidence_download", cast.noi_vu_campaign_unit, kept.pk)
    )
    assert download.status_code == 503
    assert "Kho minh chứng tạm thời chưa trả lời" in download.content.decode()
    assert "could not be written" in caplog.text  # the cause is in the log, for the operator


def test_a_deletion_when_the_bucket_fails_still_deletes_and_logs_the_file_left(
    cast: Cast, bucket: Bucket, settings, caplog, django_capture_on_commit_callbacks
):
    upload(cast, "ke-hoach.pdf", PDF)
    evidence = Evidence.objects.get()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": bucket.storage(endpoint_url=f"http://127.0.0.1:{free_port()}",
                                   client_config=QUICK),
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(cast.lan).post(
            url("evidence_delete", cast.noi_vu_campaign_unit, evidence.pk), CONFIRMED, follow=True
        )
    notice_in_block(response, CRITERION, "Đã xoá minh chứng “ke-hoach.pdf”.", ok=True)
    assert Evidence.objects.count() == 0
    assert list(bucket.objects()) == [evidence.stored_name]  # left, and said so in the log
    assert f"{evidence.stored_name} could not be removed" in caplog.text


@pytest.mark.parametrize("name", ["../../etc/passwd", "evidence/ab", "ab/" + "c" * 40 + "/x"])
def test_a_stored_name_the_portal_never_gives_is_never_read(cast: Cast, bucket: Bucket, name):
    upload(cast, "ke-hoach.pdf", PDF)
    evidence = Evidence.objects.get()
    bucket.client().put_object(Bucket=bucket.name, Key=f"evidence/{name}", Body=b"secret")
    Evidence.objects.filter(pk=evidence.pk).update(stored_name=name)
    response = cast.client(cast.lan).get(
        url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk)
    )
    assert response.status_code == 404


def test_healthz_asks_the_bucket(client, db, bucket: Bucket, settings):
    answer = client.get("/healthz").json()
    assert answer["checks"]["evidence"] == {"ok": True, "detail": "bucket"}
    settings.STORAGES = {**settings.STORAGES, "evidence": bucket.storage(bucket_name="khong-co")}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["evidence"] == {"ok": False, "detail": "unreachable"}
