"""`manage.py campaign_export CAMPAIGN FILE`: one campaign, whole, in one file that another
deployment imports (`manage.py campaign_import`, portal.backups.campaign_import;
docs/backups.md, "Campaign archives").

The file is a tar of:

- `manifest.json`, first: the format, the release and its migrations, the campaign, each
  part's row count, the audit entries carried, and every other member's size and SHA-256;
- `shared.json`: what the campaign names but does not own, by natural key: its province,
  its units (with their parents and the lineage between them), its frameworks, and the
  people who acted (username and name only: no password, no e-mail, no role);
- `rows/<app>.<model>.jsonl`: the campaign's own rows, part by part (PARTS), one JSON
  object per line, each field by name, references by the source's ids;
- `audit/entries.jsonl`: the source's audit entries about the campaign, verbatim, each
  with its place in the source's chain and both hashes, so the importer can check that
  none was changed since it was chained;
- `audit/carried.jsonl`: the entries of earlier deployments the campaign was imported
  with (a campaign moved twice keeps its whole history), each with the archive it came in;
- `evidence/<name>`: the evidence and signed files the rows name.

The rows are read in one read transaction (one snapshot of the database), so a campaign
being worked on exports as it was at one moment; the files are copied after it (a file
deleted meanwhile stops the export, which is then run again). A campaign with a submission
or a published version awaiting a decision is refused (`in_flight`)."""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Field, Model

from portal import evidence_store
from portal.audit.models import AuditEntry, AuditHead, CarriedEntry
from portal.audit.sealing import audit_seal
from portal.backups.archive import described, file_sha256, safe_member_name, write_archive
from portal.backups.snapshot import BackupError
from portal.workflow import STATE_LABELS, Machine, SubmissionState

FORMAT = "dti-campaign-archive"
FORMAT_VERSION = 1
NAMED = "tệp lưu trữ đợt đánh giá DTI"
SHARED = "shared.json"
ENTRIES = "audit/entries.jsonl"
CARRIED = "audit/carried.jsonl"
EVIDENCE_PREFIX = "evidence/"
STORED_FILE_FIELD = "stored_name"
BATCH = 2000
LINE_MAX = 64 * 1024 * 1024  # one row (a report file in base64) at most: the import reads no more

# The campaign's own rows, parents before children, each with the path from it to its
# campaign. tests/portal/backups/test_campaign_archive.py checks that every model that
# leads to a campaign is here or in LEFT_OUT.
PARTS: tuple[tuple[str, str], ...] = (
    ("campaigns.Campaign", "pk"),
    ("campaigns.CampaignLevel", "campaign"),
    ("campaigns.AppraisalRound", "campaign"),
    ("campaigns.CampaignUnit", "campaign"),
    ("campaigns.HistoricResult", "campaign_unit__campaign"),
    ("campaigns.CampaignEvent", "campaign"),
    ("campaigns.CampaignReportTexts", "campaign"),
    ("assessments.Submission", "campaign_unit__campaign"),
    ("assessments.Answer", "submission__campaign_unit__campaign"),
    ("assessments.Evidence", "submission__campaign_unit__campaign"),
    ("assessments.EvidenceSignature", "evidence__submission__campaign_unit__campaign"),
    ("assessments.SubmissionEvent", "submission__campaign_unit__campaign"),
    ("assessments.SubmissionSignature", "submission__campaign_unit__campaign"),
    ("appraisals.TeamMember", "campaign"),
    ("appraisals.Assignment", "member__campaign"),
    ("appraisals.Appraisal", "campaign_unit__campaign"),
    ("appraisals.EvidenceVerdict", "round__campaign"),
    ("appraisals.Response", "campaign_unit__campaign"),
    ("indicators.ImportBatch", "campaign"),
    ("indicators.SystemValue", "campaign_unit__campaign"),
    ("publication.Version", "campaign"),
    ("publication.VersionLevel", "version__campaign"),
    ("publication.VersionRow", "version__campaign"),
    ("publication.VersionFile", "version__campaign"),
    ("publication.SignedReport", "version__campaign"),
)
# What names a campaign but stays behind, and why.
LEFT_OUT = {
    "indicators.ApiToken": "a secret of the source deployment; an import batch keeps its name",
    "notifications.Notification": "a message to a person of the source deployment",
    "audit.AuditEntry": "carried verbatim in audit/entries.jsonl, not as rows",
    "audit.CarriedEntry": "carried on verbatim in audit/carried.jsonl, not as rows",
}
# What the rows name without owning it, matched by natural key on import.
PROVINCE, USER, UNIT, FRAMEWORK = (
    "accounts.Province", "accounts.User", "units.Unit", "frameworks.FrameworkVersion",
)  # fmt: skip
SHARED_MODELS = (PROVINCE, USER, UNIT, FRAMEWORK)


