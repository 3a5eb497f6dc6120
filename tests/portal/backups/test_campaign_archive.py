"""Campaign archives (docs/backups.md, "Campaign archives"): every demo campaign written by
`campaign_export`, imported by `campaign_import` into another province, and written again
from there holds the same rows, values, references and files; the source's audit entries
come along verified; and an archive changed anywhere (a file, a row, an entry, the
manifest), or one naming what the province holds otherwise, is refused with the place named
and nothing written. The demo is loaded once for the module (tests/portal/conftest.py)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from collections import deque
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Model

from dti.ledger import link_hash
from portal import evidence_store
from portal.accounts.models import Province, User
from portal.assessments.services import submission_return
from portal.audit.models import AuditEntry, CarriedEntry
from portal.audit.verify import audit_log_verify, carried_digest
from portal.backups.campaign_archive import (
    LEFT_OUT,
    PARTS,
    PROVINCE,
    SHARED_MODELS,
    export_campaign,
    part_member,
)
from portal.backups.campaign_import import import_campaign
from portal.backups.snapshot import BackupError
from portal.campaigns.models import Campaign
from portal.units.models import Unit
from tests.portal.conftest import Demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_store(demo: Demo, settings: Any) -> Path:
    settings.EVIDENCE_ROOT = demo.folder / "evidence"
    return demo.folder / "evidence"


@pytest.fixture
def elsewhere() -> Province:
    return Province.objects.create(code="tinh-nhan", name="Tỉnh Nhận")


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def rewritten(archive: Path, out: Path, change: dict[str, bytes], *, manifest: bool) -> Path:
    """A copy of `archive` with members changed; `manifest`: its hashes and sizes made to
    match, as someone who changed the file on purpose would."""
    content = members(archive)
    content.update(change)
    listed = json.loads(content["manifest.json"])
    if manifest:
        for entry in listed["files"]:
            data = content[entry["path"]]
            entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
        content["manifest.json"] = json.dumps(listed).encode()
    return packed(out, list(content.items()))


def packed(out: Path, items: list[tuple[str, bytes]]) -> Path:
    """A tar of these members, in this order (a name may come twice)."""
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in items:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def comparable(archive: Path) -> dict[str, list[dict[str, Any]]]:
    """An archive's rows with every id replaced by what it stands for: a row of the
    campaign by its place among its part's rows, a unit by its code, a person by their
    name (an import gives them accounts of its own), a framework by its code, a stored file
    by its SHA-256."""
    content = members(archive)
    shared = json.loads(content["shared.json"])
    natural = {
        "units.Unit": {u["id"]: u["code"] for u in shared["units"]},
        "accounts.User": {p["id"]: p["full_name"] for p in shared["people"]},
        "frameworks.FrameworkVersion": {f["id"]: f["code"] for f in shared["frameworks"]},
    }
    files = {
        name.removeprefix("evidence/"): hashlib.sha256(data).hexdigest()
        for name, data in content.items()
        if name.startswith("evidence/")
    }
    places: dict[str, dict[int, int]] = {}
    result: dict[str, list[dict[str, Any]]] = {}
    for label, _ in PARTS:
        model = apps.get_model(label)
        rows = [json.loads(line) for line in content[part_member(label)].splitlines()]
        places[label] = {pk: n for n, pk in enumerate(sorted(r["id"] for r in rows))}
        result[label] = [_named(model, row, places, natural, files) for row in rows]
    return result


def _named(
    model: type[Model],
    row: dict[str, Any],
    places: dict[str, dict[int, int]],
    natural: dict[str, dict[int, str]],
    files: dict[str, str],
) -> dict[str, Any]:
    named = dict(row)
    named["id"] = places[model._meta.label][row["id"]]
    for field in model._meta.concrete_fields:
        value = row[field.name]
        if field.is_relation and value is not None:
            target = field.related_model._meta.label  # type: ignore[union-attr]
            named[field.name] = (
                None if target == PROVINCE else natural.get(target, places.get(target, {}))[value]
            )
        if field.name == "stored_name" and value:
            named[field.name] = files[value]
    return named


def decided(campaign: Campaign) -> Campaign:
    """The campaign with no submission left awaiting approval: the demo leaves some, which
    an archive refuses (their snapshots name this campaign); returned, as an approver may."""
    waiting = apps.get_model("assessments", "Submission").objects.filter(
        campaign_unit__campaign=campaign, state="submitted"
    )
    for submission in waiting.select_related("campaign_unit"):
        unit = submission.campaign_unit
        approver = User.objects.get(memberships__unit=unit.unit_id, memberships__role="approver")
        submission_return(campaign_unit=unit, actor=approver, note="Trả lại để bổ sung")
    return campaign


def table_counts() -> dict[str, int]:
    return {
        m._meta.label: m._base_manager.count()
        for m in apps.get_models()
        if m._meta.app_label not in {"sessions", "admin", "contenttypes", "auth"}
    }


def test_every_model_that_names_a_campaign_is_carried_or_left_out_on_purpose():
    """A model added later that belongs to a campaign must be placed: carried, or left out
    with its reason."""
    campaign = apps.get_model("campaigns", "Campaign")
    reaching: set[str] = {campaign._meta.label}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            label = model._meta.label
            if label in reaching or label in SHARED_MODELS:
                continue
            targets = {
                f.related_model._meta.label
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not None
            }
            if targets & reaching:
                reaching.add(label)
                changed = True
    carried = {label for label, _ in PARTS}
    assert reaching - carried - set(LEFT_OUT) == set()
    assert carried & set(LEFT_OUT) == set()


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_every_demo_campaign_comes_back_whole_in_another_province(year: int, tmp_path: Path):
    for source in map(decided, Campaign.objects.filter(year=year)):
        elsewhere = Province.objects.create(code=f"nhan-{source.pk}", name=f"Nhận {source.pk}")
        first = export_campaign(source.pk, tmp_path / f"{source.pk}.tar").path
        done = import_campaign(first, province=elsewhere.code)
        again = export_campaign(done.campaign_id, tmp_path / f"{source.pk}-again.tar").path
        assert comparable(again) == comparable(first)
        manifest = json.loads(members(first)["manifest.json"])
        assert done.rows == sum(manifest["rows"].values()) > 0
        # the units came along into the province that had none of them
        codes = set(source.units.values_list("unit__code", flat=True))
        assert codes <= set(Unit.objects.filter(province=elsewhere).values_list("code", flat=True))
        assert Campaign.objects.get(pk=done.campaign_id).province == elsewhere
    assert audit_log_verify().intact


def test_the_appraisal_and_the_evidence_files_come_along_byte_for_byte(
    tmp_path: Path, elsewhere: Province, demo_store: Path
):
    source = Campaign.objects.get(province__code="binh-phuoc", year=2025)
    archive = export_campaign(source.pk, tmp_path / "a.tar").path
    listed = json.loads(members(archive)["manifest.json"])
    assert listed["rows"]["appraisals.Appraisal"] > 0 and listed["rows"]["assessments.Evidence"]
    done = import_campaign(archive, province=elsewhere.code)
    evidence = apps.get_model("assessments", "Evidence")
    before = {
        (e.submission.campaign_unit.unit.code, e.criterion, e.original_name): e
        for e in evidence.objects.filter(submission__campaign_unit__campaign=source)
        if e.stored_name
    }
    after = {
        (e.submission.campaign_unit.unit.code, e.criterion, e.original_name): e
        for e in evidence.objects.filter(submission__campaign_unit__campaign_id=done.campaign_id)
        if e.stored_name
    }
    assert before.keys() == after.keys() and len(after) == done.evidence > 0
    for key, old in before.items():
        new = after[key]
        assert new.stored_name != old.stored_name  # a name of this store's own
        assert evidence_store.read(new.stored_name) == evidence_store.read(old.stored_name)
        assert new.uploaded_at == old.uploaded_at and new.sha256 == old.sha256


def test_the_sources_entries_are_carried_checked_and_the_import_is_on_this_trail(
    tmp_path: Path, elsewhere: Province
):
    source = decided(Campaign.objects.get(province__code="binh-dinh", year=2025))
    archive = export_campaign(source.pk, tmp_path / "a.tar")
    done = import_campaign(archive.path, province=elsewhere.code, expect_sha256=archive.sha256)
    carried = list(CarriedEntry.objects.filter(campaign_id=done.campaign_id).order_by("seq"))
    theirs = list(AuditEntry.objects.filter(campaign=source).order_by("seq"))
    assert [c.hash for c in carried] == [e.hash for e in theirs] and len(carried) == done.entries
    assert all(link_hash(c.previous_hash, c.content) == c.hash for c in carried)
    entry = AuditEntry.objects.get(campaign_id=done.campaign_id, action="import")
    assert entry.new["archive_sha256"] == archive.sha256
    assert entry.new["carried_digest"] == carried_digest([e.hash for e in theirs])
    with pytest.raises(Exception, match="không được sửa"):
        CarriedEntry.objects.filter(pk=carried[0].pk).update(reason="x")


def test_the_people_who_acted_are_new_accounts_that_cannot_sign_in_never_accounts_here(
    tmp_path: Path, elsewhere: Province
):
    """Even an account of the same username and name is not taken for the person: the
    archive's rows (a place on an appraisal team) would give it rights here."""
    source = Campaign.objects.get(province__code="binh-phuoc", year=2025)
    archive = export_campaign(source.pk, tmp_path / "a.tar").path
    people = json.loads(members(archive)["shared.json"])["people"]
    before = {u.pk: (u.username, u.full_name, u.is_active, u.password) for u in User.objects.all()}
    done = import_campaign(archive, province=elsewhere.code)
    made = User.objects.exclude(pk__in=before)
    assert made.count() == done.created["people"] == len(people)
    assert all(not u.is_active and not u.has_usable_password() for u in made)
    assert {u.full_name for u in made} == {p["full_name"] for p in people}
    assert made.filter(username=f"{people[0]['username']}-2")  # the name was taken here
    after = {
        u.pk: (u.username, u.full_name, u.is_active, u.password)
        for u in User.objects.filter(pk__in=before)
    }
    assert after == before
    team = apps.get_model("appraisals", "TeamMember")
    assert not team.objects.filter(campaign_id=done.campaign_id, user_id__in=before).exists()


