"""Writing many rows at once in plain SQL (portal.bulk): what is read back is what the ORM's
own save would have stored, field by field, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DataError, IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts.models import User
from portal.bulk import INSERT_BATCH, built, insert_rows, inserting, update_rows, updating
from portal.campaigns.models import CampaignUnit, HistoricResult
from portal.notifications.models import Notification
from portal.units.models import Unit
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db

SCORES = {"chi_so_1": "30.5", "chi_so_2": "24.75"}


def result(campaign_unit: CampaignUnit, n: int) -> HistoricResult:
    return HistoricResult(
        campaign_unit=campaign_unit,
        rank=n + 1,
        total=Decimal("55.25") + n,
        applicable_max=Decimal("80"),
        value=Decimal("0.6906"),
        percent=n % 2 == 0,
        class_label="Khá" if n else "",
        index_scores={**SCORES, "n": n},
        source_table="Kết quả thẩm định vòng cuối",
    )


def columns(row: HistoricResult) -> tuple[object, ...]:
    return (
        row.campaign_unit_id, row.rank, row.total, row.applicable_max, row.value, row.percent,
        row.class_label, row.index_scores, row.source_table,
    )  # fmt: skip


def test_inserted_rows_read_back_as_the_orm_saves_them(cast: Cast):
    first, second = cast.noi_vu_campaign_unit, cast.tu_phap_campaign_unit
    saved = result(first, 0)
    saved.save()
    expected = columns(HistoricResult.objects.get(pk=saved.pk))
    saved.delete()
    rows = [result(first, 0), result(second, 1)]
    insert_rows(rows)
    assert all(row.pk is not None and not row._state.adding for row in rows)
    assert columns(HistoricResult.objects.get(pk=rows[0].pk)) == expected
    other = HistoricResult.objects.get(pk=rows[1].pk)
    assert (other.rank, other.total, other.percent, other.class_label) == (
        2, Decimal("56.25"), False, "Khá",
    )  # fmt: skip
    assert other.index_scores == {**SCORES, "n": 1}


def test_more_rows_than_one_statement_takes_keep_their_order_and_ids(cast: Cast):
    units = Unit.objects.bulk_create(
        Unit(province=cast.province, code=f"so-{n}", name=f"Sở {n}", level="so")
        for n in range(2 * INSERT_BATCH + 1)
    )
    campaign_units = CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=cast.campaign, unit=unit, level="so") for unit in units
    )
    rows = [result(campaign_unit, n) for n, campaign_unit in enumerate(campaign_units)]
    insert_rows(rows)
    stored = {r.pk: r for r in HistoricResult.objects.all()}
    assert len(stored) == len(rows)
    assert all(stored[row.pk].campaign_unit_id == row.campaign_unit_id for row in rows)
    assert all(stored[row.pk].rank == n + 1 for n, row in enumerate(rows))


def test_a_time_set_on_saving_is_set(cast: Cast):
    before = timezone.now()
    row = Notification(user=cast.lan, kind="campaign_finalized", title="Đã chốt", key="k")
    insert_rows([row])
    stored = Notification.objects.get(pk=row.pk)
    assert before <= stored.created_at <= timezone.now() + timedelta(seconds=1)
    assert stored.created_at == row.created_at
    assert (stored.emailed, stored.read_at, stored.campaign_id) == (False, None, None)


def test_values_that_are_not_yet_text_are_converted(cast: Cast):
    row = result(cast.noi_vu_campaign_unit, 0)
    row.class_label = Decimal("1.5")  # type: ignore[assignment]  # not text: converted
    row.rank = True  # type: ignore[assignment]  # not a whole number: converted
    insert_rows([row])
    stored = HistoricResult.objects.get(pk=row.pk)
    assert (stored.class_label, stored.rank) == ("1.5", 1)


def test_updated_rows_read_back_as_set(cast: Cast):
    rows = [result(cast.noi_vu_campaign_unit, 0), result(cast.tu_phap_campaign_unit, 1)]
    insert_rows(rows)
    rows[0].total, rows[0].index_scores = Decimal("60.5"), {"chi_so_1": "40"}
    rows[1].class_label = "Tốt"
    update_rows(rows, ["total", "index_scores", "class_label"])
    first, second = (HistoricResult.objects.get(pk=row.pk) for row in rows)
    assert (first.total, first.index_scores) == (Decimal("60.5"), {"chi_so_1": "40"})
    assert second.class_label == "Tốt"


def test_nothing_to_insert_writes_nothing(cast: Cast, django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_rows([])


def test_empty_and_missing_values_stay_as_they_are(cast: Cast):
    rows = [
        Notification(user=cast.lan, kind="campaign_finalized", title=title, key=f"k{n}")
        for n, title in enumerate(["", "Đã chốt"])
    ]
    insert_rows(rows)  # every row's campaign and read_at missing: columns of nothing
    read = timezone.now()
    rows[1].read_at, rows[1].title = read, ""
    update_rows(rows, ["title", "read_at", "campaign"])
    stored = [Notification.objects.get(pk=row.pk) for row in rows]
    assert [(s.title, s.read_at, s.campaign_id) for s in stored] == [
        ("", None, None),
        ("", read, None),
    ]


def test_a_text_longer_than_its_column_is_never_cut(cast: Cast):
    """PostgreSQL refuses it, as a plain INSERT would (an array cast to varchar(40)[] would
    cut it silently); SQLite keeps it whole."""
    row = result(cast.noi_vu_campaign_unit, 0)
    row.class_label = "x" * 41  # max_length 40
    if connection.vendor == "postgresql":
        with pytest.raises(DataError), transaction.atomic():
            insert_rows([row])
        assert not HistoricResult.objects.exists()
    else:
        insert_rows([row])
        assert HistoricResult.objects.get(pk=row.pk).class_label == "x" * 41


def test_rows_keep_the_ids_the_databases_numbering_gave_them(cast: Cast):
    """On PostgreSQL the ids are taken from the table's sequence first (as the audit trail's
    linked entries are), so the rows the database numbers itself come after them."""
    table = HistoricResult._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            (taken,) = cursor.fetchone()
    else:
        taken = 1000
    row = result(cast.noi_vu_campaign_unit, 0)
    row.pk = taken
    insert_rows([row], keys=True)
    assert HistoricResult.objects.get(pk=taken).rank == 1
    after = result(cast.tu_phap_campaign_unit, 1)
    insert_rows([after])
    assert after.pk > taken


AWKWARD_TEXT = "Sở \"Nội vụ\" \\ C:\\dữ liệu\n\ttab, {ngoặc} [mảng] 'nháy' 🇻🇳 Ơ Ư Ạ %s %(x)s"


def test_text_of_any_kind_reads_back_as_written(cast: Cast):
    """Quotes, backslashes, line breaks, placeholders and any letter: on PostgreSQL the rows
    go as one JSON document (portal.bulk.recordset), which must not change a character."""
    rows = [Notification(user=cast.lan, kind="k", title=AWKWARD_TEXT, key="a")]
    insert_rows(rows)
    assert Notification.objects.get(pk=rows[0].pk).title == AWKWARD_TEXT
    rows[0].title = AWKWARD_TEXT[::-1]
    update_rows(rows, ["title"])
    assert Notification.objects.get(pk=rows[0].pk).title == AWKWARD_TEXT[::-1]


def test_json_values_keep_their_nesting_and_their_nulls(cast: Cast):
    nested = {"a": None, "b": [1, 2.5, "x", {"c": AWKWARD_TEXT}], "d": {"e": []}, "f": True}
    row = result(cast.noi_vu_campaign_unit, 0)
    row.index_scores = nested
    insert_rows([row])
    assert HistoricResult.objects.get(pk=row.pk).index_scores == nested
    row.index_scores = ["only", None]  # type: ignore[assignment]  # a list is JSON too
    update_rows([row], ["index_scores"])
    assert HistoricResult.objects.get(pk=row.pk).index_scores == ["only", None]


def test_a_json_field_with_nothing_stores_no_value_and_json_null_is_kept(cast: Cast):
    """An audit entry's old value of None is SQL's NULL, as the ORM's save stores it; a JSON
    null inside a value stays a JSON null."""
    from portal.audit.models import AuditEntry

    entry = AuditEntry(
        at=timezone.now(), actor_name="DTI", entity="answer", action="save",
        old=None, new={"value": None}, previous_hash="", hash="pending-" + "0" * 56,
    )  # fmt: skip
    AuditEntry.objects.append_pending([entry])
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        # the model's own table name; the value a parameter
        cursor.execute(f"SELECT old IS NULL, new IS NULL FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
        assert tuple(map(bool, cursor.fetchone())) == (True, False)
    assert AuditEntry.objects.get(pk=entry.pk).new == {"value": None}


def test_bytes_decimals_and_times_read_back_exactly(cast: Cast):
    from portal.signatures.models import TrustRoot

    every_byte = bytes(range(256))
    moment = timezone.now().replace(microsecond=123456)
    root = TrustRoot(
        province=cast.province, name="CA", der=every_byte, fingerprint="f" * 64,
        subject="CN=CA", not_after=moment, added_by=cast.quang,
    )  # fmt: skip
    insert_rows([root])
    stored = TrustRoot.objects.get(pk=root.pk)
    assert (bytes(stored.der), stored.not_after) == (every_byte, moment)
    root.der = b"\x00PK\x03\x04\\x00"  # a backslash and an x among the bytes
    update_rows([root], ["der"])
    assert bytes(TrustRoot.objects.get(pk=root.pk).der) == b"\x00PK\x03\x04\\x00"
    row = result(cast.noi_vu_campaign_unit, 0)
    row.total, row.value = Decimal("1E+2"), Decimal("0.0001")
    insert_rows([row])
    stored_result = HistoricResult.objects.get(pk=row.pk)
    assert (stored_result.total, stored_result.value) == (Decimal("100"), Decimal("0.0001"))


def test_a_json_field_with_its_own_encoder_is_written_through_it(cast: Cast):
    """A framework's document is written with Django's encoder (decimals and times as text):
    the bulk path writes what the ORM's save writes."""
    from portal.frameworks.models import FrameworkVersion

    document = {"max": Decimal("12.50"), "at": timezone.now(), "items": [Decimal("1")]}
    saved = FrameworkVersion.objects.create(
        province=cast.province, year=2030, level="so", code="saved", name="A", document=document
    )
    bulk = FrameworkVersion(
        province=cast.province, year=2030, level="so", code="bulk", name="B", document=document
    )
    insert_rows([bulk])
    read = FrameworkVersion.objects.in_bulk([saved.pk, bulk.pk])
    assert read[bulk.pk].document == read[saved.pk].document


