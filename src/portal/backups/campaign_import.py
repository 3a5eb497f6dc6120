"""`manage.py campaign_import FILE`: a campaign archive made by `campaign_export` on another
deployment (portal.backups.campaign_archive), checked whole, then written in one
transaction (docs/backups.md, "Campaign archives").

Checked before anything is written:

- the file's own SHA-256, against the one its sender announced (`--expect-sha256`): the
  manifest's hashes prove the members match the manifest, not that the manifest is the
  sender's;
- the manifest: its format, its shape, and a release that knows every migration it names;
- every member: listed, a plain name, its size and SHA-256 as the manifest says, and none
  missing or extra;
- the shared records' shape; every unit and framework that the province already holds
  under the same code must be the same one (a unit by its name, a framework by its
  document), and a new framework passes the core's checks;
- every audit entry carried: its hash recomputed from its content and previous hash, each
  following the one before it when they are consecutive in the source's chain, each about
  this campaign.

Then, in one transaction: the province (created from the archive when it has none of that
code), the units and frameworks the rows name that it lacks, a new account for each person
who acted (inactive, without a password: never an account already here), every row
of every part with its references mapped to the new ids (each value read by its field's
type, length and choices), the carried entries, and one entry of this deployment's trail
saying who imported which file. The evidence files are put into the store under new names
last; anything failing removes them and rolls everything back."""

from __future__ import annotations

import base64
import binascii
import getpass
import json
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import jsonschema
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.migrations.loader import MigrationLoader
from django.db.models import Field, Model
from django.utils.dateparse import parse_date, parse_datetime

from dti.framework.documents import DocumentError
from dti.ledger import link_hash
from dti.names import loose_label
from portal import evidence_store
from portal.accounts.models import Province
from portal.audit.models import CarriedEntry
from portal.audit.services import audit_record
from portal.audit.verify import carried_digest
from portal.backups.archive import file_sha256
from portal.backups.campaign_archive import (
    CARRIED,
    ENTRIES,
    EVIDENCE_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    FRAMEWORK,
    LINE_MAX,
    NAMED,
    PARTS,
    PROVINCE,
    SHARED,
    SHARED_MODELS,
    STORED_FILE_FIELD,
    UNIT,
    USER,
    part_member,
    related_label,
)
from portal.backups.portable import INTEGER_FIELDS, TEXT_FIELDS, fits_column
from portal.backups.restore import extract_checked, opened_with_stage, read_manifest
from portal.backups.snapshot import BackupError
from portal.bulk import insert_rows
from portal.frameworks.documents import check_framework, exact_document
from portal.units.models import Unit
from portal.workflow import SubmissionState

BATCH = 2000
JSON_DEPTH = 64  # a stored value nested deeper is refused (reading it back would recurse)

_HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
_TEXT = {"type": "string", "maxLength": 300}
MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "version", "portal_version", "migrations", "campaign", "rows",
                 "audit", "files"],
    "properties": {
        "portal_version": {"type": "string", "maxLength": 100},
        "created_at": {"type": "string", "maxLength": 40},
        "migrations": {
            "type": "array",
            "items": {"type": "array", "items": {"type": "string"}, "minItems": 2,
                      "maxItems": 2},
        },
        "campaign": {
            "type": "object",
            "required": ["id", "province", "province_name", "year", "title"],
            "properties": {"id": _ID, "province": _TEXT, "province_name": _TEXT,
                           "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
                           "title": _TEXT},
        },
        "rows": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "audit": {"type": "object", "required": ["entries"],
                  "properties": {"entries": {"type": "integer", "minimum": 0}}},
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "size", "sha256"],
                "properties": {"path": {"type": "string"},
                               "size": {"type": "integer", "minimum": 0}, "sha256": _HEX64},
            },
        },
    },
}  # fmt: skip
SHARED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["province", "units", "lineage", "frameworks", "people"],
    "properties": {
        "province": {"type": "object", "required": ["code", "name"],
                     "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
        "units": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "code", "name", "level", "parent", "attributes", "aliases",
                         "active_from", "active_until"],
            "properties": {"id": _ID, "code": {"type": "string"}, "name": {"type": "string"},
                           "level": {"type": "string"},
                           "parent": {"anyOf": [_ID, {"type": "null"}]},
                           "attributes": {"type": "object"},
                           "aliases": {"type": "array", "items": {"type": "string"}},
                           "active_from": {"type": ["string", "null"]},
                           "active_until": {"type": ["string", "null"]}},
        }},
        "lineage": {"type": "array", "items": {
            "type": "object",
            "required": ["predecessor", "successor", "kind", "effective", "note"],
            "properties": {"predecessor": _ID, "successor": _ID, "kind": {"type": "string"},
                           "effective": {"type": "string"}, "note": {"type": "string"}},
        }},
        "frameworks": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "code", "year", "level", "document"],
            "properties": {"id": _ID, "code": {"type": "string"}, "year": {"type": "integer"},
                           "level": {"type": "string"}, "document": {"type": "object"},
                           "name": {"type": "string"}, "source": {"type": "string"}},
        }},
        "people": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "username", "full_name"],
            "properties": {"id": _ID, "username": {"type": "string"},
                           "full_name": {"type": "string"}},
        }},
    },
}  # fmt: skip
ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["seq", "previous_hash", "hash", "content"],
    "properties": {
        "seq": _ID,
        "previous_hash": _HEX64,
        "hash": _HEX64,
        "content": {"type": "object", "required": ["campaign"]},
    },
}
CARRIED_SCHEMA: dict[str, Any] = {
    **ENTRY_SCHEMA,
    "required": [*ENTRY_SCHEMA["required"], "archive_sha256"],
    "properties": {**ENTRY_SCHEMA["properties"], "archive_sha256": _HEX64},
}


@dataclass
class Imported:
    campaign_id: int
    province: str
    title: str
    year: int
    rows: int = 0
    evidence: int = 0
    entries: int = 0
    created: dict[str, int] = field(default_factory=dict)  # province, units, frameworks, people
    published: bool = False
    skipped_links: int = 0  # lineage between two units held already: left as it is here


def import_campaign(
    source: Path, *, province: str | None = None, expect_sha256: str | None = None
) -> Imported:
    """Check the archive `source` whole, then write its campaign into `province` (by code;
    by default the archive's own, created if this deployment has none). BackupError says
    what is wrong and where; nothing is written then."""
    digest = file_sha256(source)
    if expect_sha256 is not None and digest != expect_sha256.strip().lower():
        raise BackupError(
            f"{source}: mã SHA-256 của tệp là {digest}, khác mã người gửi báo "
            f"({expect_sha256.strip()}): tệp đã bị thay đổi trên đường đi hoặc không phải tệp "
            "được gửi. Không nhập gì."
        )
    try:
        return _checked_and_written(source, province, digest)
    except tarfile.TarError as error:
        raise BackupError(f"{source}: không đọc được như một tệp tar ({error}).") from None


def _checked_and_written(source: Path, province: str | None, digest: str) -> Imported:
    with opened_with_stage(source, ".dti-campaign-import-") as (archive, stage):
        manifest = read_manifest(archive, source, (FORMAT, FORMAT_VERSION, NAMED))
        _bounded(manifest, f"{source}: manifest.json", 0)
        _check_shape(manifest, MANIFEST_SCHEMA, f"{source}: manifest.json")
        _check_release(manifest, source)
        staged = extract_checked(archive, manifest, stage, source)
        for needed in [SHARED, ENTRIES, CARRIED, *(part_member(label) for label, _ in PARTS)]:
            if needed not in staged:
                raise BackupError(f"{source}: thiếu thành phần {needed}; tệp không đầy đủ.")
        shared = _json_file(staged[SHARED], SHARED)
        _check_shape(shared, SHARED_SCHEMA, SHARED)
        entries = list(_checked_entries(staged[ENTRIES], ENTRIES, manifest["campaign"]["id"]))
        if len(entries) != manifest["audit"]["entries"]:
            raise BackupError(
                f"{ENTRIES}: có {len(entries)} mục, bản kê ghi {manifest['audit']['entries']}."
            )
        for entry in entries:
            entry["archive_sha256"] = digest
        carried = list(_checked_entries(staged[CARRIED], CARRIED, None))
        return _write(manifest, shared, entries + carried, staged, province, digest)