def test_an_archive_into_its_own_province_twice_is_refused_the_second_time(tmp_path: Path):
    source = Campaign.objects.get(province__code="binh-dinh", year=2023)
    archive = export_campaign(source.pk, tmp_path / "a.tar").path
    counts = table_counts()
    with pytest.raises(BackupError, match="đã có đợt"):
        import_campaign(archive)
    assert table_counts() == counts


def test_a_unit_of_the_same_code_and_another_name_is_refused_by_name(
    tmp_path: Path, elsewhere: Province
):
    source = decided(Campaign.objects.get(province__code="binh-dinh", year=2025))
    unit = source.units.first().unit
    Unit.objects.create(
        province=elsewhere, code=unit.code, name="Một đơn vị khác", level=unit.level
    )
    archive = export_campaign(source.pk, tmp_path / "a.tar").path
    counts = table_counts()
    with pytest.raises(BackupError, match=f"mã {unit.code}: trong tệp là “{unit.name}”"):
        import_campaign(archive, province=elsewhere.code)
    assert table_counts() == counts


def test_a_province_named_that_is_not_here_is_refused(tmp_path: Path):
    source = Campaign.objects.get(province__code="binh-dinh", year=2023)
    archive = export_campaign(source.pk, tmp_path / "a.tar").path
    with pytest.raises(BackupError, match="Không có tỉnh mã “khong-co”"):
        import_campaign(archive, province="khong-co")


