"""The docs and the layout stay in step: every document is in the README's table (its links
are checked in test_doc_links.py), every file a document names exists, and the
architecture's diagrams name every module of the core and every app of the portal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

DOCS = sorted((REPO / "docs").glob("*.md"))
README = (REPO / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (REPO / "docs/architecture.md").read_text(encoding="utf-8")
# Where a path written in a document may be rooted: the repository, the two packages, the
# tests (documents name `portal/audit/test_anchor.py` for tests/portal/audit/...).
ROOTS = [REPO, REPO / "src", REPO / "src/dti", REPO / "src/portal", REPO / "tests"]
PATH = re.compile(r"(?<![\w./-])((?:[\w-]+/)*[\w-]+\.(?:py|md|toml|yaml|json|html))(?![\w/])")


def named_paths(text: str) -> set[str]:
    found = set()
    for path in PATH.findall(text):
        if path.startswith(("http", "www")) or "<" in path:
            continue
        found.add(path)
    return found


def exists(path: str, document: Path) -> bool:
    candidates = [root / path for root in ROOTS] + [document.parent / path]
    # a module named beside its package's name in prose: `workbook/book.py` in frameworks
    candidates += list((REPO / "src/portal").glob(f"*/{path}"))
    if "/" not in path:  # a file named alone, in a sentence about its folder
        candidates += [*(REPO / "tests").rglob(path), *(REPO / "src").rglob(path)]
    return any(candidate.exists() for candidate in candidates)


def test_every_document_is_in_the_readmes_table():
    missing = [document.name for document in DOCS if f"(docs/{document.name})" not in README]
    assert not missing, f"README.md's table of documents misses {missing}"


@pytest.mark.parametrize("document", [*DOCS, REPO / "README.md"], ids=lambda path: path.name)
def test_every_python_file_a_document_names_exists(document):
    text = document.read_text(encoding="utf-8")
    missing = sorted(
        path
        for path in named_paths(text)
        if path.endswith(".py") and not path.startswith("manage.py") and not exists(path, document)
    )
    assert not missing, f"{document.name} names files that do not exist: {missing}"


def test_the_core_diagram_names_every_module_of_the_core():
    modules = {path.name for path in (REPO / "src/dti").iterdir() if not path.name.startswith("_")}
    modules = {
        name for name in modules if name.endswith(".py") or (REPO / "src/dti" / name).is_dir()
    }
    modules -= {"py.typed", "cli.py"}
    diagram = ARCHITECTURE.split("## Data flow")[0]
    missing = sorted(name for name in modules if name.removesuffix(".py") not in diagram)
    assert not missing, f"docs/architecture.md's core diagram misses {missing}"


def test_the_portal_diagram_names_every_app():
    diagram = ARCHITECTURE.split("## The portal's layers")[1].split("A module imports")[0]
    packages = {path.parent.name for path in (REPO / "src/portal").glob("*/__init__.py")}
    missing = sorted(
        name for name in packages - {"formats"} if not re.search(rf"\b{name}\b", diagram)
    )
    assert not missing, f"docs/architecture.md's portal diagram misses {missing}"
