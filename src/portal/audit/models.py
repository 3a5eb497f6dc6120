"""The audit trail: every change of a value, a score, a verdict, a state or a deadline, as an
append-only log of who, when, from what, to what and why, hash-chained (dti.ledger) so that a
change made directly in the database is detected by `manage.py audit_log_verify`.

Entries are written only through portal.audit.services.audit_record, inside the transaction
of the change they describe: a refused change leaves no entry, a recorded one cannot be
missing its entry. The references to campaigns, units and people are kept without database
constraints, so deleting a campaign never cascades into the log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.utils.translation import gettext_lazy

from dti.ledger import canonical_json, canonical_text
from portal.bulk import inserting, recordset, values_document


class AppendOnly(Exception):
    """An entry of the audit trail was about to be changed or deleted through the ORM."""


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    """Bulk writes would bypass the chain: updating or deleting entries is refused, and so is
    creating them in bulk (only portal.audit.services.audit_record links an entry)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Nhật ký chỉ được ghi thêm, không được xoá.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEntry]:
        raise AppendOnly("Mỗi mục nhật ký được ghi riêng qua audit_record để nối vào chuỗi.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnly("Nhật ký chỉ được ghi thêm, không được sửa.")

    def append_pending(self, entries: list[AuditEntry]) -> None:
        """Insert entries still pending (no place in the chain yet), in as few statements as
        the database allows, each given its id (portal.audit.sealing links them). Plain SQL
        (portal.bulk): the ORM's bulk insert spent more time preparing 80 entries than the
        database spent storing them."""
        inserting(entries, encoded=_ENCODED).run()

    def append_sealed(self, entries: list[AuditEntry], then: tuple[str, list[Any]]) -> int:
        """Insert entries given their ids, places and hashes already (portal.audit.sealing),
        in as few statements as the database allows, then run `then` (the head's move: a
        statement and its parameters) and give its row count: on PostgreSQL in the same
        statement as the insert (portal.bulk, `Writing.run_before`)."""
        writing = inserting(entries, keys=True, encoded=_ENCODED, using=self.db)
        return writing.run_before(*then)

    def seal(self, links: Mapping[int, tuple[int, str, str]]) -> None:
        """Store each pending entry's place in the chain, previous hash and hash, by id
        (portal.audit.sealing). The one update the log allows, and only on entries still
        pending: one statement, run for every entry (executemany); on PostgreSQL one
        statement over the links as one JSON document."""
        if not links:
            return
        connection = connections[self.db]
        # the table's name from the model, quoted; every value a parameter
        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        pending = f"{table}.seq IS NULL AND {table}.hash LIKE %s"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # one statement over the links as one JSON document (portal.bulk.recordset)
                links_json = values_document(
                    ("id", "seq", "previous_hash", "hash"),
                    ((pk, *link) for pk, link in links.items()),
                )
                cursor.execute(
                    f"UPDATE {table} SET seq = v.seq, previous_hash = v.previous_hash, "  # noqa: S608
                    f"hash = v.hash FROM {recordset(AuditEntry, connection)} AS v "
                    f"WHERE {table}.id = v.id AND {pending}",
                    [links_json, "pending-%"],
                )
                return
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, previous_hash = %s, hash = %s "  # noqa: S608
                f"WHERE id = %s AND {pending}",
                [
                    (seq, previous, digest, pk, "pending-%")
                    for pk, (seq, previous, digest) in links.items()
                ],
            )


