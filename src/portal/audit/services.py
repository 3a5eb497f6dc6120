"""Writing the audit trail. Call `audit_record` inside the transaction of the change it
describes (every service here runs under @transaction.atomic): the entry commits or rolls
back with the change.

Appends are serialized by the head row (AuditHead, pk 1): PostgreSQL locks it with
SELECT … FOR UPDATE; SQLite runs every transaction IMMEDIATE (settings), so one writer at a
time. Ids are taken under that lock, so the chain's order is the ids' order. `audit_records`
appends many entries in a few statements (a save of 80 answers), the lock taken once.

After the commit, never under that lock, a checkpoint of the chain may be written outside
the database (portal.audit.anchor)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from django.db import transaction
from django.utils import timezone

from dti.ledger import GENESIS, link_hash
from portal.audit.anchor import checkpoint_after_commit
from portal.audit.models import AuditEntry, AuditHead

if TYPE_CHECKING:  # named in annotations only: the trail sits below the apps it records
    from portal.accounts.models import Province, User
    from portal.campaigns.models import Campaign
    from portal.units.models import Unit

HEAD = 1  # the primary key of the one AuditHead row


def plain(value: Any) -> Any:
    """A value as JSON keeps it: exact decimals as text, dates as ISO text, tuples as lists,
    keys as text. The entry is hashed in this form, which is also the form SQLite and
    PostgreSQL give back (a float PostgreSQL would print without exponent is made an int)."""
    text = json.dumps(value, default=_text, ensure_ascii=False)
    return json.loads(text, parse_float=_float, parse_constant=str)


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _float(text: str) -> float | int:
    number = float(text)
    if math.isfinite(number) and number.is_integer() and "e" in repr(number):
        return int(number)  # 1e+20: jsonb stores and returns 100000000000000000000
    return number


@dataclass(frozen=True)
class Record:
    """One entry to append, as `audit_record` takes it (see there)."""

    actor: User | None
    entity: str
    action: str
    old: Any = None
    new: Any = None
    reason: str = ""
    campaign: Campaign | None = None
    unit: Unit | None = None
    criterion: str = ""
    entity_id: str | int = ""
    actor_name: str = ""
    province: Province | None = None


def audit_record(
    *,
    actor: User | None,
    entity: str,
    action: str,
    old: Any = None,
    new: Any = None,
    reason: str = "",
    campaign: Campaign | None = None,
    unit: Unit | None = None,
    criterion: str = "",
    entity_id: str | int = "",
    actor_name: str = "",
    province: Province | None = None,
) -> AuditEntry:
    """Append one entry and link it to the chain. `actor_name` names a non-person actor
    (an API token, a management command) when `actor` is None. The province is the
    campaign's or the unit's; `province` names it for what belongs to neither (a token)."""
    record = Record(
        actor, entity, action, old, new, reason, campaign, unit, criterion, entity_id,
        actor_name, province,
    )  # fmt: skip
    return audit_records([record])[0]


@transaction.atomic
def audit_records(records: Sequence[Record]) -> list[AuditEntry]:
    """Append entries in their order, in a few statements whatever their number (a save of
    80 answers: 80 entries): the entries are built first, then the head is locked, they are
    inserted at once, hashed in id order and sealed, and the head moves once."""
    entries = [_entry(record) for record in records]
    if not entries:
        return []
    head, rebuilt_from = _locked_head()
    if rebuilt_from:  # the head row was deleted behind the portal's back: say so in the log
        reason = "Dòng đầu chuỗi (AuditHead) đã bị xoá ngoài cổng; dựng lại từ các mục còn lại."
        marker = AuditEntry(
            at=timezone.now(),
            actor_name="DTI",
            entity="audit_head",
            action="rebuild",
            new={"count": head.count, "last_id": head.last_id},
            reason=reason,
        )
        _append(head, [marker])
    checkpoint_after_commit()
    return _append(head, entries)


def _entry(record: Record) -> AuditEntry:
    campaign, unit = record.campaign, record.unit
    province_id = campaign.province_id if campaign else (unit.province_id if unit else None)
    if record.province is not None:
        province_id = record.province.pk
    actor = record.actor
    return AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_name=(str(actor) if actor else record.actor_name)[:200],
        province_id=province_id,
        campaign=campaign,
        unit=unit,
        criterion=record.criterion,
        entity=record.entity,
        entity_id=str(record.entity_id),
        action=record.action,
        old=plain(record.old),
        new=plain(record.new),
        reason=record.reason,
    )


def _append(head: AuditHead, entries: list[AuditEntry]) -> list[AuditEntry]:
    """Insert the entries (their ids are part of what is hashed: taken first, under the head's
    lock, so the chain's order is the ids' order), then hash each on the one before, seal
    them and move the head."""
    for entry in entries:
        entry.hash = f"pending-{uuid4().hex}"
    AuditEntry.objects.append_pending(entries)
    last_hash, links = head.last_hash, {}
    for entry in sorted(entries, key=lambda found: found.pk):
        entry.previous_hash = last_hash
        entry.hash = last_hash = link_hash(last_hash, entry.content())
        links[entry.pk] = (entry.previous_hash, entry.hash)
    AuditEntry.objects.seal(links)
    head.last_hash, head.count, head.last_id = last_hash, head.count + len(entries), max(links)
    head.save(update_fields=["last_hash", "count", "last_id"])
    return entries


def _locked_head() -> tuple[AuditHead, bool]:
    """The head, locked; True when it had to be rebuilt from entries already written."""
    head = AuditHead.objects.select_for_update().filter(pk=HEAD).first()
    if head is not None:
        return head, False
    rebuilt = _create_head()
    return AuditHead.objects.select_for_update().get(pk=HEAD), rebuilt


def _create_head() -> bool:
    """The migration creates the head, and a flush's post_migrate again (apps.py). If the
    row was deleted while entries remain (verify reports that), new entries continue from
    the last one, so they still link, after an entry saying the head was rebuilt."""
    last = AuditEntry.objects.order_by("-pk").first()
    defaults: dict[str, Any] = {"last_hash": GENESIS, "count": 0, "last_id": None}
    if last is not None:
        count = AuditEntry.objects.count()
        defaults = {"last_hash": last.hash, "count": count, "last_id": last.pk}
    _, created = AuditHead.objects.get_or_create(pk=HEAD, defaults=defaults)
    return created and last is not None
