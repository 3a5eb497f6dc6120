"""The scoring core imports nothing from Django or the portal, and names its modules for
what they hold. Checked twice: by importing every module, and by reading every source file,
which also sees imports that would happen only when a function runs."""

from __future__ import annotations

import ast
import os
import pkgutil
import subprocess
import sys

import pytest

import dti
from tests.conftest import REPO

FORBIDDEN = {"django", "portal"}


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
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert result.stdout.strip() == ""
    assert len(core_modules()) > 10


def test_no_grab_bag_module_names():
    banned = {"utils", "helpers", "misc", "common"}
    assert not [m for m in core_modules() if m.rsplit(".", 1)[-1] in banned]


def forbidden_imports(source: str, filename: str) -> list[str]:
    """`FILE:LINE: MODULE` for every import of Django or the portal in `source`: `import`
    and `from … import` statements anywhere (inside functions too), and calls of
    `importlib.import_module` (however it was imported or renamed) or `__import__` with a
    literal module name."""
    tree = ast.parse(source, filename)
    loaders = {"import_module", "__import__"}
    for node in ast.walk(tree):  # `from importlib import import_module as load`
        if isinstance(node, ast.ImportFrom) and node.module == "importlib":
            loaders.update(a.asname for a in node.names if a.name == "import_module" and a.asname)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and _called(node.func) in loaders:
            argument = node.args[0] if node.args else None
            argument = next((k.value for k in node.keywords if k.arg == "name"), argument)
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names = [argument.value]
        found += [(node.lineno, name) for name in names if name.split(".")[0] in FORBIDDEN]
    return [f"{filename}:{line}: {name}" for line, name in sorted(found)]


def _called(function: ast.expr) -> str | None:
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def test_no_core_source_imports_django_or_the_portal():
    """The import test above cannot see an import inside a function that never ran (the way
    `dti audit-log verify` once reached the portal): the source can."""
    sources = sorted((REPO / "src" / "dti").rglob("*.py"))
    found = [
        problem
        for path in sources
        for problem in forbidden_imports(
            path.read_text(encoding="utf-8"), str(path.relative_to(REPO))
        )
    ]
    assert found == []
    assert len(sources) > 10


PLANTED = """\
# A command of the core that checks the portal's audit trail ("django", "portal").
import importlib
import json
from importlib import import_module as load

import djangoish
from dti.ledger import GENESIS
from . import campaign


def verify():
    checker = importlib.import_module("portal.audit.verify")
    translation = load("django.utils.translation")
    settings = __import__(name="django.conf")
    from portal.audit import models
    import django
    importlib.import_module("dti.ledger")
    return checker, translation, settings, models, django
"""


def test_the_source_check_reports_imports_hidden_in_a_function():
    assert forbidden_imports(PLANTED, "dti/planted.py") == [
        "dti/planted.py:12: portal.audit.verify",
        "dti/planted.py:13: django.utils.translation",
        "dti/planted.py:14: django.conf",
        "dti/planted.py:15: portal.audit",
        "dti/planted.py:16: django",
    ]


@pytest.mark.parametrize(
    ("line", "module"),
    [
        ('importlib.import_module("portal.audit.verify")', "portal.audit.verify"),
        ("import json, portal", "portal"),
        ("from django.db import models", "django.db"),
        ('__import__("django")', "django"),
        ('builtins.__import__("portal.settings")', "portal.settings"),
    ],
)
def test_the_source_check_reports_each_way_of_importing(line, module):
    assert forbidden_imports(f"import importlib\n{line}\n", "x.py") == [f"x.py:2: {module}"]
