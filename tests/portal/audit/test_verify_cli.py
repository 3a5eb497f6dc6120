"""`manage.py audit_log_verify`, run in-process on the test database: 0 on an intact chain;
1 naming the first broken entry when a row was changed, deleted or inserted directly in the
database (raw SQL, behind the ORM); 2 when the database is not migrated or cannot be read;
what it cannot see is tested too."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.utils import ConnectionHandler
from django.utils import translation

from dti.ledger import link_hash
from portal.audit.models import AuditEntry, AuditHead
from portal.audit.services import audit_record
from tests.portal.audit.conftest import Log, tamper, verify
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db


def test_it_exits_0_on_an_intact_chain(log: Log):
    result = verify()
    assert result.exit_code == 0, result.output
    assert "Nhật ký toàn vẹn: 7 mục" in result.output
    assert AuditHead.objects.get().last_hash in result.output  # to keep somewhere else


def test_it_exits_0_on_an_empty_log():
    result = verify()
    assert result.exit_code == 0, result.output
    assert "0 mục" in result.output


def change_reason(log: Log) -> tuple[int, int]:
    tamper("UPDATE {table} SET reason = %s WHERE id = %s", ["Đã sửa tay", log.ids[2]])
    return log.ids[2], 3


def change_value(log: Log) -> tuple[int, int]:
    value = json.dumps({"value": "100", "note": "Theo báo cáo"})
    tamper("UPDATE {table} SET new = %s WHERE id = %s", [value, log.ids[1]])
    return log.ids[1], 2


def change_time(log: Log) -> tuple[int, int]:
    entry = log.entries[4]
    tamper("UPDATE {table} SET at = %s WHERE id = %s", [entry.at.replace(year=2024), entry.pk])
    return entry.pk, 5


def change_hash(log: Log) -> tuple[int, int]:
    tamper("UPDATE {table} SET hash = %s WHERE id = %s", ["a" * 64, log.ids[3]])
    return log.ids[3], 4


def change_previous(log: Log) -> tuple[int, int]:
    tamper("UPDATE {table} SET previous_hash = %s WHERE id = %s", ["b" * 64, log.ids[5]])
    return log.ids[5], 6


def delete_middle(log: Log) -> tuple[int, int]:
    tamper("DELETE FROM {table} WHERE id = %s", [log.ids[3]])
    return log.ids[4], 4  # the entry after the gap no longer links to the one before it


def delete_last(log: Log) -> tuple[int, int]:
    tamper("DELETE FROM {table} WHERE id = %s", [log.ids[-1]])
    return log.ids[-1], 7  # named from the head: the row itself is gone


def insert_row(log: Log, seq: int | None = 8, mark: str = "c" * 64) -> tuple[int, int]:
    """A row placed after the last one in the chain (seq 8), as if sealed."""
    last = log.entries[-1]
    tamper(
        "INSERT INTO {table} (at, actor_name, criterion, entity, entity_id, action, old, new,"
        " reason, seq, previous_hash, hash, actor_id, campaign_id, province_id, unit_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s, %s)",
        [
            last.at,
            "Nguyễn Thị Lan",
            "cqs_ky_so",
            "answer",
            "1",
            "save",
            "null",
            json.dumps({"value": "100", "note": ""}),
            "",
            seq,
            last.hash,
            mark,
            last.campaign_id,
            last.province_id,
            last.unit_id,
        ],
    )
    return AuditEntry.objects.order_by("pk").last().pk, 8


def insert_forged_row(log: Log) -> tuple[int, int]:
    """A row whose hash is right (recomputed), left out of the head."""
    row_id, position = insert_row(log)
    row = AuditEntry.objects.get(pk=row_id)
    digest = link_hash(log.entries[-1].hash, row.content())
    tamper("UPDATE {table} SET hash = %s WHERE id = %s", [digest, row_id])
    return row_id, position


TAMPERING = [
    pytest.param(change_reason, "đã bị sửa", id="update-reason"),
    pytest.param(change_value, "đã bị sửa", id="update-value"),
    pytest.param(change_time, "đã bị sửa", id="update-time"),
    pytest.param(change_hash, "đã bị sửa", id="update-hash"),
    pytest.param(change_previous, "không khớp mã băm của mục liền trước", id="update-previous"),
    pytest.param(delete_middle, "có mục giữa hai mục đã bị xoá", id="delete-middle"),
    pytest.param(delete_last, "mục cuối", id="delete-last"),
    pytest.param(insert_row, "chèn thẳng vào cơ sở dữ liệu", id="insert"),
    pytest.param(insert_forged_row, "không được ghi qua sổ", id="insert-with-valid-hash"),
]


@pytest.mark.parametrize("mark", ["pending-" + "a" * 56, "c" * 64, ""])
def test_a_row_inserted_as_waiting_to_be_sealed_is_refused_and_named(log: Log, mark: str):
    """Only the portal can write a pending entry: its mark is keyed by the portal's secret."""
    row_id, _ = insert_row(log, seq=None, mark=mark)
    result = verify()
    assert result.exit_code == 1, result.output
    first = result.output.splitlines()[0]
    assert f"1 mục chờ nối (#{row_id}) không mang dấu mà cổng đã ghi" in first
    assert "7 mục đã nối vào chuỗi vẫn khớp" in result.output
    assert "toàn vẹn" not in result.output