def related_label(field: Field[Any, Any]) -> str:
    """The label of the model a reference names ("units.Unit")."""
    model = field.related_model
    if model is None or isinstance(model, str):  # resolved once the apps are ready
        raise TypeError(f"{field} names no model")
    return str(model._meta.label)


def part_member(label: str) -> str:
    return f"rows/{label}.jsonl"


@dataclass(frozen=True)
class Exported:
    path: Path
    manifest: dict[str, Any]
    sha256: str  # of the whole file: to be compared by whoever receives it


def export_campaign(campaign_id: int, destination: Path) -> Exported:
    destination = destination.resolve()
    if destination.exists():
        raise BackupError(f"{destination} đã có; chọn tên khác để không ghi đè tệp cũ.")
    if not destination.parent.is_dir():
        raise BackupError(f"Không có thư mục {destination.parent}.")
    audit_seal()  # entries of the last moments, still pending, are chained and carried
    with tempfile.TemporaryDirectory(prefix=".dti-campaign-", dir=destination.parent) as stage:
        folder = Path(stage)
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:  # one snapshot for every read
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            manifest, entries, stored = _write_parts(campaign_id, folder)
        entries += [(EVIDENCE_PREFIX + name, path) for name, path in _evidence(stored, folder)]
        manifest["files"] = [described(member, path) for member, path in entries]
        write_archive(destination, manifest, entries)
    return Exported(destination, manifest, file_sha256(destination))


def in_flight(campaign_id: int) -> str:
    """What waits for a decision that only this deployment can take, in words ("" when
    nothing does): a submission awaiting approval was signed as a snapshot naming this
    campaign, and a version awaiting leadership's approval as a digest of these rows; both
    would be refused as changed once the campaign has another id elsewhere."""
    submission = apps.get_model("assessments", "Submission")
    version = apps.get_model("publication", "Version")
    waiting = list(
        submission.objects.filter(
            campaign_unit__campaign_id=campaign_id, state=SubmissionState.SUBMITTED
        ).values_list("campaign_unit__unit__name", flat=True)
    )
    pending = version.objects.filter(
        campaign_id=campaign_id, published_at__isnull=True, refused_at__isnull=True
    ).count()
    said = []
    if waiting:
        shown = ", ".join(waiting[:10]) + (" …" if len(waiting) > 10 else "")
        label = STATE_LABELS[Machine.SUBMISSION][SubmissionState.SUBMITTED]
        said.append(f"{len(waiting)} bản tự đánh giá “{label}” ({shown})")
    if pending:
        said.append(f"{pending} phiên bản kết quả đang chờ lãnh đạo duyệt")
    if not said:
        return ""
    return (
        "Đợt còn " + " và ".join(said) + ": hãy phê duyệt hoặc trả lại ở hệ thống này rồi "
        "xuất lại. Bản chốt và bản kết quả chờ duyệt gắn với đợt ở đây, nơi khác sẽ không "
        "duyệt được."
    )


def campaigns_listed() -> list[str]:
    """Every campaign as the command lists it when the one asked for is not there."""
    campaign = apps.get_model("campaigns", "Campaign")
    return [
        f"{c.pk}: {c.province.name}, {c.year}, {c.title}"
        for c in campaign.objects.select_related("province").order_by("province__name", "-year")
    ]