def _tampered(
    tmp_path: Path, edit: Any, *, manifest: bool = True, source: Campaign | None = None
) -> Path:
    source = source or Campaign.objects.get(province__code="binh-phuoc", year=2025)
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    archive = export_campaign(source.pk, folder / "a.tar").path
    return rewritten(archive, folder / "b.tar", edit(members(archive)), manifest=manifest)


def _first_line_changed(member: str, change: Any) -> Any:
    def edit(content: dict[str, bytes]) -> dict[str, bytes]:
        lines = content[member].splitlines()
        row = json.loads(lines[0])
        change(row)
        lines[0] = json.dumps(row).encode()  # escaped: a lone surrogate is written too
        return {member: b"\n".join(lines) + b"\n"}

    return edit


def _evidence_byte(content: dict[str, bytes]) -> dict[str, bytes]:
    name = next(n for n in content if n.startswith("evidence/"))
    return {name: b"X" + content[name][1:]}


def _set(key: str, value: Any) -> Any:
    return lambda row: row.__setitem__(key, value)


TAMPERING = [
    pytest.param(_evidence_byte, False, "không khớp mã băm trong bản kê", id="evidence-byte"),
    pytest.param(
        _first_line_changed("audit/entries.jsonl", lambda e: e["content"].update(new="sửa")),
        True, r"dòng 1 \(mục số \d+ của hệ thống nguồn\): nội dung không khớp mã băm", id="audit-entry-rewritten",
    ),
    pytest.param(
        _first_line_changed("audit/entries.jsonl", lambda e: e["content"].update(campaign=999999)),
        True, "không thuộc đợt", id="audit-entry-of-another-campaign",
    ),
    pytest.param(
        _first_line_changed(part_member("assessments.Evidence"), _set("stored_name", "../../etc/passwd")),
        True, "Evidence.jsonl, dòng 1: tệp minh chứng '../../etc/passwd' không có", id="stored-name-path",
    ),
    pytest.param(
        _first_line_changed(part_member("campaigns.CampaignUnit"), _set("unit", 987654)),
        True, "CampaignUnit.jsonl, dòng 1, cột unit: tham chiếu tới dòng không có", id="unknown-unit",
    ),
    pytest.param(
        _first_line_changed(part_member("assessments.Answer"), _set("note", "x" * 70000)),
        True, None, id="long-text-is-kept-as-text",
    ),
    pytest.param(
        _first_line_changed(part_member("assessments.Submission"), _set("state", "da-hack")),
        True, "Submission.jsonl, dòng 1, cột state: giá trị “da-hack” không có trong danh mục",
        id="state-not-a-choice",
    ),
    pytest.param(
        _first_line_changed(part_member("campaigns.CampaignUnit"), _set("level", "x" * 40)),
        True, "cột level: giá trị không hợp lệ", id="text-past-its-length",
    ),
    pytest.param(
        _first_line_changed(part_member("appraisals.Appraisal"), _set("updated_at", "hôm qua")),
        True, "Appraisal.jsonl, dòng 1, cột updated_at: giá trị không hợp lệ", id="time-unreadable",
    ),
    pytest.param(
        _first_line_changed(part_member("assessments.Answer"), _set("is_admin", True)),
        True, "Answer.jsonl, dòng 1: có cột lạ is_admin", id="unknown-column",
    ),
    pytest.param(
        lambda content: {"evidence/../../x": b"x"}, True, "thành phần lạ", id="member-path"
    ),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "manifest", "said"), TAMPERING)