def _check_shape(data: Any, schema: dict[str, Any], where: str) -> None:
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(data)
    )
    if error is not None:
        place = "/".join(str(part) for part in error.absolute_path) or "gốc"
        raise BackupError(f"{where}: sai cấu trúc ở {place}: {error.message}")


def _check_release(manifest: dict[str, Any], source: Path) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{a}.{n}" for a, n in manifest["migrations"] if (a, n) not in known]
    if unknown:
        raise BackupError(
            f"{source} được tạo bởi phiên bản mới hơn (có {len(unknown)} migration mà bản này "
            f"không có, ví dụ {unknown[0]}). Cài phiên bản {manifest['portal_version']} trở lên "
            "rồi nhập."
        )


def _json_file(path: Path, member: str) -> Any:
    if path.stat().st_size > LINE_MAX:
        raise BackupError(f"{member}: lớn quá {LINE_MAX // 2**20} MB.")
    return _parsed(path.read_bytes(), member)


def _parsed(text: bytes, where: str) -> Any:
    """JSON as plain values a database stores and a page shows: no NaN or infinity, whole
    numbers within 64 bits, text that is UTF-8, nested at most JSON_DEPTH deep."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BackupError(f"{where}: JSON lồng quá sâu.") from None
    except ValueError as error:
        raise BackupError(f"{where}: không đọc được JSON ({error}).") from None
    _bounded(value, where, 0)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} không phải một số")


def _bounded(value: Any, where: str, depth: int) -> None:
    if depth > JSON_DEPTH:
        raise BackupError(f"{where}: JSON lồng sâu quá {JSON_DEPTH} mức.")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BackupError(f"{where}: có ký tự không hợp lệ trong văn bản.") from None
        if "\x00" in value:  # PostgreSQL stores no NUL in text or JSON
            raise BackupError(f"{where}: có ký tự NUL trong văn bản.")
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise BackupError(f"{where}: số nguyên quá lớn ({str(value)[:30]}…).")
    elif isinstance(value, dict):
        for key, item in value.items():
            _bounded(key, where, depth + 1)
            _bounded(item, where, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _bounded(item, where, depth + 1)


def _lines(path: Path, member: str) -> Iterator[tuple[int, Any]]:
    """Each line of a JSON Lines member, parsed and bounded (_parsed), with its number; a
    line longer than LINE_MAX is refused before it is parsed."""
    with path.open("rb") as lines:
        number = 0
        while line := lines.readline(LINE_MAX + 1):
            number += 1
            if len(line) > LINE_MAX:
                raise BackupError(f"{member}, dòng {number}: dài quá {LINE_MAX // 2**20} MB.")
            yield number, _parsed(line, f"{member}, dòng {number}")


def _checked_entries(path: Path, member: str, campaign_id: int | None) -> Iterator[dict[str, Any]]:
    """The entries of one member, each proven unchanged since it was chained: those of the
    source (about `campaign_id`), or those it had carried in (by the archive each came in
    with; `campaign_id` None)."""
    schema = ENTRY_SCHEMA if campaign_id is not None else CARRIED_SCHEMA
    validator = jsonschema.Draft202012Validator(schema)
    previous: dict[str, Any] | None = None
    for number, entry in _lines(path, member):
        where = f"{member}, dòng {number}"
        error = jsonschema.exceptions.best_match(validator.iter_errors(entry))
        if error is not None:
            raise BackupError(f"{where}: sai cấu trúc: {error.message}")
        if previous is not None and previous.get("archive_sha256") != entry.get("archive_sha256"):
            previous = None  # another source's chain begins
        if campaign_id is not None and entry["content"]["campaign"] != campaign_id:
            raise BackupError(f"{where}: mục nhật ký không thuộc đợt đánh giá của tệp.")
        try:
            recomputed = link_hash(entry["previous_hash"], entry["content"])
        except (TypeError, ValueError) as failure:
            raise BackupError(f"{where}: nội dung không tính được mã băm ({failure}).") from None
        if recomputed != entry["hash"]:
            raise BackupError(
                f"{where} (mục số {entry['seq']} của hệ thống nguồn): nội dung không khớp mã "
                "băm của nó; mục đã bị sửa sau khi ghi. Không nhập gì."
            )
        if previous is not None:
            if entry["seq"] <= previous["seq"]:
                raise BackupError(f"{where}: các mục không theo thứ tự của chuỗi.")
            if entry["seq"] == previous["seq"] + 1 and entry["previous_hash"] != previous["hash"]:
                raise BackupError(
                    f"{where}: mục số {entry['seq']} không nối tiếp mục số {previous['seq']}."
                )
        previous = entry
        yield entry


# ---- writing ---------------------------------------------------------------------------------


@dataclass
class _Maps:
    """Source ids to this deployment's, by model label."""

    ids: dict[str, dict[int, int]] = field(default_factory=dict)
    stored: dict[str, str] = field(default_factory=dict)  # source evidence name: new name


