"""Docs land with the code: a CLI command or option, or a field of the file format, that the
docs do not mention fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import click
import pytest

from dti.cli import main
from dti.framework.documents import SCHEMA
from tests.conftest import REPO

CLI_DOC = (REPO / "docs/cli.md").read_text(encoding="utf-8")
FORMAT_DOC = (REPO / "docs/frameworks.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "dti") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


@pytest.mark.parametrize(("path", "command"), list(commands(main)), ids=lambda x: str(x))
def test_every_command_and_option_is_documented(path, command):
    assert f"`{path}" in CLI_DOC, f"{path} is not in docs/cli.md"
    for param in command.params:
        for option in getattr(param, "opts", []):
            if option.startswith("--"):
                assert option in CLI_DOC, f"{path} {option} is not in docs/cli.md"


def properties(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties":
                yield from value
            yield from properties(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from properties(item)


@pytest.mark.parametrize("field", sorted(set(properties(SCHEMA))))
def test_every_field_of_the_format_is_documented(field):
    assert f"`{field}`" in FORMAT_DOC, f"`{field}` is not documented in docs/frameworks.md"


def test_the_readme_quick_start_is_the_makefile():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make (\w+)", readme, flags=re.MULTILINE):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target
    assert "make test" in (REPO / ".ci/run").read_text(encoding="utf-8")


SECURITY_DOC = (REPO / "docs/security.md").read_text(encoding="utf-8")


def defined_tests() -> set[str]:
    names: set[str] = set()
    for path in (REPO / "tests").rglob("*.py"):
        names.update(re.findall(r"def (test_\w+)", path.read_text(encoding="utf-8")))
    return names


def test_every_test_the_security_notes_name_exists():
    """docs/security.md proves each protection by naming its tests: a renamed or removed test
    must not leave the notes pointing at nothing."""
    named = set(re.findall(r"::(test_\w+)", SECURITY_DOC))
    files = set(re.findall(r"\btests/[\w/]+\.py\b", SECURITY_DOC))
    assert len(named) > 50 and len(files) > 20
    assert sorted(named - defined_tests()) == []
    assert sorted(path for path in files if not (REPO / path).exists()) == []