def test_an_archive_changed_anywhere_is_refused_with_the_place_and_nothing_is_written(
    edit: Any, manifest: bool, said: str | None, tmp_path: Path, elsewhere: Province,
    demo_store: Path,
):  # fmt: skip
    changed = _tampered(tmp_path, edit, manifest=manifest)
    counts = table_counts()
    files = sorted(p for p in demo_store.rglob("*") if p.is_file())
    if said is None:  # a note past nothing but the text field's own length is a note
        import_campaign(changed, province=elsewhere.code)
        return
    with pytest.raises(BackupError, match=said):
        import_campaign(changed, province=elsewhere.code)
    assert table_counts() == counts
    assert sorted(p for p in demo_store.rglob("*") if p.is_file()) == files


def test_a_row_changed_with_its_manifest_is_caught_by_the_senders_hash(
    tmp_path: Path, elsewhere: Province
):
    source = Campaign.objects.get(province__code="binh-phuoc", year=2025)
    sent = export_campaign(source.pk, tmp_path / "a.tar")
    edit = _first_line_changed(part_member("assessments.Answer"), _set("value", "999"))
    changed = rewritten(sent.path, tmp_path / "b.tar", edit(members(sent.path)), manifest=True)
    with pytest.raises(BackupError, match="khác mã người gửi báo"):
        import_campaign(changed, province=elsewhere.code, expect_sha256=sent.sha256)