@pytest.mark.parametrize(("change", "why"), TAMPERING)
def test_it_exits_1_naming_the_entry_where_the_chain_breaks(
    log: Log, change: Callable[[Log], tuple[int, int]], why: str
):
    broken_id, position = change(log)
    result = verify()
    assert result.exit_code == 1, result.output
    first = result.output.splitlines()[0]
    assert f"chuỗi gãy tại mục #{broken_id} (vị trí {position} trong chuỗi" in first
    assert why in result.output


def test_it_describes_the_broken_entry_as_it_is_stored(log: Log, cast: Cast):
    change_reason(log)
    output = verify().output
    assert "lúc " in output and "Nguyễn Thị Lan" not in output.splitlines()[0]
    described = next(line for line in output.splitlines() if line.startswith("Mục này"))
    assert "Lê Thị Thảo" in described
    assert "Giá trị tự đánh giá: lưu nháp" in described
    assert "đơn vị Sở Tư pháp, tiêu chí ke_hoach" in described
    assert "2 mục trước đó còn nguyên vẹn." in output


def test_it_exits_1_when_the_head_row_is_deleted(log: Log):
    AuditHead.objects.all().delete()
    result = verify()
    assert result.exit_code == 1
    assert "AuditHead" in result.output


def rewrite_last_entry(log: Log) -> None:
    """What the chain cannot catch: a change whose hash, and the head, are recomputed."""
    last = log.entries[-1]
    tamper("UPDATE {table} SET reason = %s WHERE id = %s", ["viết lại", last.pk])
    digest = link_hash(last.previous_hash, AuditEntry.objects.get(pk=last.pk).content())
    tamper("UPDATE {table} SET hash = %s WHERE id = %s", [digest, last.pk])
    tamper("UPDATE audit_audithead SET last_hash = %s", [digest])


def test_a_rewrite_that_recomputes_the_hashes_and_the_head_is_caught_by_the_anchor(log: Log):
    """The hash is not keyed: only the checkpoint the earlier run left outside the database
    shows that the chain was rewritten."""
    assert verify().exit_code == 0  # checkpoints the chain as it is
    rewrite_last_entry(log)
    result = verify()
    assert result.exit_code == 1, result.output
    assert f"chuỗi gãy tại mục #{log.ids[-1]} (vị trí 7 trong chuỗi" in result.output
    assert "nhật ký đã bị viết lại (mục này hoặc một mục bất kỳ trước nó" in result.output
    assert "còn nguyên vẹn" not in result.output  # nothing up to there is known to be intact


