"""Writing the audit trail. Call `audit_record` inside the transaction of the change it
describes (every service here runs under @transaction.atomic): the entry commits or rolls
back with the change.

Entries are inserted pending, without any lock: writers of different units never wait for
one another here. After the commit a short step links them into the hash chain
(portal.audit.sealing), then a checkpoint of the chain may be written outside the database
(portal.audit.anchor). On SQLite, whose writers take turns anyway, the writer inserts them
already linked (sealing.append_sealed), and so does a save on PostgreSQL, its entries the
last of its writes (`audit_append(linked=True)`)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.audit.sealing import (
    HEAD,
    append_sealed,
    pending_mark,
    seal_after_commit,
    sealed_with_writer,
)
from portal.bulk import built

if TYPE_CHECKING:  # named in annotations only: the trail sits below the apps it records
    from portal.accounts.models import Province, User
    from portal.campaigns.models import Campaign
    from portal.units.models import Unit

__all__ = [
    "HEAD",
    "Record",
    "audit_append",
    "audit_entries",
    "audit_record",
    "audit_records",
    "plain",
]


def plain(value: Any) -> Any:
    """A value as JSON keeps it: exact decimals as text, dates as ISO text, tuples as lists,
    keys as text. The entry is hashed in this form, which is also the form SQLite and
    PostgreSQL give back (a float PostgreSQL would print without exponent is made an int)."""
    if value is None or type(value) in _AS_IS:  # most entries: a value as text
        return value
    if type(value) is dict and all(  # an answer's {"value": …, "note": …}: JSON already
        type(key) is str and (item is None or type(item) in _AS_IS) for key, item in value.items()
    ):
        return dict(value)
    text = json.dumps(value, default=_text, ensure_ascii=False)
    return json.loads(text, parse_float=_float, parse_constant=str)


_AS_IS = (str, bool, int)  # exactly these types (not their subclasses) are JSON already


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
    if number == 0:
        return 0.0  # -0.0: jsonb's numbers have no negative zero, and give back 0.0
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


def audit_records(records: Sequence[Record]) -> list[AuditEntry]:
    """Append entries in their order, in one statement whatever their number (an import of
    a file's values: an entry each), pending: no lock is taken here. They are linked into the chain
    once the transaction commits (portal.audit.sealing), in the order of their ids; on
    SQLite, as they are inserted."""
    return audit_append(audit_entries(records))


def audit_entries(records: Sequence[Record]) -> list[AuditEntry]:
    """The entries for `records`, built but not written: work that can be done before a
    transaction that must be short (finalization builds 3,300 of them). `audit_append`
    writes them."""
    names: dict[int, str] = {}  # each actor's name, read once for the batch
    return [_entry(record, names) for record in records]


# No savepoint of its own: an entry that cannot be written fails the caller's transaction,
# so the change it describes is never committed without it.
@transaction.atomic(savepoint=False)
def audit_append(entries: list[AuditEntry], *, linked: bool = False) -> list[AuditEntry]:
    """Write entries built by `audit_entries`, all at this moment (one transaction's changes
    are made at once): pending, sealed after the commit; on SQLite, linked into the chain
    as they are inserted (portal.audit.sealing). `linked`: linked as they are inserted on
    PostgreSQL too, the chain's head then locked until the commit: for the last of a short
    transaction's writes (a save of a unit's answers), never for a long one's."""
    if not entries:
        return []
    now = timezone.now()
    for entry in entries:
        entry.at = now
    if linked or sealed_with_writer():
        append_sealed(entries)
        return entries
    contents = []
    for entry in entries:
        content = entry.content()
        entry.hash = pending_mark(content)
        contents.append(content)
    AuditEntry.objects.append_pending(entries)
    for entry, content in zip(entries, contents, strict=True):
        content["id"] = entry.pk  # hashed with its id, given by the insert
    seal_after_commit({entry.pk: content for entry, content in zip(entries, contents, strict=True)})
    return entries


def _entry(record: Record, names: dict[int, str]) -> AuditEntry:
    """The entry for `record`, its references set by id, its old and new values encoded as
    they are stored and hashed (AuditEntry.texts): before the transaction, when the entries
    are built ahead of it."""
    campaign, unit, actor = record.campaign, record.unit, record.actor
    province_id = campaign.province_id if campaign else (unit.province_id if unit else None)
    if record.province is not None:
        province_id = record.province.pk
    if actor is not None:
        if actor.pk not in names:
            names[actor.pk] = str(actor)[:200]
        actor_name = names[actor.pk]
    else:
        actor_name = record.actor_name[:200]
    entry = built(
        AuditEntry,
        {
            "actor_id": actor.pk if actor is not None else None,
            "actor_name": actor_name,
            "province_id": province_id,
            "campaign_id": campaign.pk if campaign is not None else None,
            "unit_id": unit.pk if unit is not None else None,
            "criterion": record.criterion,
            "entity": record.entity,
            "entity_id": str(record.entity_id),
            "action": record.action,
            "old": plain(record.old),
            "new": plain(record.new),
            "reason": record.reason,
        },
    )
    entry.texts()
    return entry
