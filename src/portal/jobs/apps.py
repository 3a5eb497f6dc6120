from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Long work off the request (docs/tasks.md): what a person asked for, its progress and
    its file, run by `manage.py worker` through Django's Tasks framework."""

    name = "portal.jobs"
    label = "jobs"
    verbose_name = "Việc chạy nền"