def _write(
    manifest: dict[str, Any],
    shared: dict[str, Any],
    entries: list[dict[str, Any]],
    staged: dict[str, Path],
    province_code: str | None,
    digest: str,
) -> Imported:
    about = manifest["campaign"]
    sizes = {f["path"]: f["sha256"] for f in manifest["files"]}
    saved: list[str] = []
    try:
        with transaction.atomic():
            target, created = _province(province_code, shared["province"])
            campaign_model = apps.get_model("campaigns", "Campaign")
            if campaign_model.objects.filter(
                province=target, year=about["year"], title=about["title"]
            ).exists():
                raise BackupError(
                    f"{target.name} đã có đợt “{about['title']}” năm {about['year']}: đợt này đã "
                    "được nhập, hoặc hãy đổi tên đợt đang có trước khi nhập."
                )
            used = _referenced(shared, staged)
            maps = _Maps()
            maps.ids[PROVINCE] = {0: target.pk}
            done = Imported(0, target.name, about["title"], about["year"])
            done.created["province"] = int(created)
            done.created["units"], done.skipped_links = _units(shared, used, target, maps)
            done.created["frameworks"] = _frameworks(shared, used, target, maps)
            done.created["people"] = _people(shared, used, maps)
            for label, _ in PARTS:
                done.rows += _part(label, staged[part_member(label)], maps, sizes, about)
            campaign = campaign_model.objects.get(pk=maps.ids["campaigns.Campaign"][about["id"]])
            done.campaign_id = campaign.pk
            done.entries = _carry(entries, campaign.pk)
            audit_record(
                actor=None,
                actor_name=f"Nhập tệp lưu trữ (campaign_import, {_operator()})",
                entity="campaign",
                action="import",
                campaign=campaign,
                new={
                    "archive_sha256": digest,
                    "source_campaign": about["id"],
                    "source_province": about["province"],
                    "exported_at": manifest.get("created_at", ""),
                    "rows": done.rows,
                    "evidence": len(maps.stored),
                    "carried_entries": done.entries,
                    # every carried entry's hash, in the order kept: this trail pins them
                    "carried_digest": carried_digest([e["hash"] for e in entries]),
                },
                reason="Nhập đợt đánh giá từ tệp lưu trữ của một hệ thống khác.",
            )
            done.published = campaign.versions.filter(published_at__isnull=False).exists()
            for name, new in maps.stored.items():  # last: a failure before leaves no file
                with staged[EVIDENCE_PREFIX + name].open("rb") as content:
                    evidence_store.save(new, content)
                saved.append(new)
            done.evidence = len(saved)
    except DatabaseError as error:
        _forget(saved)
        raise BackupError(
            f"Cơ sở dữ liệu từ chối dữ liệu của tệp: {error}. Không nhập gì."
        ) from None
    except evidence_store.EvidenceStoreError as error:
        _forget(saved)
        raise BackupError(
            f"Chưa lưu được tệp minh chứng vào kho: {error}. Không nhập gì."
        ) from None
    except BaseException:
        _forget(saved)
        raise
    return done