def test_a_kept_hash_read_from_the_rewritten_chain_proves_nothing(log: Log):
    """Behind a checkpoint's break the chain was recomputed: a `--kept` hash found there may
    be the forger's own, so verify does not call the entries up to it unchanged."""
    assert verify().exit_code == 0
    rewrite_last_entry(log)
    forged = AuditHead.objects.get().last_hash
    result = verify("--kept", forged)
    assert result.exit_code == 1, result.output
    assert "Mã đã lưu có trong chuỗi ở vị trí 7." in result.output
    assert "không bị viết lại" not in result.output


def test_it_cannot_see_a_rewrite_of_both_the_database_and_the_anchor(log: Log, audit_anchor):
    """The limit docs/audit-trail.md states: whoever can rewrite the anchor file as well as
    the database leaves nothing to compare with (here: the file is removed)."""
    kept = verify().output
    rewrite_last_entry(log)
    (audit_anchor / "checkpoints.jsonl").unlink()
    result = verify()
    assert result.exit_code == 0
    assert result.output != kept


def test_it_speaks_vietnamese_whatever_language_is_active(log: Log):
    with translation.override("en"):
        result = verify()
    assert "Nhật ký toàn vẹn: 7 mục" in result.output


def test_a_kept_head_hash_still_in_the_chain_passes(log: Log, cast: Cast):
    kept = log.entries[3].hash  # the head when entry 4 was the last one
    result = verify("--kept", kept.upper())
    assert result.exit_code == 0, result.output
    assert "Mã đã lưu có trong chuỗi ở vị trí 4" in result.output


def test_a_kept_head_hash_gone_from_the_chain_shows_the_rewrite(log: Log):
    kept = verify().output.split("Mã cuối của chuỗi: ")[1][:64]
    rewrite_last_entry(log)
    result = verify("--kept", kept)
    assert result.exit_code == 1
    assert f"Mã đã lưu {kept} không có trong chuỗi: nhật ký đã bị viết lại" in result.output


def test_a_kept_hash_that_is_not_a_hash_is_refused():
    result = verify("--kept", "abc")
    assert result.exit_code == 2
    assert "64 chữ số thập lục phân" in result.stderr


def test_it_exits_0_then_1_naming_the_row_changed_in_the_database():
    for n in range(5):
        audit_record(
            actor=None,
            actor_name="Quản trị hệ thống",
            entity="answer",
            action="save",
            old={"value": str(n), "note": ""},
            new={"value": f"{n}.5", "note": ""},
            criterion="cqs_ky_so",
            reason="Thử nghiệm",
        )
    intact = verify()
    assert intact.exit_code == 0, intact.output
    assert "Nhật ký toàn vẹn: 5 mục" in intact.stdout
    third = AuditEntry.objects.order_by("pk")[2].pk
    tamper("UPDATE {table} SET new = %s WHERE id = %s", ['{"value": "100", "note": ""}', third])
    broken = verify()
    assert broken.exit_code == 1, broken.output
    assert f"chuỗi gãy tại mục #{third} (vị trí 3 trong chuỗi; sổ ghi có 5 mục)" in broken.stdout
    assert "Quản trị hệ thống" in broken.stdout
    assert "2 mục trước đó còn nguyên vẹn." in broken.stdout


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, str]], None]]:
    """The check pointed at another database than the test's: what an administrator gets
    with DTI_DATABASE_URL naming an empty file or a server that is down."""
    handlers: list[ConnectionHandler] = []

    def use(settings: dict[str, str]) -> None:
        handlers.append(ConnectionHandler({"default": settings}))
        monkeypatch.setattr("portal.audit.verify.connections", handlers[-1])

    yield use
    for handler in handlers:
        handler.close_all()


def test_it_exits_2_on_a_database_that_is_not_migrated(database, tmp_path: Path):
    database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "empty.sqlite3")})
    result = verify()
    assert result.exit_code == 2, result.output
    assert "chưa được cập nhật cấu trúc" in result.stderr
    assert "manage.py migrate" in result.stderr
    assert result.stdout == ""