def test_a_number_json_cannot_hold_is_refused_and_nothing_is_written(cast: Cast):
    row = result(cast.noi_vu_campaign_unit, 0)
    row.index_scores = {"score": float("nan")}
    with pytest.raises((ValueError, IntegrityError)), transaction.atomic():
        insert_rows([row])
    assert not HistoricResult.objects.exists()


def test_an_update_reads_only_the_rows_it_writes_however_large_the_table(cast: Cast):
    """A save writes 80 answers of a table holding every commune's: the statement must find
    them by key, not read the table through (PostgreSQL's planner reads a function's rows
    as 100, whatever they are, and chose to scan the whole table and join it)."""
    rows = [
        Notification(user=cast.lan, kind="campaign_finalized", title=f"{n}", key=f"k{n}")
        for n in range(5000)
    ]
    insert_rows(rows)
    written = rows[1200:1210]
    for row in written:
        row.title = "Đã đọc"
    table = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")  # the model's own table name
    with CaptureQueriesContext(connection) as captured:
        update_rows(written, ["title"])
    [update] = [q["sql"] for q in captured.captured_queries if "UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {update}")  # the statement just run, its values inline
            plan = "\n".join(line for (line,) in cursor.fetchall())
        assert f"Seq Scan on {table}" not in plan, plan
    else:  # one statement by key, run for every row
        assert update.startswith("10 times: UPDATE"), update
        assert update.endswith('WHERE "id" = %s'), update
    titles = Notification.objects.filter(title="Đã đọc").values_list("pk", flat=True)
    assert sorted(titles) == sorted(row.pk for row in written)