def test_a_store_failing_midway_leaves_no_file_and_no_row(
    tmp_path: Path, elsewhere: Province, demo_store: Path, monkeypatch: pytest.MonkeyPatch
):
    source = Campaign.objects.get(province__code="binh-phuoc", year=2025)
    archive = export_campaign(source.pk, tmp_path / "a.tar").path
    saved = deque([None, None, evidence_store.EvidenceStoreError("kho không trả lời")])
    real = evidence_store.save

    def failing(name: str, content: Any) -> None:
        if saved.popleft() is not None:
            raise evidence_store.EvidenceStoreError("kho không trả lời")
        real(name, content)

    monkeypatch.setattr(evidence_store, "save", failing)
    counts = table_counts()
    files = sorted(p for p in demo_store.rglob("*") if p.is_file())
    with pytest.raises(BackupError, match="Chưa lưu được tệp minh chứng vào kho"):
        import_campaign(archive, province=elsewhere.code)
    assert table_counts() == counts
    assert sorted(p for p in demo_store.rglob("*") if p.is_file()) == files


def test_the_commands_say_what_they_did_and_what_to_send(tmp_path: Path, elsewhere: Province):
    source = decided(Campaign.objects.get(province__code="binh-dinh", year=2025))
    said = StringIO()
    call_command("campaign_export", str(source.pk), str(tmp_path / "a.tar"), stdout=said)
    digest = hashlib.sha256((tmp_path / "a.tar").read_bytes()).hexdigest()
    assert f"Mã SHA-256 của tệp: {digest}" in said.getvalue()
    said = StringIO()
    call_command(
        "campaign_import", str(tmp_path / "a.tar"), "--province", elsewhere.code,
        "--expect-sha256", digest, stdout=said,
    )  # fmt: skip
    assert "Đã nhập đợt “Đánh giá chuyển đổi số năm 2025” năm 2025 vào Tỉnh Nhận" in said.getvalue()
    failed = StringIO()
    with pytest.raises(SystemExit) as stop:
        call_command("campaign_export", "987654", str(tmp_path / "b.tar"), stderr=failed)
    assert stop.value.code == 2 and "Bình Định, 2025" in failed.getvalue()


