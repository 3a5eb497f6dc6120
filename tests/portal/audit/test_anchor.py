"""The anchor outside the database (portal.audit.anchor, dti.anchor): checkpoints written
after audited commits and at the end of every intact check, then checked by every run. What
the chain alone cannot see, the newest entries cut off and the head rewritten to match, or
a checkpointed entry rewritten with every later hash recomputed, is caught here. A failure
to write the anchor never undoes the user's change, and the integrity page says so."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dti.anchor import Anchor, checkpoint_now
from dti.ledger import GENESIS, link_hash
from portal.audit.anchor import checkpoint_if_due, checkpoint_write
from portal.audit.models import AuditEntry, AuditHead
from portal.audit.services import Record, audit_append, audit_entries, audit_record
from portal.campaigns.models import Campaign
from portal.campaigns.services import campaign_update
from tests.portal.audit.conftest import Log, tamper, verify
from tests.portal.conftest import Cast
from tests.portal.jobs import job_of, run_jobs


def checkpoints(folder: Path) -> list[dict[str, object]]:
    lines = (folder / "checkpoints.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def set_head(count: int, last: AuditEntry | None) -> None:
    """Rewrite the head row to match what is left, as someone covering their tracks would."""
    tamper(
        "UPDATE audit_audithead SET count = %s, last_hash = %s, last_id = %s",
        [count, last.hash if last else GENESIS, last.pk if last else None],
    )


@pytest.mark.django_db
def test_cutting_the_newest_entries_and_rewriting_the_head_is_named_as_truncation(log: Log):
    assert verify().exit_code == 0  # the check checkpoints the 7 entries
    tamper("DELETE FROM {table} WHERE id > %s", [log.ids[3]])
    set_head(4, log.entries[3])
    result = verify()
    assert result.exit_code == 1, result.output
    assert "chuỗi gãy tại mục đã mất (vị trí 5 trong chuỗi; sổ ghi có 4 mục)" in result.output
    assert "ghi chuỗi có 7 mục nhưng nay chỉ còn 4: 3 mục cuối đã bị cắt bỏ" in result.output
    assert "Đã đối chiếu 1 mốc neo ngoài cơ sở dữ liệu" in result.output


@pytest.mark.django_db
def test_deleting_every_entry_and_emptying_the_head_is_named_as_truncation(log: Log):
    assert verify().exit_code == 0
    tamper("DELETE FROM {table}")
    set_head(0, None)
    result = verify()
    assert result.exit_code == 1, result.output
    assert "ghi chuỗi có 7 mục nhưng nay chỉ còn 0" in result.output


@pytest.mark.django_db
def test_deleting_every_entry_and_the_head_is_named_as_truncation(log: Log):
    assert verify().exit_code == 0
    tamper("DELETE FROM {table}")
    tamper("DELETE FROM audit_audithead")
    result = verify()
    assert result.exit_code == 1, result.output
    assert "nay chỉ còn 0: 7 mục cuối đã bị cắt bỏ" in result.output


@pytest.mark.django_db
def test_a_checkpointed_entry_rewritten_with_every_later_hash_recomputed_is_caught(log: Log):
    fourth = log.entries[3]
    assert checkpoint_write(4, fourth.hash) is None
    tamper("UPDATE {table} SET reason = %s WHERE id = %s", ["viết lại", fourth.pk])
    previous = log.entries[2].hash
    for audit_entry in AuditEntry.objects.filter(pk__gte=fourth.pk).order_by("pk"):
        digest = link_hash(previous, audit_entry.content())
        tamper(
            "UPDATE {table} SET previous_hash = %s, hash = %s WHERE id = %s",
            [previous, digest, audit_entry.pk],
        )
        previous = digest
    tamper("UPDATE audit_audithead SET last_hash = %s", [previous])
    result = verify()
    assert result.exit_code == 1, result.output
    assert f"chuỗi gãy tại mục #{fourth.pk} (vị trí 4 trong chuỗi" in result.output
    assert "ghi mục thứ 4 có mã băm" in result.output
    assert "nhật ký đã bị viết lại (mục này hoặc một mục bất kỳ trước nó" in result.output
    assert "còn nguyên vẹn" not in result.output  # nothing up to there is known to be intact


@pytest.mark.django_db
def test_every_run_says_how_many_checkpoints_it_checked_and_when_the_newest_was(
    log: Log, audit_anchor: Path
):
    assert "Chưa có mốc neo nào" in verify().output
    second = verify()
    assert second.exit_code == 0
    assert "Đã đối chiếu 1 mốc neo ngoài cơ sở dữ liệu; mốc mới nhất lúc" in second.output
    written = checkpoints(audit_anchor)
    assert [c["count"] for c in written] == [7, 7]
    assert written[-1]["hash"] == AuditHead.objects.get().last_hash


@pytest.mark.django_db
def test_the_anchor_file_and_folder_are_private(log: Log, audit_anchor: Path):
    verify()
    assert stat.S_IMODE(os.stat(audit_anchor).st_mode) == 0o750
    assert stat.S_IMODE(os.stat(audit_anchor / "checkpoints.jsonl").st_mode) == 0o640


@pytest.mark.django_db
def test_a_damaged_anchor_line_fails_the_check_naming_the_line(log: Log, audit_anchor: Path):
    verify()
    with (audit_anchor / "checkpoints.jsonl").open("a", encoding="utf-8") as file:
        file.write("không phải JSON\n")
    result = verify()
    assert result.exit_code == 1, result.output
    assert "dòng 2 của tệp mốc không đọc được" in result.output


@pytest.mark.parametrize(
    ("kept", "says"),
    [
        ("abc", "64 chữ số thập lục phân"),
        ("g" * 64, "64 chữ số thập lục phân"),
        ("0" * 63, "64 chữ số thập lục phân"),
        ("0" * 64, "mã toàn số 0 là điểm khởi đầu của mọi chuỗi"),
    ],
)
def test_a_malformed_or_all_zero_kept_hash_is_refused_with_exit_2(kept: str, says: str):
    result = verify("--kept", kept)
    assert result.exit_code == 2, result.output
    assert says in result.stderr


# ---- written after commits -------------------------------------------------------------


def record(number: int) -> None:
    audit_record(
        actor=None,
        actor_name="Quản trị hệ thống",
        entity="answer",
        action="save",
        old=number,
        new=number + 1,
    )


@pytest.mark.django_db(transaction=True)
def test_audited_commits_are_checkpointed_every_n_entries(settings, audit_anchor: Path):
    settings.DTI_AUDIT_ANCHOR_EVERY = 3
    for number in range(7):
        record(number)  # each in its own transaction, committed
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1, 4, 7]


@pytest.mark.django_db(transaction=True)
def test_audited_commits_are_checkpointed_after_m_seconds(settings, audit_anchor, time_machine):
    settings.DTI_AUDIT_ANCHOR_EVERY = 100
    time_machine.move_to(timezone.now(), tick=False)
    record(1)
    record(2)
    time_machine.shift(timedelta(seconds=settings.DTI_AUDIT_ANCHOR_SECONDS))
    record(3)
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1, 3]


@pytest.mark.django_db(transaction=True)
def test_the_anchor_file_is_read_only_when_a_checkpoint_may_be_due(
    settings, audit_anchor: Path, monkeypatch: pytest.MonkeyPatch
):
    settings.DTI_AUDIT_ANCHOR_EVERY = 3
    reads = []
    last = Anchor.last
    monkeypatch.setattr(Anchor, "last", lambda self: reads.append(1) or last(self))
    record(0)  # the first checkpoint
    reads.clear()
    record(1)
    record(2)
    assert not reads  # 1 and 2 entries after the checkpoint this process wrote: not due
    record(3)
    assert reads and [c["count"] for c in checkpoints(audit_anchor)] == [1, 4]


def linked(number: int) -> None:
    """An entry linked as it is written, as a save's is, committed at once."""
    entry = Record(actor=None, entity="answer", action="save", old=number, new=number + 1)
    with transaction.atomic():
        audit_append(audit_entries([entry]), linked=True)