def _referenced(shared: dict[str, Any], staged: dict[str, Path]) -> dict[str, set[int]]:
    """The units (with their parents), frameworks and people the rows name: only these are
    matched or created. A unit, framework or person `shared.json` lists that no row names
    is left out, so an archive cannot add to a province what its campaign does not use."""
    used: dict[str, set[int]] = {UNIT: set(), FRAMEWORK: set(), USER: set()}
    for label, _ in PARTS:
        model = apps.get_model(label)
        names = [
            (f.name, related_label(f))
            for f in model._meta.concrete_fields
            if f.is_relation and related_label(f) in used
        ]
        if not names:
            continue
        for _, row in _lines(staged[part_member(label)], part_member(label)):
            if isinstance(row, dict):
                for name, target in names:
                    if isinstance(row.get(name), int):
                        used[target].add(row[name])
    parents = {u["id"]: u["parent"] for u in shared["units"]}
    wanted = list(used[UNIT])
    while wanted:
        parent = parents.get(wanted.pop())
        if parent is not None and parent not in used[UNIT]:
            used[UNIT].add(parent)
            wanted.append(parent)
    return used


def _operator() -> str:
    """Who ran the command, as the system knows them: no account of the portal does."""
    try:
        return getpass.getuser()[:60]
    except (KeyError, OSError):
        return "không rõ"


def _forget(names: list[str]) -> None:
    for name in names:
        evidence_store.remove(name)


def _province(code: str | None, archived: dict[str, str]) -> tuple[Province, bool]:
    model = Province
    wanted = code or archived["code"]
    found = model.objects.filter(code=wanted).first()
    if found is not None:
        return found, False
    if code is not None:
        raise BackupError(f"Không có tỉnh mã “{code}” trong hệ thống này (--province).")
    province = model(code=archived["code"], name=archived["name"])
    _clean(province, f"{SHARED}: tỉnh")
    province.save()
    return province, True


def _clean(row: Model, where: str, exclude: list[str] | None = None) -> None:
    try:
        row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        said = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise BackupError(f"{where}: {said}") from None


def _units(
    shared: dict[str, Any], used: dict[str, set[int]], province: Province, maps: _Maps
) -> tuple[int, int]:
    """The archive's units in the province: the same unit where its code is held already
    (by name, or an alias of either), created where not, parents first."""
    model = apps.get_model(UNIT)
    by_id = {u["id"]: u for u in shared["units"] if u["id"] in used[UNIT]}
    held = {u.code: u for u in model.objects.filter(province=province)}
    ids = maps.ids.setdefault(UNIT, {})
    conflicts: list[str] = []
    new: dict[int, list[tuple[int, dict[str, Any]]]] = {}  # by depth: parents first
    for unit in by_id.values():
        existing = held.get(unit["code"])
        if existing is None:
            new.setdefault(_depth(unit, by_id), []).append((unit["id"], unit))
        elif _same_unit(existing, unit):
            ids[unit["id"]] = existing.pk
        else:
            conflicts.append(
                f"mã {unit['code']}: trong tệp là “{unit['name']}”, ở đây là “{existing.name}”"
            )
    if conflicts:
        raise BackupError(
            f"Tỉnh {province} đã có đơn vị cùng mã nhưng khác tên ({len(conflicts)}): "
            + "; ".join(conflicts[:10])
            + (" …" if len(conflicts) > 10 else "")
            + ". Sửa tên (hoặc thêm tên khác) của đơn vị ở đây rồi nhập lại."
        )
    created = 0
    for depth in sorted(new):
        rows = [
            (source_id, _new_unit(unit, by_id, province, ids)) for source_id, unit in new[depth]
        ]
        insert_rows([row for _, row in rows])
        ids.update((source_id, int(row.pk)) for source_id, row in rows)
        created += len(rows)
    lineage = apps.get_model("units", "Lineage")
    known = set(
        lineage.objects.filter(predecessor__province=province).values_list(
            "predecessor_id", "successor_id", "kind"
        )
    )
    links, skipped = [], 0
    made = {ids[source_id] for rows in new.values() for source_id, _ in rows}
    for link in shared["lineage"]:
        where = f"{SHARED}: quan hệ sáp nhập"
        if link["predecessor"] not in ids or link["successor"] not in ids:
            continue  # between units the campaign does not use
        if ids[link["predecessor"]] not in made and ids[link["successor"]] not in made:
            skipped += 1  # the province's own registry says how its own units relate
            continue
        row = lineage(
            predecessor_id=ids[link["predecessor"]],
            successor_id=ids[link["successor"]],
            kind=link["kind"],
            effective=_date(link["effective"], where),
            note=link["note"],
        )
        if (row.predecessor_id, row.successor_id, row.kind) not in known:
            _clean(row, where, exclude=["predecessor", "successor"])
            known.add((row.predecessor_id, row.successor_id, row.kind))
            links.append(row)
    insert_rows(links)
    return created, skipped


