from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class UnitsConfig(AppConfig):
    name = "portal.units"
    label = "units"
    verbose_name = pgettext_lazy("section", "Đơn vị")
