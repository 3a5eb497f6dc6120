"""The portal's settings module as a new process reads it from its environment, evaluated
in this process: src/portal/settings.py run afresh (runpy, in a namespace of its own; the
settings of the running tests are untouched) with no DTI_ variable but those given. Every
setting is read from a DTI_ variable at import, so this is what `import portal.settings`
does in a process started with exactly those variables, without the second or so a new
Python process with Django takes."""

from __future__ import annotations

import os
import runpy
from typing import Any

import pytest

from tests.conftest import REPO

SETTINGS_FILE = REPO / "src" / "portal" / "settings.py"


def fresh_settings(monkeypatch: pytest.MonkeyPatch, **variables: str) -> dict[str, Any]:
    """The settings' names and values; raises what the import would raise."""
    for name in [name for name in os.environ if name.startswith("DTI_")]:
        monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE), run_name="portal.settings")
