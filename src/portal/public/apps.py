from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PublicConfig(AppConfig):
    name = "portal.public"
    label = "public"
    verbose_name = gettext_lazy("Cổng kết quả công khai")