def test_a_campaign_moved_twice_keeps_every_entry_of_both_earlier_deployments(tmp_path: Path):
    source = decided(Campaign.objects.get(province__code="binh-dinh", year=2025))
    first, second = (
        Province.objects.create(code=code, name=code) for code in ("buoc-mot", "buoc-hai")
    )
    moved = import_campaign(
        export_campaign(source.pk, tmp_path / "1.tar").path, province=first.code
    )
    again = export_campaign(moved.campaign_id, tmp_path / "2.tar")
    done = import_campaign(again.path, province=second.code)
    carried = CarriedEntry.objects.filter(campaign_id=done.campaign_id)
    original = set(AuditEntry.objects.filter(campaign=source).values_list("hash", flat=True))
    middle = set(
        AuditEntry.objects.filter(campaign_id=moved.campaign_id).values_list("hash", flat=True)
    )
    assert set(carried.values_list("hash", flat=True)) == original | middle
    assert carried.filter(archive_sha256=again.sha256).count() == len(middle) >= 1
    report = audit_log_verify()
    assert report.intact and report.carried.count == carried.count() + len(original)


@pytest.mark.parametrize("how", ["content", "deleted", "added"])
def test_carried_entries_changed_behind_the_portal_break_the_verdict(
    how: str, tmp_path: Path, elsewhere: Province
):
    source = decided(Campaign.objects.get(province__code="binh-dinh", year=2025))
    done = import_campaign(
        export_campaign(source.pk, tmp_path / "a.tar").path, province=elsewhere.code
    )
    table = CarriedEntry._meta.db_table
    first = CarriedEntry.objects.filter(campaign_id=done.campaign_id).order_by("pk").first()
    assert first is not None
    with connection.cursor() as cursor:
        if how == "content":
            changed = json.dumps({"campaign": 1})
            cursor.execute(f"UPDATE {table} SET content = %s WHERE id = %s", [changed, first.pk])  # noqa: S608
        elif how == "deleted":
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [first.pk])  # noqa: S608
        else:
            content = {"campaign": 1, "new": "thêm"}
            CarriedEntry.objects.create(
                campaign_id=done.campaign_id, archive_sha256=first.archive_sha256, seq=10**9,
                previous_hash=first.hash, hash=link_hash(first.hash, content), content=content,
            )  # fmt: skip
    report = audit_log_verify()
    assert not report.intact and report.carried.changed == (done.campaign_id,)
    said = StringIO()
    with pytest.raises(SystemExit):
        call_command("audit_log_verify", stdout=said)
    assert f"của đợt số {done.campaign_id} đã bị thay đổi ngoài cổng" in said.getvalue()


def _shared_changed(change: Any) -> Any:
    def edit(content: dict[str, bytes]) -> dict[str, bytes]:
        shared = json.loads(content["shared.json"])
        change(shared)
        return {"shared.json": json.dumps(shared, ensure_ascii=False).encode()}

    return edit


def test_what_shared_json_lists_but_no_row_names_is_not_added_to_the_province(
    tmp_path: Path, elsewhere: Province
):
    """An archive adds to a province only the units, frameworks and people its campaign
    uses; and it never links two units the province already holds."""
    source = Campaign.objects.get(province__code="binh-phuoc", year=2025)
    used = list(source.units.values_list("unit__code", flat=True)[:2])
    for code in used:  # the province here holds two of the campaign's units already
        unit = Unit.objects.get(province=source.province, code=code)
        Unit.objects.create(province=elsewhere, code=code, name=unit.name, level=unit.level)

    def extra(shared: dict[str, Any]) -> None:
        ids = {u["code"]: u["id"] for u in shared["units"]}
        shared["units"].append(
            {
                **shared["units"][0],
                "id": 99001,
                "code": "so-gia-mao",
                "name": "Sở giả mạo",
                "parent": None,
            }
        )
        shared["people"].append(
            {"id": 99002, "username": "admin", "full_name": "Quản trị hệ thống"}
        )
        shared["lineage"].append(
            {
                "predecessor": ids[used[0]],
                "successor": ids[used[1]],
                "kind": "merged",
                "effective": "2025-07-01",
                "note": "",
            }
        )

    changed = _tampered(tmp_path, _shared_changed(extra))
    done = import_campaign(changed, province=elsewhere.code)
    assert not Unit.objects.filter(code="so-gia-mao").exists()
    assert not User.objects.filter(full_name="Quản trị hệ thống").exists()
    lineage = apps.get_model("units", "Lineage")
    assert not lineage.objects.filter(
        predecessor__province=elsewhere, predecessor__code=used[0]
    ).exists()
    assert done.skipped_links == 1