def notices(cast: Cast, count: int, prefix: str = "k") -> list[Notification]:
    return [
        Notification(
            user=cast.lan, kind="campaign_finalized", title=f"Đã chốt {n}", key=f"{prefix}{n}"
        )
        for n in range(count)
    ]


def test_a_prepared_insert_writes_the_values_it_prepared_and_the_late_ones_it_is_given(
    cast: Cast,
):
    """A save prepares its rows before the lock and gives them the submission and the time
    under it: what is written is what was prepared, in every statement of the insert."""
    rows = notices(cast, 2 * INSERT_BATCH + 1)  # several statements on either database
    writing = inserting(rows, late=["campaign", "created_at"])
    rows[0].title = "changed after it was prepared"
    moment = timezone.now() - timedelta(days=1)
    writing.run(campaign_id=cast.campaign.pk, created_at=moment)
    assert all(row.pk is not None and not row._state.adding for row in rows)
    assert all((row.campaign_id, row.created_at) == (cast.campaign.pk, moment) for row in rows)
    stored = {n.pk: n for n in Notification.objects.all()}
    assert len(stored) == len(rows)
    assert {(n.campaign_id, n.created_at) for n in stored.values()} == {(cast.campaign.pk, moment)}
    assert [stored[row.pk].title for row in rows[:2]] == ["Đã chốt 0", "Đã chốt 1"]


