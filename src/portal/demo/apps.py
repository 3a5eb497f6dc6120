from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DemoConfig(AppConfig):
    name = "portal.demo"
    label = "demo"
    verbose_name = gettext_lazy("Dữ liệu trình diễn")
