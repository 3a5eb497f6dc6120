"""Writing the audit trail. Call `audit_record` inside the transaction of the change it
describes (every service here runs under @transaction.atomic): the entry commits or rolls
back with the change."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.db import transaction
from django.utils import timezone

from dti.ledger import GENESIS, link_hash
from portal.accounts.models import User
from portal.audit.models import AuditEntry, AuditHead
from portal.campaigns.models import Campaign
from portal.units.models import Unit


def plain(value: Any) -> Any:
    """A value as JSON keeps it: exact decimals as text, dates as ISO text, tuples as lists.
    The entry is hashed in this form, which is also the form it is read back in."""
    return json.loads(json.dumps(value, default=_text, ensure_ascii=False))


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


@transaction.atomic
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
) -> AuditEntry:
    """Append one entry and link it to the chain. `actor_name` names a non-person actor
    (an API token, a management command) when `actor` is None."""
    head = _locked_head()
    province_id = campaign.province_id if campaign else (unit.province_id if unit else None)
    entry = AuditEntry(
        at=timezone.now(), actor=actor, actor_name=(str(actor) if actor else actor_name)[:200],
        province_id=province_id, campaign=campaign, unit=unit, criterion=criterion,
        entity=entity, entity_id=str(entity_id), action=action, old=plain(old), new=plain(new),
        reason=reason, previous_hash=head.last_hash, hash="",
    )  # fmt: skip
    # The id is part of what is hashed: take it first, then hash, then store the hash.
    entry.hash = f"pending-{uuid4().hex}"
    entry.save()
    entry.hash = link_hash(head.last_hash, entry.content())
    AuditEntry.objects.filter(pk=entry.pk).update(hash=entry.hash)
    head.last_hash, head.count = entry.hash, head.count + 1
    head.save(update_fields=["last_hash", "count"])
    return entry


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head