def test_a_prepared_update_writes_the_values_it_prepared_and_the_late_ones_it_is_given(
    cast: Cast,
):
    rows = notices(cast, 3)
    insert_rows(rows)
    for row in rows:
        row.title = f"Đã đọc {row.key}"
    writing = updating(rows, ["title", "read_at"], late=["read_at"])
    rows[1].title = "changed after it was prepared"
    read = timezone.now()
    writing.run(read_at=read)
    assert [row.read_at for row in rows] == [read] * 3
    stored = [Notification.objects.get(pk=row.pk) for row in rows]
    assert [(n.title, n.read_at) for n in stored] == [(f"Đã đọc k{n}", read) for n in range(3)]


def test_a_prepared_write_runs_only_with_each_late_value(cast: Cast, django_assert_num_queries):
    rows = notices(cast, 2)
    writing = inserting(rows, late=["created_at"])
    with django_assert_num_queries(0):
        with pytest.raises(TypeError, match="late values for"):
            writing.run()
        with pytest.raises(TypeError, match="late values for"):
            writing.run(created_at=timezone.now(), read_at=timezone.now())
    assert not Notification.objects.exists()
    with pytest.raises(ValueError, match="not among the fields written"):
        updating(rows, ["title"], late=["read_at"])
    with django_assert_num_queries(0):  # no rows: nothing to write, whatever the late values
        updating([], ["title", "read_at"], late=["read_at"]).run(read_at=timezone.now())
        inserting([], late=["created_at"]).run(created_at=timezone.now())


