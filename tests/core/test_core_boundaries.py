"""The scoring core imports nothing from Django or the portal, and names its modules for
what they hold."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import dti
from tests.conftest import REPO


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(dti.__path__, "dti."))


def test_no_core_module_imports_django_or_the_portal():
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'portal'})\n"
        "print(','.join(bad))\n"
    )
    src = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(  # this checkout's modules, whatever the environment installed
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": src},
    )  # fmt: skip
    assert result.stdout.strip() == ""
    assert len(core_modules()) > 10


def test_no_grab_bag_module_names():
    banned = {"utils", "helpers", "misc", "common"}
    assert not [m for m in core_modules() if m.rsplit(".", 1)[-1] in banned]
