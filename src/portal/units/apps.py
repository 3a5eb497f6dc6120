from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "portal.units"
    label = "units"
    verbose_name = "Đơn vị"