def numbered(rows: list[Notification]) -> list[Notification]:
    """The rows given ids as the database's numbering gives them (on PostgreSQL from the
    table's sequence; on SQLite, whose writer holds the lock, above every id)."""
    table = Notification._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            ids = sorted(pk for (pk,) in cursor.fetchall())
    else:
        ids = list(range(10_000, 10_000 + len(rows)))
    for row, pk in zip(rows, ids, strict=True):
        row.pk = pk
    return rows


def named(cast: Cast) -> tuple[str, list[Any]]:
    """A statement on another table: Lan's name changed (its row count: 1)."""
    table = connection.ops.quote_name(User._meta.db_table)
    # the model's own table name; the values parameters
    return f"UPDATE {table} SET first_name = %s WHERE id = %s", ["Lan Anh", cast.lan.pk]  # noqa: S608


def test_a_statement_run_after_an_insert_goes_with_it_on_postgresql(cast: Cast):
    """The audit trail's head moves as a save's entry is inserted: on PostgreSQL in the
    same statement (one round trip fewer under the head's lock), elsewhere after it."""
    rows = numbered(notices(cast, 3))
    moment = timezone.now() - timedelta(hours=1)
    writing = inserting(rows, keys=True, late=["created_at"])
    with CaptureQueriesContext(connection) as captured:
        assert writing.run_before(*named(cast), created_at=moment) == 1
    spent = [query["sql"] for query in captured.captured_queries]
    if connection.vendor == "postgresql":
        [sql] = spent
        assert sql.startswith('WITH written AS (INSERT INTO "notifications_notification"'), sql
    else:
        assert [sql.split()[0] for sql in spent] == ["INSERT", "UPDATE"], spent
    assert all(not row._state.adding and row._state.db == "default" for row in rows)
    stored = Notification.objects.in_bulk([row.pk for row in rows])
    assert [(stored[row.pk].title, stored[row.pk].created_at) for row in rows] == [
        (f"Đã chốt {n}", moment) for n in range(3)
    ]
    assert User.objects.get(pk=cast.lan.pk).first_name == "Lan Anh"


def test_text_of_any_kind_goes_through_an_insert_with_a_statement(cast: Cast):
    """The one statement an insert and the statement after it make on PostgreSQL carries the
    rows as a parameter: placeholders, quotes and percent signs in them change nothing."""
    rows = numbered([Notification(user=cast.lan, kind="k", title=AWKWARD_TEXT, key="%s")])
    assert inserting(rows, keys=True).run_before(*named(cast)) == 1
    stored = Notification.objects.get(pk=rows[0].pk)
    assert (stored.title, stored.key) == (AWKWARD_TEXT, "%s")
    assert User.objects.get(pk=cast.lan.pk).first_name == "Lan Anh"


@pytest.mark.parametrize("keys", [False, True])
def test_a_statement_goes_after_an_insert_that_reads_ids_back_or_takes_several(
    cast: Cast, keys: bool
):
    """Ids to read back (RETURNING) or rows for several statements: the statement runs on
    its own, after them, on either database."""
    rows = numbered(notices(cast, INSERT_BATCH + 1)) if keys else notices(cast, 2)
    with CaptureQueriesContext(connection) as captured:
        assert inserting(rows, keys=keys).run_before(*named(cast)) == 1
    spent = [query["sql"] for query in captured.captured_queries]
    assert not any(sql.startswith("WITH") for sql in spent), spent
    assert spent[-1].startswith("UPDATE"), spent
    assert Notification.objects.count() == len(rows)
    assert all(row.pk is not None and not row._state.adding for row in rows)
    assert User.objects.get(pk=cast.lan.pk).first_name == "Lan Anh"


def test_a_statement_after_an_insert_needs_rows_and_the_late_values(cast: Cast):
    with pytest.raises(ValueError, match="no rows"):
        inserting([], keys=True).run_before(*named(cast))
    writing = inserting(numbered(notices(cast, 1)), keys=True, late=["created_at"])
    with pytest.raises(TypeError, match="late values for"):
        writing.run_before(*named(cast))
    assert not Notification.objects.exists()
    assert User.objects.get(pk=cast.lan.pk).first_name != "Lan Anh"


