from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class IndicatorsConfig(AppConfig):
    name = "portal.indicators"
    label = "indicators"
    verbose_name = pgettext_lazy("section", "Chỉ số đo từ hệ thống")