def _new_unit(
    unit: dict[str, Any], by_id: dict[int, dict[str, Any]], province: Province, ids: dict[int, int]
) -> Model:
    where = f"{SHARED}: đơn vị “{unit['name']}” ({unit['code']})"
    if unit["parent"] is not None and unit["parent"] not in ids:
        raise BackupError(f"{where}: đơn vị cấp trên không có trong tệp.")
    row = Unit(
        province=province,
        code=unit["code"],
        name=unit["name"],
        level=unit["level"],
        parent_id=ids[unit["parent"]] if unit["parent"] is not None else None,
        attributes=unit["attributes"],
        aliases=unit["aliases"],
        active_from=_date(unit["active_from"], where),
        active_until=_date(unit["active_until"], where),
    )
    _clean(row, where, exclude=["province", "parent"])
    return row


def _depth(unit: dict[str, Any], by_id: dict[int, dict[str, Any]]) -> int:
    depth, seen, parent = 0, {unit["id"]}, unit["parent"]
    while parent is not None and parent in by_id and parent not in seen:
        seen.add(parent)
        depth, parent = depth + 1, by_id[parent]["parent"]
    return depth


def _same_unit(existing: Any, unit: dict[str, Any]) -> bool:
    mine = {loose_label(existing.name), *(loose_label(a) for a in existing.aliases)}
    theirs = {loose_label(unit["name"]), *(loose_label(a) for a in unit["aliases"])}
    return existing.level == unit["level"] and bool(mine & theirs)


def _date(text: str | None, where: str) -> date | None:
    if text is None:
        return None
    try:
        value = parse_date(text) if isinstance(text, str) else None
    except ValueError:
        value = None
    if value is None:
        raise BackupError(f"{where}: ngày không đọc được ({str(text)[:40]!r}).")
    return value


def _frameworks(
    shared: dict[str, Any], used: dict[str, set[int]], province: Province, maps: _Maps
) -> int:
    model = apps.get_model(FRAMEWORK)
    ids = maps.ids.setdefault(FRAMEWORK, {})
    created = 0
    for framework in shared["frameworks"]:
        if framework["id"] not in used[FRAMEWORK]:
            continue
        where = f"{SHARED}: bộ chỉ số {framework['code']}"
        document = framework["document"]
        existing = model.objects.filter(province=province, code=framework["code"]).first()
        if existing is not None:
            if _canonical(existing.document) != _canonical(document):
                raise BackupError(
                    f"{where}: tỉnh {province} đã có bộ chỉ số mã {framework['code']} với nội "
                    "dung khác; đổi mã bộ chỉ số đang có rồi nhập lại."
                )
            ids[framework["id"]] = existing.pk
            continue
        try:
            check_framework(exact_document(document), SHARED)
        except DocumentError as error:
            raise BackupError(f"{where}: " + "; ".join(str(p) for p in error.problems)) from None
        except (InvalidOperation, TypeError, ValueError) as error:
            raise BackupError(f"{where}: {error}") from None
        made = model(
            province=province,
            year=framework["year"],
            level=framework["level"],
            code=framework["code"],
            name=str(framework.get("name") or document.get("name", "")),
            source=str(framework.get("source") or document.get("source", "")),
            document=document,
        )
        _clean(made, where, exclude=["province", "created_by", "cloned_from"])
        made.save()
        ids[framework["id"]] = made.pk
        created += 1
    return created


def _canonical(document: Any) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)


