"""Reading YAML documents exactly, and checking them against the JSON Schema.

Numbers in YAML become Decimal from their text (57.14 stays 57.14), duplicate keys are
an error (PyYAML would silently keep the last), and every problem names the file and the
path in the document, in Vietnamese.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError

from dti.numbers import NumberError, checked_number
from dti.text import control_characters

# The largest published framework is about 40 KB of YAML, nested eight levels deep.
MAX_YAML_CHARACTERS = 2_000_000
MAX_YAML_DEPTH = 40
MAX_YAML_NODES = 200_000  # the largest framework has about 3,000
MAX_NUMBER_TEXT = 40
YAML_DECIMALS = 12  # weights and thresholds may carry more decimals than a score


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class DocumentError(Exception):
    """One or more problems in a framework or campaign file; str() lists them all."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _ExactLoader(yaml.SafeLoader):
    """SafeLoader with Decimal numbers, no duplicate keys, bounded nesting and bounded size.

    SafeLoader shares an aliased node rather than copying it, but everything after the
    load (the schema check, storing the document as JSON) walks the expanded tree: ten
    nested lists of ten aliases ("billion laughs") are 10^10 nodes from a few hundred
    bytes. So each node's expanded size is counted as it is composed (an alias counts the
    whole node it names) and a document past MAX_YAML_NODES is refused. The composer
    recurses once per level, so 5,000 levels would exhaust Python's stack: nesting past
    MAX_YAML_DEPTH is refused before that."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                self._refuse(f"lồng quá sâu: tối đa {MAX_YAML_DEPTH} cấp")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode):
            self._refuse_control_characters(node)
        if id(node) not in self._sizes:
            sizes = [self._sizes.get(id(child), 1) for child in _children(node)]
            self._sizes[id(node)] = 1 + sum(sizes)
        if self._sizes[id(node)] > MAX_YAML_NODES:
            self._refuse(f"quá nhiều giá trị (tính cả bí danh *tên): tối đa {MAX_YAML_NODES}")
        return node

    def _refuse(self, message: str) -> None:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # unannotated in PyYAML's stubs
        raise yaml.composer.ComposerError(None, None, message, mark)

    @staticmethod
    def _refuse_control_characters(node: yaml.ScalarNode) -> None:
        """PyYAML refuses most raw control characters, but not NEL (U+0085) nor any written
        as an escape ("\\v", "\\x00" in double quotes): stored, they break every XLSX
        made from the framework and PostgreSQL refuses NUL."""
        found = control_characters(str(node.value))
        if found is not None:
            message = f"chứa ký tự điều khiển {found}"
            raise yaml.composer.ComposerError(None, None, message, node.start_mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return _bounded(Decimal(text), text, node)
    except InvalidOperation as error:  # .inf, .nan
        raise yaml.constructor.ConstructorError(
            None, None, f"số không hợp lệ: {text}", node.start_mark
        ) from error


def _integer(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """An int as SafeLoader reads it (0x1F, 1_000), within the one number reader's range;
    a 100,000-digit integer is refused before Python converts it."""
    text = str(loader.construct_scalar(node))
    if len(text) > MAX_NUMBER_TEXT:
        raise yaml.constructor.ConstructorError(
            None, None, f"số quá dài: {text[:MAX_NUMBER_TEXT]}…", node.start_mark
        )
    value: int = loader.construct_yaml_int(node)
    _bounded(Decimal(value), text, node)
    return value


def _bounded(value: Decimal, text: str, node: yaml.ScalarNode) -> Decimal:
    try:
        return checked_number(value, max_decimals=YAML_DECIMALS)
    except NumberError as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"số không hợp lệ: {text[:MAX_NUMBER_TEXT]}: {error}", node.start_mark
        ) from None


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]  # unannotated in PyYAML's stubs
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"khoá '{key}' bị lặp lại", key_node.start_mark
            )
        seen.add(key)
    return dict(loader.construct_pairs(node))  # type: ignore[no-untyped-call]  # unannotated in PyYAML's stubs


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_ExactLoader.add_constructor("tag:yaml.org,2002:int", _integer)
_ExactLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; syntax errors become a DocumentError naming line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError([Problem(str(path), "", f"không đọc được tệp: {error}")]) from error
    return load_yaml_text(text, str(path))


def load_yaml_text(text: str, file: str) -> Any:
    """Parse YAML text (an upload, a text box) exactly as load_yaml parses a file; `file`
    names it in messages. Text past MAX_YAML_CHARACTERS is refused unparsed."""
    if len(text) > MAX_YAML_CHARACTERS:
        message = f"tệp quá lớn: tối đa {MAX_YAML_CHARACTERS // 1_000_000} triệu ký tự"
        raise DocumentError([Problem(file, "", message)])
    try:
        return yaml.load(text, Loader=_ExactLoader)  # noqa: S506  (a SafeLoader: plain data only)
    except yaml.reader.ReaderError as error:  # a raw control character, by its offset
        raise DocumentError([_unacceptable_character(text, error, file)]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DocumentError([Problem(file, where, f"lỗi cú pháp YAML: {problem}")]) from error


def _unacceptable_character(text: str, error: yaml.reader.ReaderError, file: str) -> Problem:
    """PyYAML names the character in English and by offset: say which, and where."""
    before = text[: error.position]
    where = f"dòng {before.count(chr(10)) + 1}, cột {len(before) - before.rfind(chr(10))}"
    code = error.character if isinstance(error.character, int) else ord(error.character)
    return Problem(file, where, f"chứa ký tự điều khiển U+{code:04X}")


def _schema() -> dict[str, Any]:
    text = resources.files("dti.framework").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


SCHEMA = _schema()


def schema_problems(document: Any, file: str) -> list[Problem]:
    """Structural problems of a document against the schema branch its `kind` names."""
    if not isinstance(document, dict):
        return [Problem(file, "", "tệp phải là một bảng khoá: giá trị (mapping) YAML")]
    kind = document.get("kind")
    definition = {"framework": "frameworkFile", "campaign": "campaignFile"}.get(str(kind))
    if definition is None:
        return [Problem(file, "kind", "phải là 'framework' hoặc 'campaign'")]
    schema = {**SCHEMA, "oneOf": None, "$ref": f"#/$defs/{definition}"}
    del schema["oneOf"]
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        for leaf in _specific(error):
            problems.append(Problem(file, format_path(document, leaf.absolute_path), _vi(leaf)))
    return problems


def _specific(error: ValidationError) -> Iterable[ValidationError]:
    """For a oneOf failure, the errors of the branch the document meant (its `type` matched)."""
    if str(error.validator) != "oneOf" or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    meant = [errors for errors in branches.values() if not any(map(_wrong_branch, errors))]
    if len(meant) == 1:
        return [leaf for sub in meant[0] for leaf in _specific(sub)]
    return [error]


def _wrong_branch(error: ValidationError) -> bool:
    """The branch was not the one meant: its `type` tag differs, or the value is not even
    of the branch's kind (a mapping where the branch wants a file name)."""
    validator = str(error.validator)
    tag = validator == "const" and list(error.relative_path)[-1:] == ["type"]
    return tag or (validator == "type" and not error.relative_path)