def test_it_exits_2_when_the_database_cannot_be_read(database):
    server_down = {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": "1"}
    database({**server_down, "NAME": "dti", "USER": "dti", "PASSWORD": "x"})
    result = verify()
    assert result.exit_code == 2, result.output
    assert "Không đọc được cơ sở dữ liệu" in result.stderr
    assert result.stdout == ""


def test_the_check_reads_each_entry_as_the_orm_reads_it(log: Log):
    """verify reads the chain with one plain SELECT (its speed): what each hash is computed
    over must be the content the model gives, on either database."""
    from portal.audit.verify import _stored

    read = {entry.id: dict(entry.content) for entry in _stored("default", 3, sealed=True)}
    assert read == {entry.pk: entry.content() for entry in log.entries}


def refused_by_the_column(stored: object, row_id: int, column: str = "at") -> bool:
    """Store `stored` in the entry's `column`, or say the database refused it: SQLite keeps
    any text or blob; PostgreSQL refuses a time that is no time and a blob in a JSON column
    (then there is nothing more to check), but keeps an infinite or deeply nested JSON."""
    assert column in {"at", "new"}  # a name of this test's, never a value
    sql = f"UPDATE {{table}} SET {column} = %s WHERE id = %s"  # noqa: S608
    try:
        with transaction.atomic():
            tamper(sql, [stored, row_id])
    except DatabaseError:
        assert connection.vendor == "postgresql"  # SQLite keeps it all
        return True
    return False


@pytest.mark.parametrize(
    "stored", ["2025-02-30 10:00:00", "không phải thời điểm", "", "9999-12-31 23:59:59-05:00"]
)
def test_a_time_that_is_no_time_breaks_the_chain_at_its_entry(log: Log, stored: str):
    """SQLite keeps any text in a time's column: such a row is named, and the check goes on
    past it."""
    if refused_by_the_column(stored, log.ids[2]):
        return
    result = verify()
    assert result.exit_code == 1, result.output
    assert f"chuỗi gãy tại mục #{log.ids[2]} (vị trí 3 trong chuỗi" in result.output
    assert "đã bị sửa" in result.output
    assert "2 mục trước đó còn nguyên vẹn." in result.output


def test_a_pending_row_whose_time_is_no_time_is_refused(log: Log):
    row_id, _ = insert_row(log, seq=None, mark="pending-" + "a" * 56)
    if refused_by_the_column("2025-02-30 10:00:00", row_id):
        return
    result = verify()
    assert result.exit_code == 1, result.output
    assert f"1 mục chờ nối (#{row_id}) không mang dấu mà cổng đã ghi" in result.output


@pytest.mark.parametrize(
    "stored",
    [b"[1]", "[1e999]", '{"a": -1e400}', "[" * 990 + "]" * 990],
    ids=["blob", "infinity", "minus-infinity", "nested-990"],
)
def test_a_value_no_entry_can_hold_breaks_the_chain_at_its_entry(log: Log, stored: object):
    """SQLite's JSON check lets through a blob, an infinite number and any nesting; none can
    be hashed as the portal hashes content: the check names the entry instead of failing."""
    if refused_by_the_column(stored, log.ids[2], column="new"):
        return
    result = verify()
    assert result.exit_code == 1, result.output
    assert f"chuỗi gãy tại mục #{log.ids[2]} (vị trí 3 trong chuỗi" in result.output
    assert "2 mục trước đó còn nguyên vẹn." in result.output


def test_a_pending_row_holding_a_blob_is_refused(log: Log):
    row_id, _ = insert_row(log, seq=None, mark="pending-" + "a" * 56)
    if refused_by_the_column(b"[1]", row_id, column="new"):
        return
    result = verify()
    assert result.exit_code == 1, result.output
    assert f"1 mục chờ nối (#{row_id}) không mang dấu mà cổng đã ghi" in result.output
