from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import pgettext_lazy


class AuditConfig(AppConfig):
    name = "portal.audit"
    label = "audit"
    verbose_name = pgettext_lazy("section", "Nhật ký thay đổi")

    def ready(self) -> None:
        post_migrate.connect(_head_of_an_empty_trail, sender=self)


def _head_of_an_empty_trail(using: str, **_: Any) -> None:
    """The head row the first migration writes, written again when the database was emptied
    since (`manage.py flush`, as tests between transactions do), so every append finds it as
    in production. Never while entries remain: a head deleted under them is rebuilt by the
    next seal with an entry saying so (sealing._create_head)."""
    from dti.ledger import GENESIS
    from portal.audit.models import AuditEntry, AuditHead
    from portal.audit.services import HEAD

    if not AuditEntry.objects.using(using).exists():
        AuditHead.objects.using(using).get_or_create(
            pk=HEAD, defaults={"last_hash": GENESIS, "count": 0, "last_id": None}
        )