def _write_parts(
    campaign_id: int, folder: Path
) -> tuple[dict[str, Any], list[tuple[str, Path]], dict[str, str]]:
    """Every part and the shared records written into `folder`; the manifest (without its
    files), the members written, and the evidence files the rows name with their SHA-256."""
    campaign = apps.get_model("campaigns", "Campaign").objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise BackupError(f"Không có đợt đánh giá số {campaign_id}.")
    waiting = in_flight(campaign_id)
    if waiting:
        raise BackupError(waiting)
    named: dict[str, set[Any]] = {label: set() for label in SHARED_MODELS}
    counts: dict[str, int] = {}
    members: list[tuple[str, Path]] = []
    stored: dict[str, str] = {}  # the evidence store's name: the file's SHA-256
    for label, path in PARTS:
        model = apps.get_model(label)
        rows = model._base_manager.filter(**{path: campaign_id}).order_by("pk")
        fields = _fields(model)
        target = folder / part_member(label)
        target.parent.mkdir(parents=True, exist_ok=True)
        counts[label] = 0
        with target.open("w", encoding="utf-8") as out:
            for values in rows.values_list(*(f.attname for f in fields)).iterator(BATCH):
                row = {f.name: encode(f, v) for f, v in zip(fields, values, strict=True)}
                for f in fields:
                    if f.is_relation:
                        target_label = related_label(f)
                        if target_label in named and row[f.name] is not None:
                            named[target_label].add(row[f.name])
                        elif target_label not in named and target_label not in dict(PARTS):
                            row[f.name] = None  # what stays behind (LEFT_OUT) is not named
                if row.get(STORED_FILE_FIELD):
                    stored[row[STORED_FILE_FIELD]] = str(row.get("sha256", ""))
                line = json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"
                if len(line) > LINE_MAX:
                    raise BackupError(
                        f"{label} số {row.get('id')}: dòng dữ liệu lớn quá "
                        f"{LINE_MAX // 2**20} MB, tệp lưu trữ không chứa được."
                    )
                out.write(line)
                counts[label] += 1
        members.append((part_member(label), target))
    named[PROVINCE].add(campaign.province_id)
    shared = _shared(named)
    (folder / SHARED).write_text(json.dumps(shared, ensure_ascii=False, sort_keys=True), "utf-8")
    audit = _entries(campaign_id, folder / ENTRIES)
    audit["carried"] = _carried(campaign_id, folder / CARRIED)
    members += [(SHARED, folder / SHARED), (ENTRIES, folder / ENTRIES), (CARRIED, folder / CARRIED)]
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "portal_version": version("dti"),
        "migrations": sorted(
            [app, name] for app, name in MigrationRecorder(connection).applied_migrations()
        ),
        "campaign": {
            "id": campaign.pk,
            "province": shared["province"]["code"],
            "province_name": shared["province"]["name"],
            "year": campaign.year,
            "title": campaign.title,
            "state": campaign.state,
        },
        "rows": counts,
        "audit": audit,
    }
    return manifest, members, stored


