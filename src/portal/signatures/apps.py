from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SignaturesConfig(AppConfig):
    name = "portal.signatures"
    label = "signatures"
    verbose_name = gettext_lazy("Chữ ký số")