def format_path(document: Any, path: Iterable[Any]) -> str:
    """'levels[so].framework.nodes[hdcqs].max': list items named by their code if they have one."""
    parts: list[str] = []
    current = document
    for step in path:
        if isinstance(step, int):
            item = current[step] if isinstance(current, list) and step < len(current) else None
            label = item.get("code") or item.get("id") if isinstance(item, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{label if label else step}]"]
            current = item
        else:
            parts.append(str(step))
            current = current.get(step) if isinstance(current, dict) else None
    return ".".join(parts)


_TYPE_NAMES = {
    "number": "một số",
    "integer": "một số nguyên",
    "string": "một chuỗi chữ",
    "boolean": "true hoặc false",
    "array": "một danh sách",
    "object": "một bảng khoá: giá trị",
}


def _vi(error: ValidationError) -> str:
    """A Vietnamese sentence for a schema error."""
    arg: Any = error.validator_value
    value = error.instance
    match str(error.validator):
        case "required":
            missing = [k for k in arg if isinstance(value, dict) and k not in value]
            return "thiếu trường bắt buộc " + ", ".join(f"'{k}'" for k in missing)
        case "type":
            return f"phải là {_type_name(arg)}, không phải {value!r}"
        case "enum":
            return f"giá trị {value!r} không hợp lệ; chọn một trong: {', '.join(map(str, arg))}"
        case "const":
            return f"phải là {arg!r}"
        case "minimum":
            return f"phải lớn hơn hoặc bằng {arg}, không phải {value}"
        case "exclusiveMinimum":
            return f"phải lớn hơn {arg}, không phải {value}"
        case "maximum":
            return f"phải nhỏ hơn hoặc bằng {arg}, không phải {value}"
        case "pattern":
            return f"{value!r} không đúng dạng mã (chữ cái, chữ số, '_', '.', '-')"
        case "minItems":
            return f"cần ít nhất {arg} phần tử"
        case "minLength":
            return "không được để trống"
        case "maxLength":
            return f"dài quá {arg} ký tự"
        case "additionalProperties" if isinstance(value, dict):
            schema = error.schema if isinstance(error.schema, dict) else {}
            allowed = set(schema.get("properties", {}))
            extra = sorted(str(k) for k in value if k not in allowed)
            return f"trường không được phép: {', '.join(extra)}; các trường hợp lệ: " + ", ".join(
                sorted(allowed)
            )
        case "oneOf" if isinstance(value, dict) and _tags(arg):
            return (
                f"loại {value.get('type')!r} không hợp lệ; chọn một trong: {', '.join(_tags(arg))}"
            )
        case "propertyNames":
            return f"tên thuộc tính không hợp lệ ({error.message})"
    return str(error.message)


def _tags(branches: Any) -> list[str]:
    """The `type` values a oneOf of tagged branches accepts (the kinds of rule)."""
    tags = [b.get("properties", {}).get("type", {}).get("const") for b in branches]
    return [str(t) for t in tags] if all(tags) else []


def _type_name(arg: Any) -> str:
    names = [arg] if isinstance(arg, str) else list(arg)
    return " hoặc ".join(_TYPE_NAMES.get(n, n) for n in names)
