"""Checks of the deployment that `manage.py check --deploy` runs (docs/deployment.md):
what would make production fail on its first request rather than at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks import CheckMessage

MANIFEST = "staticfiles.json"  # what collectstatic writes for hashed names (whitenoise)


def static_files_collected(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With hashed static names (production), every page names its stylesheet through the
    manifest `collectstatic` writes; without it every page would answer 500."""
    if not settings.STATIC_HASHED or (Path(settings.STATIC_ROOT) / MANIFEST).is_file():
        return []
    return [
        checks.Warning(
            f"The static files are not collected in DTI_STATIC_ROOT ({settings.STATIC_ROOT}): "
            "every page would answer 500.",
            hint="Run `manage.py collectstatic --no-input` (scripts/serve and the upgrade "
            "steps of docs/deployment.md do).",
            id="dti.W001",
        )
    ]
