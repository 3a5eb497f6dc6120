from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class FrameworksConfig(AppConfig):
    name = "portal.frameworks"
    label = "frameworks"
    verbose_name = pgettext_lazy("section", "Bộ chỉ số")
