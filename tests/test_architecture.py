"""The layers of docs/architecture.md hold: `lint-imports` (run by `make lint`) keeps the
contracts in pyproject.toml, a planted upward import breaks them, and the lists the contracts
repeat name the same modules as the layout on disk."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def layer_names(layer: str) -> set[str]:
    return {name.strip(" ()") for name in layer.split(":")}


INTERFACE, DOMAIN = (layer_names(layer) for layer in CONTRACTS["app-shape"]["layers"])
PACKAGES = {"management", "templatetags", "migrations"}


def interface_ignores() -> set[str]:
    return {
        f"portal.*.{name}.** -> portal.**" if name in PACKAGES else f"portal.*.{name} -> portal.**"
        for name in INTERFACE
    }


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_contracts_are_kept_on_this_tree():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted"),
    [
        # a domain app reading one above it: campaigns sits below appraisals
        ("portal/campaigns/services.py", "from portal.appraisals import models as _planted"),
        # the foundation reading a domain app
        ("portal/workflow/rules.py", "import portal.campaigns.models as _planted"),
        # a domain module reaching for an interface of a lower app
        ("portal/appraisals/services.py", "from portal.campaigns import views as _planted"),
        # the core reaching for Django
        ("dti/engine.py", "import django as _planted"),
    ],
)
def test_a_planted_upward_import_breaks_the_contracts(tmp_path, module, planted):
    shutil.copytree(REPO / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout


def test_every_interface_module_is_exempt_from_the_app_order_in_both_contracts():
    for contract in ("layers", "no-app-cycles"):
        assert set(CONTRACTS[contract]["ignore_imports"]) == interface_ignores(), contract


def test_the_domain_contract_names_the_same_modules_as_the_app_shape():
    forbidden = CONTRACTS["domain-no-interface"]
    assert set(forbidden["source_modules"]) == {f"portal.*.{name}" for name in DOMAIN}
    top = {"portal.urls", "portal.views", "portal.start", "portal.api", "portal.demo"}
    assert set(forbidden["forbidden_modules"]) == {f"portal.*.{name}" for name in INTERFACE} | top


def test_every_portal_app_on_disk_is_placed_in_the_layers():
    apps = {path.parent.name for path in (REPO / "src/portal").glob("*/apps.py")}
    placed = {
        name.strip().removeprefix("portal.")
        for layer in CONTRACTS["layers"]["layers"]
        for name in layer.replace(":", "|").split("|")
    }
    assert apps <= placed
    containers = {name.removeprefix("portal.") for name in CONTRACTS["app-shape"]["containers"]}
    assert apps - {"demo"} == containers
