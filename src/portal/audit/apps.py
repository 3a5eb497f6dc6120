from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AuditConfig(AppConfig):
    name = "portal.audit"
    label = "audit"
    verbose_name = pgettext_lazy("section", "Nhật ký thay đổi")
