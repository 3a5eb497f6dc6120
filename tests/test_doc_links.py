"""Every document in docs/ is reachable from the README, and every relative link in the
README and docs/ points at a file that exists."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

DOCS = sorted((REPO / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")


def test_every_document_is_linked_from_the_readme_or_the_portal_overview():
    reachable = (REPO / "README.md").read_text(encoding="utf-8") + (
        REPO / "docs/portal.md"
    ).read_text(encoding="utf-8")
    missing = [d.name for d in DOCS if d.name not in reachable]
    assert missing == []


@pytest.mark.parametrize("document", [REPO / "README.md", *DOCS], ids=lambda p: p.name)
def test_relative_links_point_at_files(document):
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        assert (document.parent / target).exists(), f"{document.name} links to missing {target}"