HEAD_READ = '"audit_audithead"."count" AS "count"'  # the look after a commit


@pytest.mark.django_db(transaction=True)
def test_a_linked_commit_that_makes_no_checkpoint_due_reads_nothing_more(
    settings, audit_anchor: Path
):
    """A save knows the chain's length its commit leaves: unless that makes a checkpoint
    due, the look after it costs no query. The one that makes it due writes it."""
    settings.DTI_AUDIT_ANCHOR_EVERY = 3
    linked(0)  # the first checkpoint
    with CaptureQueriesContext(connection) as captured:
        linked(1)
        linked(2)
    assert not [q for q in captured.captured_queries if HEAD_READ in q["sql"]]
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1]
    with CaptureQueriesContext(connection) as captured:
        linked(3)
    assert [q for q in captured.captured_queries if HEAD_READ in q["sql"]]
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1, 4]
    assert AuditHead.objects.get().count == 4


@pytest.mark.django_db(transaction=True)
def test_the_look_trusts_the_writers_length_to_skip_and_writes_the_head_as_read(
    settings, audit_anchor: Path
):
    """A length that makes no checkpoint due reads nothing, even if others have grown the
    chain since (they look for themselves); one that makes it due writes the head as it
    stands then, not that length."""
    settings.DTI_AUDIT_ANCHOR_EVERY = 100
    linked(0)  # the first checkpoint, of 1 entry
    for number in range(1, 4):
        linked(number)  # the chain at 4, no checkpoint due at 100
    settings.DTI_AUDIT_ANCHOR_EVERY = 2
    checkpoint_if_due(committed=2)  # 1 entry after the checkpoint by this writer's count
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1]
    checkpoint_if_due(committed=3)  # due: the head is read, at 4
    head, last = AuditHead.objects.get(), checkpoints(audit_anchor)[-1]
    assert (last["count"], last["hash"]) == (head.count, head.last_hash)
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1, 4]


