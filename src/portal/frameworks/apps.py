from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "portal.frameworks"
    label = "frameworks"
    verbose_name = "Bộ chỉ số"
