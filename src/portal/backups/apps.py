from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """`manage.py backup` and `manage.py restore` (docs/backups.md): no models, no pages."""

    name = "portal.backups"
    label = "backups"
    verbose_name = "Sao lưu"