def _fields(model: type[Model]) -> list[Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def encode(field: Field[Any, Any], value: Any) -> Any:
    """A value as JSON holds it: times in UTC to the microsecond, decimals as text, bytes
    in base64; JSON as it is."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, memoryview | bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if field.get_internal_type() == "UUIDField":
        return str(value)
    return value


def _shared(named: dict[str, set[Any]]) -> dict[str, Any]:
    province = apps.get_model(PROVINCE).objects.get(pk=next(iter(named[PROVINCE])))
    unit = apps.get_model(UNIT)
    ids = set(named[UNIT])
    wanted = ids
    while wanted:  # the parents of the units named, up to the top
        parents = set(
            unit._base_manager.filter(pk__in=wanted, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        wanted = parents - ids
        ids |= wanted
    units = [
        {
            "id": u.pk,
            "code": u.code,
            "name": u.name,
            "level": u.level,
            "parent": u.parent_id,
            "attributes": u.attributes,
            "aliases": u.aliases,
            "active_from": encode(_field(unit, "active_from"), u.active_from),
            "active_until": encode(_field(unit, "active_until"), u.active_until),
        }
        for u in unit._base_manager.filter(pk__in=ids).order_by("pk")
    ]
    lineage = apps.get_model("units", "Lineage")
    links = [
        {
            "predecessor": link.predecessor_id,
            "successor": link.successor_id,
            "kind": link.kind,
            "effective": link.effective.isoformat(),
            "note": link.note,
        }
        for link in lineage._base_manager.filter(
            predecessor_id__in=ids, successor_id__in=ids
        ).order_by("pk")
    ]
    frameworks = [
        {
            "id": f.pk,
            "code": f.code,
            "year": f.year,
            "level": f.level,
            "name": f.name,
            "source": f.source,
            "document": json.loads(json.dumps(f.document, cls=_field(type(f), "document").encoder)),
        }
        for f in apps.get_model(FRAMEWORK)._base_manager.filter(pk__in=named[FRAMEWORK])
    ]
    people = [
        {"id": p.pk, "username": p.username, "full_name": p.full_name}
        for p in apps.get_model(USER)._base_manager.filter(pk__in=named[USER]).order_by("pk")
    ]
    return {
        "province": {"code": province.code, "name": province.name},
        "units": units,
        "lineage": links,
        "frameworks": sorted(frameworks, key=lambda f: f["id"]),
        "people": people,
    }


def _field(model: type[Model], name: str) -> Any:
    return model._meta.get_field(name)


def _entries(campaign_id: int, target: Path) -> dict[str, Any]:
    """The source's chained entries about the campaign, in chain order, each as its hash
    covers it (AuditEntry.content) with its place and both hashes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    count, first, last = 0, None, None
    rows = (
        AuditEntry.objects.filter(campaign_id=campaign_id, seq__isnull=False)
        .order_by("seq")
        .iterator(BATCH)
    )
    with target.open("w", encoding="utf-8") as out:
        for entry in rows:
            record = {
                "seq": entry.seq,
                "previous_hash": entry.previous_hash,
                "hash": entry.hash,
                "content": entry.content(),
            }
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
            first = entry.seq if first is None else first
            last = entry.seq
    head = AuditHead.objects.filter(pk=1).first()
    return {
        "entries": count,
        "first_seq": first,
        "last_seq": last,
        "source_head": {"count": head.count, "last_hash": head.last_hash} if head else None,
    }


def _carried(campaign_id: int, target: Path) -> int:
    count = 0
    rows = CarriedEntry.objects.filter(campaign_id=campaign_id).order_by("archive_sha256", "seq")
    with target.open("w", encoding="utf-8") as out:
        for entry in rows.iterator(BATCH):
            record = {
                "archive_sha256": entry.archive_sha256,
                "seq": entry.seq,
                "previous_hash": entry.previous_hash,
                "hash": entry.hash,
                "content": entry.content,
            }
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def _evidence(stored: dict[str, str], folder: Path) -> Iterator[tuple[str, Path]]:
    """Each file the rows name, copied from the store into the stage and checked against
    the SHA-256 its row keeps. A file missing or changed stops the export: an archive is
    the campaign whole, or nothing."""
    for name, expected in sorted(stored.items()):
        if not safe_member_name(name):
            raise BackupError(f"Tên tệp minh chứng lạ trong cơ sở dữ liệu: {name!r}.")
        path = folder / "evidence" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with evidence_store.open_file(name) as source, path.open("xb") as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)
        except FileNotFoundError:
            raise BackupError(
                f"Thiếu tệp minh chứng {name} trong kho: không tạo tệp lưu trữ thiếu tệp."
            ) from None
        except evidence_store.EvidenceStoreError as error:
            raise BackupError(f"Không đọc được tệp minh chứng {name} từ kho: {error}") from None
        if expected and file_sha256(path) != expected:
            raise BackupError(
                f"Tệp minh chứng {name} khác mã băm ghi trong cơ sở dữ liệu: không tạo tệp lưu trữ."
            )
        yield name, path
