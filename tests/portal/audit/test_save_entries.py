"""A save of a unit's answers is one entry of the trail, its old and new values keyed by
criterion; every reader shows it as one line per criterion it changed: the log's page (and
its filters by criterion, by what changed and by words), the exports, and the history under
each row of the comparison between rounds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.audit.rows import Line, lines, log_rows
from portal.audit.services import audit_record
from portal.auditlog.selectors import SAVE_LINES
from tests.portal.assessments.conftest import save_fields
from tests.portal.audit.test_exports import csv_rows, export
from tests.portal.conftest import Cast

pytestmark = pytest.mark.django_db


def saved(cast: Cast) -> AuditEntry:
    """Lan saves twice: cqs_ky_so, then cqs_ky_so again with a note and cqs_so_hoa."""
    client = cast.client(cast.lan)
    save_fields(client, cast.noi_vu_campaign_unit, {"value:cqs_ky_so": "60"})
    save_fields(
        client,
        cast.noi_vu_campaign_unit,
        {"value:cqs_ky_so": "87,5", "note:cqs_ky_so": "Theo QLVB", "value:cqs_so_hoa": "75"},
    )
    return AuditEntry.objects.filter(entity="answers").latest("pk")


def page(cast: Cast, who: str = "quang", language: str = "vi", **query: object) -> str:
    target = reverse("audit:campaign", args=[cast.campaign.pk])
    response = cast.client(getattr(cast, who)).get(target, query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def row_ids(html: str) -> list[str]:
    """The rows' anchors: an entry's id, and a save's line's criterion after it."""
    return [part.split('"')[0] for part in html.split('<tr id="entry-')[1:]]


def entry_ids(html: str) -> list[str]:
    return [anchor.split("-")[0] for anchor in row_ids(html)]


def test_a_save_reads_as_one_answer_line_per_criterion_in_the_frameworks_order():
    at = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
    entry = AuditEntry(
        pk=7, at=at, actor_name="Lan", entity="answers", action="save", unit_id=3,
        old={"b": None, "a": {"value": "1", "note": ""}},
        new={"b": {"value": "2", "note": ""}, "a": {"value": "3", "note": "x"}},
    )  # fmt: skip
    assert lines(entry, order={"b": 0, "a": 1}) == [
        Line(7, at, "Lan", 3, "b", "answer", "save", None, {"value": "2", "note": ""}, ""),
        Line(7, at, "Lan", 3, "a", "answer", "save", {"value": "1", "note": ""},
             {"value": "3", "note": "x"}, ""),
    ]  # fmt: skip
    assert [line.criterion for line in lines(entry)] == ["a", "b"]  # no order known: by code
    assert [line.criterion for line in lines(entry, "a")] == ["a"]
    assert lines(entry, "zz") == []
    other = AuditEntry(pk=8, at=at, entity="answer", action="save", criterion="a", new="1")
    assert lines(other) == [other]  # an entry of one answer, as it is
    rows = log_rows([entry, other], {3: "Sở Nội vụ"})
    assert [(row.id, row.anchor, row.criterion) for row in rows] == [
        (7, "7-a", "a"), (7, "7-b", "b"), (8, "8", "a"),
    ]  # fmt: skip
    assert rows[0].what == "Giá trị tự đánh giá: lưu nháp"
    assert (rows[0].old_plain, rows[0].new_plain) == ("1", "3; thuyết minh: x")


def test_the_page_shows_each_criterion_of_a_save_with_its_old_and_new_value(cast: Cast):
    entry = saved(cast)
    html = page(cast)
    assert row_ids(html)[:2] == [f"{entry.pk}-cqs_ky_so", f"{entry.pk}-cqs_so_hoa"]
    assert "87,5; thuyết minh: Theo QLVB" in html
    lan = page(cast, "lan")  # the reporter reads her unit's saves too
    assert f'<tr id="entry-{entry.pk}-cqs_so_hoa">' in lan
    assert f"entry-{entry.pk}" not in page(cast, "thao")  # another unit's reporter does not


def test_filtering_by_criterion_keeps_the_saves_that_changed_it_and_only_its_line(cast: Cast):
    entry = saved(cast)
    first = AuditEntry.objects.filter(entity="answers").earliest("pk")
    so_hoa = page(cast, criterion="cqs_so_hoa")
    assert row_ids(so_hoa) == [f"{entry.pk}-cqs_so_hoa"]  # the first save did not change it
    assert "75" in so_hoa and "87,5" not in so_hoa
    ky_so = row_ids(page(cast, criterion="cqs_ky_so"))
    assert ky_so == [f"{entry.pk}-cqs_ky_so", f"{first.pk}-cqs_ky_so"]  # as on the whole save
    target = reverse(
        "audit:criterion", args=[cast.campaign.pk, cast.noi_vu.pk, "cqs_so_hoa"]
    )  # the criterion's own page
    own = cast.client(cast.quang).get(target).content.decode()
    assert row_ids(own) == [f"{entry.pk}-cqs_so_hoa"]


def test_what_changed_offers_answers_once_and_keeps_saves_and_single_answers(cast: Cast):
    entry = saved(cast)
    single = audit_record(
        actor=cast.lan, entity="answer", action="save", new={"value": "1", "note": ""},
        campaign=cast.campaign, unit=cast.noi_vu, criterion="ke_hoach",
    )  # fmt: skip
    html = page(cast)
    assert html.count('<option value="answer"') == 1 and 'value="answers"' not in html
    for code in ("cqs_ky_so", "cqs_so_hoa", "ke_hoach"):  # a save's criteria are offered
        assert f'<option value="{code}"' in html
    shown = set(entry_ids(page(cast, entity="answer")))
    assert {str(entry.pk), str(single.pk)} <= shown
    assert all(
        AuditEntry.objects.get(pk=pk).entity in ("answer", "answers") for pk in map(int, shown)
    )


def test_words_find_a_save_by_a_criterions_code(cast: Cast):
    entry = saved(cast)
    assert row_ids(page(cast, q="cqs_so_hoa")) == [f"{entry.pk}-cqs_so_hoa"]  # its line alone
    assert row_ids(page(cast, q="cqs_khong_co")) == []
    _, *rows = csv_rows(export(cast, "quang", "csv", q="cqs_so_hoa"))
    assert [(row[0], row[4]) for row in rows] == [(str(entry.pk), "cqs_so_hoa")]
    everything = row_ids(page(cast, q="Lan"))  # found by the person: every line
    assert f"{entry.pk}-cqs_ky_so" in everything and f"{entry.pk}-cqs_so_hoa" in everything


@pytest.mark.parametrize(
    "hostile", ['"', "\\", "'", "$", "a.b", "[0]", "*", '$."x"', "%", "_", "a' OR '1'='1"]
)
def test_a_hostile_criterion_or_word_finds_nothing_and_breaks_nothing(cast: Cast, hostile: str):
    saved(cast)
    assert row_ids(page(cast, criterion=hostile)) == []
    page(cast, q=hostile)  # answers 200
    _, *rows = csv_rows(export(cast, "quang", "csv", criterion=hostile))
    assert rows == []


def test_the_csv_has_a_line_for_each_criterion_of_a_save_with_its_own_values(cast: Cast):
    entry = saved(cast)
    _, *rows = csv_rows(export(cast, "quang", "csv"))
    mine = [row for row in rows if row[0] == str(entry.pk)]
    assert [row[4] for row in mine] == ["cqs_ky_so", "cqs_so_hoa"]
    ky_so, so_hoa = mine
    assert ky_so[6:8] == ["60", "87,5; thuyết minh: Theo QLVB"]
    assert so_hoa[6:8] == ["—", "75"]
    assert ky_so[-2:] == ['{"note":"","value":"60"}', '{"note":"Theo QLVB","value":"87.5"}']
    _, *only = csv_rows(export(cast, "quang", "csv", criterion="cqs_so_hoa"))
    assert [(row[0], row[4]) for row in only] == [(str(entry.pk), "cqs_so_hoa")]


def test_the_xlsx_has_the_same_lines(cast: Cast):
    from io import BytesIO

    from openpyxl import load_workbook

    entry = saved(cast)
    sheet = load_workbook(BytesIO(export(cast, "quang", "xlsx").content)).active
    mine = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == entry.pk]
    assert [(row[4], row[7]) for row in mine] == [
        ("cqs_ky_so", "87,5; thuyết minh: Theo QLVB"),
        ("cqs_so_hoa", "75"),
    ]


def test_a_save_is_under_each_criterion_it_changed_in_the_comparison(cast: Cast):
    from portal.appraisals.compare import _history

    earlier = audit_record(  # an entry of one answer, written before saves were one entry
        actor=cast.lan, entity="answer", action="save", old=None,
        new={"value": "50", "note": ""}, campaign=cast.campaign, unit=cast.noi_vu,
        criterion="cqs_ky_so",
    )  # fmt: skip
    saved(cast)
    framework = cast.framework.build()
    history = _history(cast.noi_vu_campaign_unit, True, set(), framework.by_code)
    assert history == _history(cast.noi_vu_campaign_unit, False, set(), framework.by_code)
    assert earlier.pk and history["cqs_ky_so"][0].new.startswith("50")  # in the order written
    history["cqs_ky_so"] = history["cqs_ky_so"][1:]
    assert [change.new for change in history["cqs_ky_so"]][-1].startswith("87,5")
    assert len(history["cqs_ky_so"]) == 2 and len(history["cqs_so_hoa"]) == 1
    assert all(change.who == "Nguyễn Thị Lan" for change in history["cqs_so_hoa"])
    assert timezone.now() - history["cqs_so_hoa"][0].at < dt.timedelta(minutes=5)


def big_save(cast: Cast, criteria: int = 8) -> AuditEntry:
    codes = [f"tc_{n:02d}" for n in range(criteria)]
    return audit_record(
        actor=cast.lan, entity="answers", action="save", old=dict.fromkeys(codes),
        new={code: {"value": str(n), "note": ""} for n, code in enumerate(codes)},
        campaign=cast.campaign, unit=cast.noi_vu,
    )  # fmt: skip


def test_a_page_shows_a_saves_first_lines_and_links_to_the_whole_save(cast: Cast):
    entry = big_save(cast)
    html = page(cast)
    assert row_ids(html) == [f"{entry.pk}-tc_{n:02d}" for n in range(SAVE_LINES)]
    link = f'href="{reverse("audit:campaign", args=[cast.campaign.pk])}?entry={entry.pk}"'
    assert link in html and "Lần lưu này còn 3 tiêu chí nữa: xem cả lần lưu" in html
    whole = page(cast, entry=entry.pk)
    assert row_ids(whole) == [f"{entry.pk}-tc_{n:02d}" for n in range(8)]
    assert "Lần lưu này còn" not in whole and "một lần lưu" in whole
    assert page(cast, "lan", entry=entry.pk).count("<tr id=") == 8  # her unit's save
    assert "<tr id=" not in page(cast, "thao", entry=entry.pk)  # not another unit's
    _, *rows = csv_rows(export(cast, "quang", "csv", entry=entry.pk))
    assert [row[4] for row in rows] == [f"tc_{n:02d}" for n in range(8)]  # the export: all


def test_a_page_of_large_saves_stays_small(cast: Cast):
    for _ in range(60):
        big_save(cast, 80)
    html = page(cast)
    assert html.count("<tr id=") == 50 * SAVE_LINES
    assert html.count('<tr class="more">') == 50
    english = page(cast, language="en")
    assert "This save changed 75 more criteria: see the whole save" in english


def test_a_saves_line_for_one_criterion_needs_no_link(cast: Cast):
    entry = big_save(cast)
    html = page(cast, criterion="tc_07")
    assert row_ids(html) == [f"{entry.pk}-tc_07"] and "Lần lưu này còn" not in html


@pytest.mark.parametrize("hostile", ["0", "-1", "x", "1e3", "99999999999999999999"])
def test_an_entry_that_does_not_parse_is_no_filter(cast: Cast, hostile: str):
    entry = big_save(cast)
    assert str(entry.pk) in entry_ids(page(cast, entry=hostile))


def test_a_unit_or_entry_beyond_any_id_is_no_filter_and_no_error(cast: Cast):
    entry = big_save(cast)
    huge = str(2**63)  # one past PostgreSQL's bigint
    assert str(entry.pk) in entry_ids(page(cast, unit=huge))
    assert str(entry.pk) in entry_ids(page(cast, entry=huge))
    for actor in (huge, "9" * 30, "²"):  # digits to Python that are no id
        assert str(entry.pk) in entry_ids(page(cast, actor=actor))


def test_a_saves_lines_come_in_the_frameworks_order_on_the_page_and_in_the_exports(
    cast: Cast,
):
    """tcs_quy_che comes before cqs_ky_so in the framework, after it by code."""
    entry = audit_record(
        actor=cast.lan, entity="answers", action="save",
        old={"cqs_ky_so": None, "tcs_quy_che": None},
        new={"cqs_ky_so": {"value": "60", "note": ""}, "tcs_quy_che": {"value": True, "note": ""}},
        campaign=cast.campaign, unit=cast.noi_vu,
    )  # fmt: skip
    framework = [f"{entry.pk}-tcs_quy_che", f"{entry.pk}-cqs_ky_so"]
    assert row_ids(page(cast)) == framework
    _, *rows = csv_rows(export(cast, "quang", "csv"))
    assert [row[4] for row in rows] == ["tcs_quy_che", "cqs_ky_so"]


def test_a_criterion_is_matched_whole_not_as_a_path(cast: Cast):
    """Codes may hold dots: "a.b" is a key of its own, never a path into "a"."""
    entry = audit_record(
        actor=cast.lan, entity="answers", action="save", old={"a.b": None, "a": None},
        new={"a.b": {"value": "1", "note": ""}, "a": {"value": {"b": "2"}, "note": ""}},
        campaign=cast.campaign, unit=cast.noi_vu,
    )  # fmt: skip
    assert row_ids(page(cast, criterion="a.b")) == [f"{entry.pk}-a.b"]
    assert row_ids(page(cast, criterion="a")) == [f"{entry.pk}-a"]
    assert row_ids(page(cast, criterion="b")) == []
    assert row_ids(page(cast, criterion="a.value")) == []


def test_a_scope_of_no_unit_offers_no_criteria(cast: Cast):
    from portal.auditlog.permissions import LogScope
    from portal.auditlog.selectors import filter_choices

    saved(cast)
    scope = LogScope(cast.campaign, frozenset(), office_admin=False)
    assert filter_choices(scope).criteria == []