def _people(shared: dict[str, Any], used: dict[str, set[int]], maps: _Maps) -> int:
    """Who acted, as new accounts of this deployment that cannot sign in (inactive, without
    a password), under the username, or the username and a number when it is taken. Never
    an account already here, even of the same username and name: a row of the archive (a
    place on an appraisal team) would give that account rights it was never given here."""
    model = apps.get_model(USER)
    ids = maps.ids.setdefault(USER, {})
    taken = set(model.objects.values_list("username", flat=True))  # thousands at most
    accounts = []
    for person in shared["people"]:
        if person["id"] not in used[USER]:
            continue
        where = f"{SHARED}: người dùng {person['username']}"
        username, number = person["username"], 1
        while username in taken:
            number += 1
            username = f"{person['username'][:140]}-{number}"
        taken.add(username)
        account = model(username=username, full_name=person["full_name"].strip(), is_active=False)
        account.set_unusable_password()
        _clean(account, where, exclude=["password"])
        accounts.append((person["id"], account))
    insert_rows([account for _, account in accounts])
    ids.update((source_id, int(account.pk)) for source_id, account in accounts)
    return len(accounts)


def _part(label: str, path: Path, maps: _Maps, files: dict[str, str], about: dict[str, Any]) -> int:
    """The rows of one part, each value read by its field, references mapped, inserted in
    batches; returns how many."""
    model = apps.get_model(label)
    member = part_member(label)
    fields = list(model._meta.concrete_fields)
    readers = [(f, _reader(f, maps, member)) for f in fields if not f.primary_key]
    names = {f.name for f in fields}
    ids = maps.ids.setdefault(label, {})
    batch: list[tuple[int, Model]] = []
    count = 0

    def flush() -> None:
        insert_rows([row for _, row in batch], stamped=False)
        for source_id, row in batch:
            ids[source_id] = int(row.pk)
        batch.clear()

    for number, data in _lines(path, member):
        where = f"{member}, dòng {number}"
        if not isinstance(data, dict):
            raise BackupError(f"{where}: không phải một dòng dữ liệu.")
        if set(data) - names:
            raise BackupError(f"{where}: có cột lạ {sorted(set(data) - names)[0]}.")
        source_id = data.get(model._meta.pk.name)
        if not isinstance(source_id, int) or source_id in ids:
            raise BackupError(f"{where}: mã dòng thiếu hoặc trùng.")
        if label == "campaigns.Campaign" and (
            source_id != about["id"]
            or count
            or (data.get("year"), data.get("title")) != (about["year"], about["title"])
        ):
            raise BackupError(f"{where}: không phải đợt đánh giá của bản kê.")
        values: dict[str, Any] = {}
        for fld, read in readers:
            if fld.name in data:
                values[fld.attname] = read(data[fld.name], where)
            elif fld.has_default():
                values[fld.attname] = fld.get_default()
            else:
                raise BackupError(f"{where}: thiếu cột {fld.name}.")
        if _awaiting(label, values):
            raise BackupError(
                f"{where}: còn chờ quyết định ở hệ thống nguồn (bản tự đánh giá chờ phê "
                "duyệt, hoặc kết quả chờ lãnh đạo duyệt); bản chốt gắn với đợt ở đó. Hãy để "
                "bên gửi phê duyệt hoặc trả lại rồi xuất lại."
            )
        stored = values.get(STORED_FILE_FIELD)
        if stored:
            values[STORED_FILE_FIELD] = _stored(
                stored, values.get("sha256", ""), files, maps, where
            )
        batch.append((source_id, model(**values)))
        count += 1
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    if label == "campaigns.Campaign" and count != 1:
        raise BackupError(f"{member}: phải có đúng một đợt đánh giá.")
    return count


def _awaiting(label: str, values: dict[str, Any]) -> bool:
    """A submission awaiting approval, or a version awaiting leadership's: decisions only
    the source can take (campaign_archive.in_flight)."""
    if label == "assessments.Submission":
        return bool(values.get("state") == SubmissionState.SUBMITTED)
    if label == "publication.Version":
        return values.get("published_at") is None and values.get("refused_at") is None
    return False


def _stored(name: str, sha256: str, files: dict[str, str], maps: _Maps, where: str) -> str:
    """The new name of an evidence file the row names, which the archive must hold with the
    SHA-256 the row keeps."""
    member = EVIDENCE_PREFIX + name
    if not evidence_store.NAME.fullmatch(name) or member not in files:
        raise BackupError(f"{where}: tệp minh chứng {name!r} không có trong tệp lưu trữ.")
    if sha256 and files[member] != sha256:
        raise BackupError(f"{where}: tệp minh chứng {name} khác mã băm ghi ở dòng dữ liệu.")
    if name not in maps.stored:
        maps.stored[name] = evidence_store.new_name()
    return maps.stored[name]


