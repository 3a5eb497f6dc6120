"""The framework document (the `framework:` mapping of docs/frameworks.md) as the portal
reads, checks, stores and shows it.

Checks are exactly the core's: YAML read with its exact loader (numbers as Decimal, no
duplicate keys), then `schema_problems`, then `build_framework`; every problem is kept.
Stored as JSON, Decimals become text ("57.14"); `exact_document` turns them back."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import yaml

from dti.framework.documents import DocumentError, Problem, load_yaml_text, schema_problems
from dti.framework.loader import build_framework
from dti.framework.model import Framework

# The fields of the format that hold numbers other than integers (docs/frameworks.md).
NUMBER_KEYS = frozenset({"max", "weight", "target", "minimum", "points", "min", "points_each"})


def exact_document(stored: Any) -> Any:
    """A stored document with its numbers as Decimals again (JSON kept them as text)."""
    if isinstance(stored, Mapping):
        return {
            key: Decimal(value)
            if key in NUMBER_KEYS and isinstance(value, str)
            else exact_document(value)
            for key, value in stored.items()
        }
    if isinstance(stored, list):
        return [exact_document(item) for item in stored]
    return stored


def decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError([Problem(file, "", "tệp không phải văn bản UTF-8")]) from error


def parse_yaml_text(text: str, file: str) -> Any:
    """YAML text read exactly as the core reads a file."""
    return load_yaml_text(text, file)


def framework_of_file(document: Any, file: str) -> dict[str, Any]:
    """The framework mapping of a `kind: framework` document, checked as the core checks it."""
    problems = schema_problems(document, file)
    if problems:
        raise DocumentError(problems)
    if document["kind"] != "framework":
        raise DocumentError(
            [
                Problem(
                    file,
                    "kind",
                    "tệp này là một đợt đánh giá, không phải bộ chỉ số (kind: framework)",
                )
            ]
        )
    mapping: dict[str, Any] = document["framework"]
    build_framework(mapping, file=file, path="framework")
    return mapping


def check_framework(mapping: Any, file: str) -> Framework:
    """The core's checks on a bare framework mapping, paths as in a file ('framework.…')."""
    problems = schema_problems({"dti": 1, "kind": "framework", "framework": mapping}, file)
    if problems:
        raise DocumentError(problems)
    return build_framework(mapping, file=file, path="framework")


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as plain numbers that the exact loader reads back to the same value."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)


def dump_yaml(document: Any) -> str:
    """YAML in the format's field order, Vietnamese left readable."""
    return yaml.dump(
        document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )


def framework_file(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """A whole `kind: framework` document around a mapping, for download."""
    return {"dti": 1, "kind": "framework", "framework": dict(mapping)}