def _row_value(part: str, key: str, value: Any) -> Any:
    return _first_line_changed(part_member(part), _set(key, value))


def _raw_line(member: str, text: bytes) -> Any:
    return lambda content: {member: text + b"\n" + content[member]}


HOSTILE = [
    pytest.param(_row_value("assessments.Answer", "version", 2**70), "số nguyên quá lớn", id="int-past-64-bits"),
    pytest.param(_row_value("assessments.Answer", "version", 2**40), "cột version: giá trị không hợp lệ", id="int-past-its-column"),
    pytest.param(_row_value("campaigns.CampaignUnit", "level", "\ud800"), "ký tự không hợp lệ", id="lone-surrogate"),
    pytest.param(_row_value("appraisals.Appraisal", "updated_at", "0001-01-01T00:00:00+05:00"), "cột updated_at: giá trị không hợp lệ", id="time-before-year-1"),
    pytest.param(_shared_changed(lambda s: s["units"][0].update(active_from="2025-02-30")), "ngày không đọc được", id="date-30-february"),
    pytest.param(_raw_line(part_member("assessments.Answer"), b"[" * 200_000), "JSON lồng quá sâu", id="deep-brackets"),
    pytest.param(_row_value("assessments.Answer", "value", json.loads("[" * 70 + "]" * 70)), "lồng sâu quá 64", id="deep-stored-value"),
    pytest.param(_raw_line("audit/entries.jsonl", b'{"seq": NaN}'), "NaN không phải một số", id="nan"),
    pytest.param(_first_line_changed(part_member("campaigns.Campaign"), _set("title", "Đợt khác")), "không phải đợt đánh giá của bản kê", id="campaign-row-not-the-manifests"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "said"), HOSTILE)
def test_values_no_database_or_page_could_hold_are_refused_with_their_place(
    edit: Any, said: str, tmp_path: Path, elsewhere: Province
):
    changed = _tampered(tmp_path, edit)
    counts = table_counts()
    with pytest.raises(BackupError, match=said):
        import_campaign(changed, province=elsewhere.code)
    assert table_counts() == counts


def test_a_sparse_member_or_one_past_the_free_disk_is_refused_before_it_is_unpacked(
    tmp_path: Path, elsewhere: Province, monkeypatch: pytest.MonkeyPatch
):
    source = Campaign.objects.get(province__code="binh-phuoc", year=2025)
    archive = export_campaign(source.pk, tmp_path / "a.tar").path
    listed = json.loads(members(archive)["manifest.json"])
    listed["files"][0]["size"] = 2**50  # a petabyte, declared
    content = {**members(archive), "manifest.json": json.dumps(listed).encode()}
    big = packed(tmp_path / "big.tar", list(content.items()))
    with pytest.raises(BackupError, match="ổ đĩa chỉ còn"):
        import_campaign(big, province=elsewhere.code)
    monkeypatch.setattr(tarfile.TarInfo, "issparse", lambda self: self.name.startswith("rows/"))
    with pytest.raises(BackupError, match="thành phần lạ"):
        import_campaign(archive, province=elsewhere.code)


def test_an_archive_that_does_not_start_with_its_manifest_is_refused(
    tmp_path: Path, elsewhere: Province
):
    source = Campaign.objects.get(province__code="binh-dinh", year=2023)
    content = members(export_campaign(source.pk, tmp_path / "a.tar").path)
    last = sorted(content, key=lambda n: n == "manifest.json")
    moved = packed(tmp_path / "b.tar", [(name, content[name]) for name in last])
    with pytest.raises(BackupError, match=r"không bắt đầu bằng manifest\.json"):
        import_campaign(moved, province=elsewhere.code)