def _reader(fld: Field[Any, Any], maps: _Maps, member: str) -> Callable[[Any, str], Any]:
    """How a JSON value of `fld` becomes what the field holds, refusing what it cannot."""
    name = fld.name
    if fld.is_relation:
        related = related_label(fld)
        shared = related in SHARED_MODELS
        parts = {label for label, _ in PARTS}

        def reference(value: Any, where: str) -> Any:
            if value is None:
                if not fld.null:
                    raise BackupError(f"{where}, cột {name}: thiếu.")
                return None
            if related == PROVINCE:
                return maps.ids[PROVINCE][0]
            if (shared or related in parts) and isinstance(value, int):
                found = maps.ids.get(related, {}).get(value)
                if found is not None:
                    return found
            raise BackupError(f"{where}, cột {name}: tham chiếu tới dòng không có trong tệp.")

        return reference
    kind = fld.get_internal_type()
    choices = {str(value) for value, _ in fld.flatchoices} if fld.choices else None

    def value_of(value: Any, where: str) -> Any:
        if value is None:
            if fld.null or kind == "JSONField":
                return None
            raise BackupError(f"{where}, cột {name}: thiếu giá trị.")
        try:
            converted = _convert(kind, fld, value)
        except (ValueError, TypeError, ArithmeticError, binascii.Error):  # OverflowError too
            converted = _WRONG
        if converted is _WRONG:
            raise BackupError(f"{where}, cột {name}: giá trị không hợp lệ ({kind}).")
        if choices is not None and str(converted) not in choices:
            raise BackupError(
                f"{where}, cột {name}: giá trị “{converted}” không có trong danh mục."
            )
        return converted

    return value_of


_WRONG = object()


def _convert(kind: str, fld: Field[Any, Any], value: Any) -> Any:
    if kind == "JSONField":
        return value
    if kind == "BooleanField":
        return value if isinstance(value, bool) else _WRONG
    if kind in INTEGER_FIELDS:
        if not isinstance(value, int) or isinstance(value, bool):
            return _WRONG
        # the columns' ranges on PostgreSQL (SQLite would store any 64-bit whole number):
        # an archive imports the same into either engine
        low, high = BaseDatabaseOperations.integer_field_ranges[kind]
        return value if low <= value <= high else _WRONG
    if kind in TEXT_FIELDS:
        limit = getattr(fld, "max_length", None)
        return (
            value if isinstance(value, str) and (limit is None or len(value) <= limit) else _WRONG
        )
    if kind == "DateTimeField":
        moment = parse_datetime(value) if isinstance(value, str) else None
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            return _WRONG
        return moment.astimezone(UTC)  # OverflowError past year 1 or 9999: caught above
    if kind == "DateField":
        day = parse_date(value) if isinstance(value, str) else None
        return day if day is not None else _WRONG
    if kind == "DecimalField":
        number = Decimal(value) if isinstance(value, str) else _WRONG
        if not isinstance(number, Decimal) or not number.is_finite():
            return _WRONG
        places = fld.decimal_places  # type: ignore[attr-defined]  # a DecimalField's own
        exponent = number.as_tuple().exponent  # no more places than the column keeps
        fits = isinstance(exponent, int) and -exponent <= places
        return number if fits and fits_column(fld, number) else _WRONG
    if kind == "BinaryField":
        return base64.b64decode(value, validate=True) if isinstance(value, str) else _WRONG
    return _WRONG


def _carry(entries: list[dict[str, Any]], campaign_id: int) -> int:
    rows = [
        CarriedEntry(
            campaign_id=campaign_id,
            archive_sha256=entry["archive_sha256"],
            seq=entry["seq"],
            previous_hash=entry["previous_hash"],
            hash=entry["hash"],
            content=entry["content"],
        )
        for entry in entries
    ]
    for start in range(0, len(rows), BATCH):
        insert_rows(rows[start : start + BATCH])
    return len(rows)
