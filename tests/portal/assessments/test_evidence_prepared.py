"""An evidence file is checked and stored before its transaction (evidence_files.add_upload):
its size, type, quota, content, viruses and signatures are checked with no lock held, so a
20 MB PDF's inspection never holds the database's write lock (on SQLite every save of every
unit waits for it). The transaction then only checks again what may have changed meanwhile
and writes the row; whatever it refuses, the stored file is removed and nothing is left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from portal.assessments import evidence_checks, evidence_files
from portal.assessments.models import Evidence, Submission
from portal.assessments.services import evidence_add_file, submission_submit
from portal.audit.models import AuditEntry
from portal.workflow import SubmissionState
from tests.portal.assessments.conftest import COMPLETE, PDF, save_fields
from tests.portal.conftest import Cast

CRITERION = "nts_ke_hoach"


def stored_files(root) -> list:  # type: ignore[no-untyped-def]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def add(cast: Cast, name: str = "ke-hoach.pdf", content: bytes = PDF) -> Evidence:
    return evidence_add_file(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.lan,
        criterion=CRITERION,
        upload=SimpleUploadedFile(name, content),
    )


def after_store(monkeypatch: pytest.MonkeyPatch, act: Callable[[], Any]) -> None:
    """Run `act` once, right after the next upload's file is stored, before its row is
    written."""
    store, done = evidence_files.store, []

    def stored(upload: Any) -> evidence_files.StoredFile:
        result = store(upload)
        if not done:
            done.append(True)
            act()
        return result

    monkeypatch.setattr(evidence_files, "store", stored)


@pytest.mark.django_db(transaction=True)
def test_the_file_is_checked_and_stored_with_no_transaction_and_written_in_one(
    cast: Cast, evidence_root, monkeypatch
):
    seen: dict[str, bool] = {}

    def watched(name: str, module: Any, attribute: str) -> None:
        real = getattr(module, attribute)

        def call(*args: Any, **kwargs: Any) -> Any:
            seen[name] = connection.in_atomic_block
            return real(*args, **kwargs)

        monkeypatch.setattr(module, attribute, call)

    watched("quota", evidence_checks, "evidence_bytes")
    watched("content", evidence_checks.evidence, "refusal")
    watched("viruses", evidence_checks, "check_virus")
    watched("signatures", evidence_files, "signatures_found")
    watched("store", evidence_files, "store")
    watched("row", evidence_files, "signatures_keep")
    evidence = add(cast)
    # the quota is counted twice: last under the submission's lock, in the transaction
    assert seen == {
        "quota": True,
        "content": False,
        "viruses": False,
        "signatures": False,
        "store": False,
        "row": True,
    }
    assert [path.read_bytes() for path in stored_files(evidence_root)] == [PDF]
    assert evidence.submission.state == SubmissionState.DRAFT


@pytest.mark.django_db(transaction=True)
def test_the_quota_is_first_counted_with_no_lock(cast: Cast, evidence_root, monkeypatch):
    counted: list[bool] = []
    real = evidence_checks.evidence_bytes

    def counting(campaign_unit_id: int) -> int:
        counted.append(connection.in_atomic_block)
        return real(campaign_unit_id)

    monkeypatch.setattr(evidence_checks, "evidence_bytes", counting)
    add(cast)
    assert counted == [False, True]  # before anything is read, then again under the lock


@pytest.mark.django_db
def test_a_submission_sent_meanwhile_refuses_the_file_and_removes_it(
    cast: Cast, evidence_root, monkeypatch
):
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    after_store(
        monkeypatch,
        lambda: submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan),
    )
    logged = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        add(cast)
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    assert submission.state == SubmissionState.SUBMITTED
    assert not Evidence.objects.exists() and stored_files(evidence_root) == []
    assert AuditEntry.objects.count() == logged + 1  # the submission's alone


@pytest.mark.django_db
def test_a_quota_filled_meanwhile_refuses_the_second_file_and_keeps_the_first(
    cast: Cast, evidence_root, settings, monkeypatch
):
    settings.EVIDENCE_QUOTA_BYTES = len(PDF) * 3 // 2  # room for one file, not two
    after_store(monkeypatch, lambda: add(cast, "truoc.pdf"))
    with pytest.raises(ValidationError) as refused:
        add(cast, "sau.pdf")
    assert "Không đủ dung lượng cho tệp “sau.pdf”" in refused.value.messages[0]
    [kept] = Evidence.objects.all()
    assert kept.original_name == "truoc.pdf"
    assert [path.name for path in stored_files(evidence_root)] == [kept.stored_name.split("/")[-1]]


@pytest.mark.django_db
def test_a_reporter_removed_meanwhile_is_refused_and_the_file_removed(
    cast: Cast, evidence_root, monkeypatch
):
    from django.core.exceptions import PermissionDenied

    from portal.accounts.models import Membership

    after_store(monkeypatch, lambda: Membership.objects.filter(user=cast.lan).delete())
    with pytest.raises(PermissionDenied):
        add(cast)
    assert not Evidence.objects.exists() and stored_files(evidence_root) == []


@pytest.mark.django_db
def test_a_refused_file_is_refused_before_anything_is_locked_or_stored(
    cast: Cast, evidence_root, monkeypatch
):
    """The person may not add evidence now: refused before the file is even read."""
    save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, COMPLETE)
    submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    read: list[str] = []
    monkeypatch.setattr(evidence_checks, "check_virus", lambda name, data: read.append(name))
    with pytest.raises(ValidationError):
        add(cast)
    assert read == [] and stored_files(evidence_root) == []


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_commit_keeps_the_file_of_the_row_committed(
    cast: Cast, evidence_root, monkeypatch
):
    """Something the write asked to run once committed fails (a notification's queueing):
    the row is stored, so its file stays."""
    from django.db import transaction

    from portal.assessments import services

    record = services._record_evidence

    def queue_down() -> None:
        raise RuntimeError("the task queue is down")

    def recorded(*args: Any, **kwargs: Any) -> None:
        record(*args, **kwargs)
        transaction.on_commit(queue_down)

    monkeypatch.setattr(services, "_record_evidence", recorded)
    with pytest.raises(RuntimeError):
        add(cast)
    [evidence] = Evidence.objects.all()
    assert [path.read_bytes() for path in stored_files(evidence_root)] == [PDF]
    assert evidence.stored_name.endswith(stored_files(evidence_root)[0].name)


@pytest.mark.django_db
def test_a_self_assessment_closed_while_the_file_is_checked_refuses_it(
    cast: Cast, evidence_root, monkeypatch
):
    """The request read the campaign before the file's checks, which may take seconds: the
    write reads it again under the lock."""
    from portal.campaigns.models import Campaign
    from portal.workflow import CampaignState

    campaign_unit = cast.noi_vu_campaign_unit
    assert campaign_unit.campaign.state == CampaignState.OPEN  # read, as a request reads it
    after_store(
        monkeypatch,
        lambda: Campaign.objects.filter(pk=campaign_unit.campaign_id).update(
            state=CampaignState.SELF_ASSESSMENT_CLOSED
        ),
    )
    with pytest.raises(ValidationError):
        add(cast)
    assert not Evidence.objects.exists() and stored_files(evidence_root) == []