def test_a_campaign_with_decisions_pending_here_is_not_exported_nor_imported(
    tmp_path: Path, elsewhere: Province
):
    """A submission awaiting approval was signed as a snapshot naming this campaign: once
    it has another id elsewhere, approving it there would be refused as changed."""
    source = Campaign.objects.get(province__code="binh-dinh", year=2025)
    with pytest.raises(BackupError, match="bản tự đánh giá “Đã gửi, chờ phê duyệt”"):
        export_campaign(source.pk, tmp_path / "a.tar")
    assert not (tmp_path / "a.tar").exists()
    edit = _first_line_changed(part_member("assessments.Submission"), _set("state", "submitted"))
    changed = _tampered(tmp_path, edit)
    with pytest.raises(
        BackupError, match=r"Submission\.jsonl, dòng 1: còn chờ quyết định ở hệ thống nguồn"
    ):
        import_campaign(changed, province=elsewhere.code)


def test_a_parent_unit_named_otherwise_here_is_listed_as_a_conflict(
    tmp_path: Path, elsewhere: Province
):
    source = Campaign.objects.get(province__code="binh-phuoc", year=2025)
    parent = Unit.objects.create(
        province=source.province, code="huyen-cha", name="Huyện Cha", level="huyen"
    )
    Unit.objects.filter(pk=source.units.first().unit_id).update(parent=parent)
    Unit.objects.create(province=elsewhere, code="huyen-cha", name="Huyện Khác", level="huyen")
    archive = export_campaign(source.pk, tmp_path / "a.tar").path
    with pytest.raises(BackupError, match="mã huyen-cha: trong tệp là “Huyện Cha”"):
        import_campaign(archive, province=elsewhere.code)


def test_more_decimals_than_a_column_keeps_or_a_nul_are_refused(
    tmp_path: Path, elsewhere: Province
):
    historic = Campaign.objects.get(province__code="binh-dinh", year=2023)
    edit = _first_line_changed(part_member("campaigns.HistoricResult"), _set("total", "1.12345"))
    with pytest.raises(BackupError, match="cột total: giá trị không hợp lệ"):
        import_campaign(_tampered(tmp_path, edit, source=historic), province=elsewhere.code)
    edit = _first_line_changed(part_member("assessments.Answer"), _set("note", "a\x00b"))
    with pytest.raises(BackupError, match="ký tự NUL"):
        import_campaign(_tampered(tmp_path, edit), province=elsewhere.code)


def test_a_second_manifest_is_a_stray_member(tmp_path: Path, elsewhere: Province):
    source = Campaign.objects.get(province__code="binh-dinh", year=2023)
    content = members(export_campaign(source.pk, tmp_path / "a.tar").path)
    twice = ["manifest.json", *content]  # the manifest, then it again, then the rest
    doubled = packed(tmp_path / "b.tar", [(name, content[name]) for name in twice])
    with pytest.raises(BackupError, match=r"thành phần lạ 'manifest\.json'"):
        import_campaign(doubled, province=elsewhere.code)


def test_a_framework_is_known_by_its_rows_code_even_when_its_document_says_another(
    tmp_path: Path, elsewhere: Province
):
    source = Campaign.objects.get(province__code="binh-dinh", year=2023)
    level = source.levels.first()
    apps.get_model("frameworks", "FrameworkVersion").objects.filter(pk=level.framework_id).update(
        code="ma-rieng", name="Tên riêng"
    )
    done = import_campaign(
        export_campaign(source.pk, tmp_path / "a.tar").path, province=elsewhere.code
    )
    made = Campaign.objects.get(pk=done.campaign_id).levels.get(level=level.level).framework
    assert (made.code, made.name, made.province) == ("ma-rieng", "Tên riêng", elsewhere)