def test_values_given_encoded_are_the_parameters_where_each_value_is_one(cast: Cast):
    """The audit trail gives an entry's JSON encoded once, for its row and its hash."""
    rows = notices(cast, 2)
    inserting(rows, encoded={"title": lambda row: f"encoded {row.key}"}).run()
    stored = [Notification.objects.get(pk=row.pk).title for row in rows]
    if connection.vendor == "postgresql":  # one JSON document, encoded in one pass
        assert stored == ["Đã chốt 0", "Đã chốt 1"]
    else:
        assert stored == ["encoded k0", "encoded k1"]


def test_an_inserts_statement_is_composed_once_per_thread(cast: Cast, monkeypatch):
    """A save inserts two rows under SQLite's write lock: their statements are composed
    once, not at every save; another thread, with its own connection, composes its own."""
    from portal import bulk

    composed: list[str] = []
    compose = bulk._new_insert_plan

    def counted(model, *args):
        composed.append(model.__name__)
        return compose(model, *args)

    monkeypatch.setattr(bulk, "_plans", threading.local())
    monkeypatch.setattr(bulk, "_new_insert_plan", counted)
    for batch in (notices(cast, 2, "a"), notices(cast, 3, "b")):
        insert_rows(batch)
    inserting(notices(cast, 1, "c"), late=["created_at"]).run(created_at=timezone.now())
    assert composed == ["Notification", "Notification"]  # the late field's plan is another
    assert Notification.objects.count() == 6
    mine = bulk._insert_plan(Notification, "default", connections["default"], False, True, (), {})
    elsewhere: list[Any] = []

    def plan_elsewhere() -> None:  # another thread: another connection, a plan of its own
        wrapper = connections["default"]
        elsewhere.append(bulk._insert_plan(Notification, "default", wrapper, False, True, (), {}))
        elsewhere.append(wrapper)

    thread = threading.Thread(target=plan_elsewhere)
    thread.start()
    thread.join()
    theirs, wrapper = elsewhere
    assert composed == ["Notification", "Notification", "Notification"]
    assert theirs is not mine and theirs.connection is wrapper
    assert mine.connection is connections["default"]
    assert (
        bulk._insert_plan(Notification, "default", connections["default"], False, True, (), {})
        is mine
    )


def test_a_row_built_by_position_is_the_row_built_by_name():
    """`built` gives what the model's constructor gives for the same keywords: every column,
    the unnamed ones at their defaults, and a row not yet stored."""
    from portal.assessments.models import Answer
    from portal.audit.models import AuditEntry

    for model, values in (
        (Answer, {"criterion": "tc_1", "version": 0}),
        (AuditEntry, {"entity": "answers", "old": {"a": None}, "new": {"a": 1}, "unit_id": 7}),
    ):
        by_place, by_name = built(model, values), model(**values)
        columns = [field.attname for field in model._meta.concrete_fields]
        assert [getattr(by_place, c) for c in columns] == [getattr(by_name, c) for c in columns]
        assert by_place._state.adding and by_place.pk is None
    assert built(Answer, {"criterion": "tc_2"}).version == 1  # the model's default


def test_a_model_whose_default_is_made_for_each_row_is_refused():
    """A default made by a call (a new dict each row) would be made once and shared."""
    with pytest.raises(TypeError, match="index_scores"):
        built(HistoricResult, {})


def test_a_row_is_not_built_from_a_name_that_is_no_column():
    """A reference's field name (`submission`, where its column is `submission_id`) or a
    misspelling would otherwise be left at its default, silently."""
    from portal.assessments.models import Answer

    for values in ({"submission": 1}, {"criterium": "tc_1"}):
        with pytest.raises(TypeError, match="no column"):
            built(Answer, values)
