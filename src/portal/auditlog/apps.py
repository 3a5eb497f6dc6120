from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AuditLogConfig(AppConfig):
    """The audit trail's pages: who reads which entries, the filters, the exports and the
    office's integrity check. The trail itself (its entries, the writer, the chain's check)
    is portal.audit, in the bottom layer; this app reads it from above the campaigns."""

    name = "portal.auditlog"
    label = "auditlog"
    verbose_name = pgettext_lazy("section", "Nhật ký thay đổi")