@pytest.mark.django_db(transaction=True)
def test_a_linked_commit_after_others_grew_the_chain_checkpoints_the_head_as_read(
    settings, audit_anchor: Path
):
    """Entries of others sealed after their commits (each looks for itself) then a save:
    whatever checkpoint is written holds the head as it stands, never the save's length."""
    settings.DTI_AUDIT_ANCHOR_EVERY = 3
    linked(0)
    record(1)
    record(2)
    linked(3)
    head = AuditHead.objects.get()
    assert head.count == 4
    assert checkpoints(audit_anchor)[-1]["count"] == 4
    assert checkpoints(audit_anchor)[-1]["hash"] == head.last_hash
    assert verify().exit_code == 0


@pytest.mark.django_db(transaction=True)
def test_a_newer_checkpoint_written_by_another_process_is_counted_from(
    settings, audit_anchor: Path
):
    settings.DTI_AUDIT_ANCHOR_EVERY = 3
    record(0)
    record(1)
    head = AuditHead.objects.get()
    Anchor(audit_anchor).append(checkpoint_now(head.count, head.last_hash))  # another server
    record(2)
    record(3)  # 3 entries after this process's checkpoint, 2 after the other's: not due
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1, 2]
    record(4)
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1, 2, 5]


@pytest.mark.django_db(transaction=True)
def test_a_checkpoint_is_also_sent_to_syslog(settings):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(5)
        settings.DTI_AUDIT_ANCHOR_SYSLOG = f"127.0.0.1:{receiver.getsockname()[1]}"
        record(1)
        message = receiver.recv(4096).decode()
    assert "dti-audit-anchor" in message
    assert f'"hash":"{AuditHead.objects.get().last_hash}"' in message


@pytest.mark.django_db(transaction=True)
def test_an_unwritable_anchor_keeps_the_save_and_the_integrity_page_says_so(
    cast: Cast, settings, tmp_path: Path, caplog
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the anchor's folder should be")
    settings.DTI_AUDIT_ANCHOR_DIR = blocker / "audit-anchor"
    until = cast.campaign.self_assessment_deadline + timedelta(days=7)
    with caplog.at_level(logging.ERROR, logger="portal.audit.anchor"):
        campaign_update(
            campaign=cast.campaign,
            title=cast.campaign.title,
            self_assessment_deadline=until,
            user=cast.quang,
        )
    assert Campaign.objects.get(pk=cast.campaign.pk).self_assessment_deadline == until
    assert AuditEntry.objects.filter(entity="deadline").count() == 1
    assert "AUDIT ANCHOR NOT WRITTEN" in caplog.text
    # the checkpoint that could not be written, by its hash, for the administrator
    assert f"hash={AuditHead.objects.get().last_hash})" in caplog.text
    client = cast.client(cast.quang)
    job = job_of(client.post(reverse("audit:check", args=[cast.campaign.pk])))
    run_jobs()
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Nhật ký toàn vẹn: 1 mục" in page  # the chain holds…
    assert "Không đọc được tệp mốc neo" in page  # …but its anchor cannot be read
    assert "Không ghi được mốc neo của nhật ký vào" in page  # nor written
    assert 'class="error"' in page


@pytest.mark.django_db(transaction=True)
def test_a_syslog_address_that_is_not_host_and_port_is_logged_and_the_save_kept(
    settings, audit_anchor: Path, caplog
):
    settings.DTI_AUDIT_ANCHOR_SYSLOG = "loghost:năm-trăm-mười-bốn"
    with caplog.at_level(logging.ERROR, logger="portal.audit.anchor"):
        record(1)
    assert AuditEntry.objects.count() == 1
    assert [c["count"] for c in checkpoints(audit_anchor)] == [1]
    assert "is not host:port" in caplog.text
