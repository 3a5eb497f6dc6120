from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy


class SignaturesConfig(AppConfig):
    name = "portal.signatures"
    label = "signatures"
    verbose_name = gettext_lazy("Chữ ký số")

    def ready(self) -> None:
        from portal.signatures.checks import signing_key_usable

        checks.register(signing_key_usable)
