from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PublicationConfig(AppConfig):
    name = "portal.publication"
    label = "publication"
    verbose_name = gettext_lazy("Công bố kết quả")