class AuditEntry(models.Model):
    at = models.DateTimeField(gettext_lazy("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name as it was: a person renamed later is still shown as who acted then. Imports
    # pushed through the API name their token here.
    actor_name = models.CharField(gettext_lazy("người thực hiện"), max_length=200)
    province = models.ForeignKey(
        "accounts.Province",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    criterion = models.CharField(gettext_lazy("tiêu chí"), max_length=64, blank=True)
    # What changed: "answer", "appraisal", "verdict", "response", "submission", "campaign",
    # "round", "deadline", "extension", "system_value"… and its primary key.
    entity = models.CharField(gettext_lazy("đối tượng"), max_length=40)
    entity_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(gettext_lazy("thao tác"), max_length=40)
    old = models.JSONField(gettext_lazy("giá trị cũ"), null=True, blank=True)
    new = models.JSONField(gettext_lazy("giá trị mới"), null=True, blank=True)
    reason = models.TextField(gettext_lazy("lý do"), blank=True)
    # The entry's place in the chain (1, 2, …), its previous hash and hash, written when it
    # is sealed; until then `seq` is empty and `hash` holds the writer's mark
    # (portal.audit.sealing).
    seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("mục nhật ký")
        verbose_name_plural = gettext_lazy("nhật ký thay đổi")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["campaign", "unit", "criterion"], name="audit_where"),
            # the few entries waiting to be sealed, found without reading the others
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_pending"),
            # a person's history (accounts.selectors.person_history): only their entries
            models.Index(
                fields=["entity_id"], condition=models.Q(entity="person"), name="audit_person"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entity} {self.action} ({self.actor_name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("Nhật ký chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Nhật ký chỉ được ghi thêm, không được xoá.")

    def content(self) -> dict[str, Any]:
        """What the entry's hash covers (dti.ledger.link_hash), as plain JSON values."""
        return hashed_content(self.pk, *(getattr(self, field) for field in HASHED_FIELDS[1:]))

    # Its old and new values as canonical JSON (dti.ledger.canonical_text), with the values
    # they encode: written once, when the entry is built (portal.audit.services), and used
    # both as the stored text of the two columns (SQLite) and in the bytes its hash covers.
    # A save's are 80 answers each: encoded under SQLite's write lock, once for the row and
    # once for the hash, they took a tenth of the time a save held it.
    _texts: tuple[Any, Any, str | None, str | None] | None = None

    def texts(self) -> tuple[str | None, str | None]:
        """Its old and new values as canonical JSON text (None for none), encoded once
        unless either value was replaced since. A value changed in place after the entry
        is built is not seen: built entries' values are never changed (`plain` copies
        them), only replaced."""
        known = self._texts
        if known is None or known[0] is not self.old or known[1] is not self.new:
            old, new = self.old, self.new
            known = self._texts = (old, new, _text_of(old), _text_of(new))
        return known[2], known[3]

    def encoded(self) -> bytes:
        """`canonical_json(self.content())`, its old and new values as `texts` wrote them."""
        old, new = self.texts()
        return canonical_json(self.content(), {"old": old or "null", "new": new or "null"})


def _text_of(value: Any) -> str | None:
    return None if value is None else canonical_text(value)


# An entry's old and new values as stored where each value is a parameter (SQLite): their
# canonical text (AuditEntry.texts), which reads back as the same values.
_ENCODED = {"old": lambda entry: entry.texts()[0], "new": lambda entry: entry.texts()[1]}


# The columns an entry's hash covers, in the order `hashed_content` takes them: `verify`
# reads just these (values_list), without building a model instance per entry.
HASHED_FIELDS = (
    "id", "at", "actor_id", "actor_name", "province_id", "campaign_id", "unit_id", "criterion",
    "entity", "entity_id", "action", "old", "new", "reason",
)  # fmt: skip


def hashed_content(
    pk: int,
    at: datetime,
    actor: int | None,
    actor_name: str,
    province: int | None,
    campaign: int | None,
    unit: int | None,
    criterion: str,
    entity: str,
    entity_id: str,
    action: str,
    old: Any,
    new: Any,
    reason: str,
) -> dict[str, Any]:
    return {
        "id": pk,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "actor_name": actor_name,
        "province": province,
        "campaign": campaign,
        "unit": unit,
        "criterion": criterion,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "old": old,
        "new": new,
        "reason": reason,
    }


class AuditHead(models.Model):
    """The chain's length, last hash and the last entry's id: one row (pk 1, created by the
    migration), locked while entries are sealed (portal.audit.sealing). It lets `verify`
    detect entries removed from, or replaced at, the end of the chain."""

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)
    last_id = models.PositiveBigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.count} mục, mã cuối {self.last_hash}"


class CarriedQuerySet(models.QuerySet["CarriedEntry"]):
    """Carried entries are inserted once, by the import, and never changed."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("Nhật ký mang sang chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Nhật ký mang sang chỉ được ghi thêm, không được xoá.")


class CarriedEntry(models.Model):
    """An audit entry of another deployment, carried in with a campaign archive
    (portal.backups.campaign_import): kept verbatim as its source chained it (its place in
    the source's chain, both hashes, the content its hash covers, whose ids are the
    source's), so it can be checked again here. The import itself is an entry of this
    deployment's chain, which names the archive and the last carried hash. A campaign
    exported again carries them on with its own entries."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # the archive it first came in with: entries of one source share it
    archive_sha256 = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField()  # its place in the source's chain
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    content = models.JSONField()

    objects = CarriedQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("mục nhật ký mang sang")
        verbose_name_plural = gettext_lazy("nhật ký mang sang")
        ordering = ["campaign", "archive_sha256", "seq"]
        constraints = [
            # places repeat across sources (a campaign moved twice); hashes do not
            models.UniqueConstraint(fields=["campaign", "hash"], name="carried_entry_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} ({self.archive_sha256[:12]})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("Nhật ký mang sang chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Nhật ký mang sang chỉ được ghi thêm, không được xoá.")
