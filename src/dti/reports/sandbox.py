"""What an office's report template may do: fill in the report's fields, nothing else.

An office uploads a DOCX whose Jinja tags docxtpl fills. Jinja in its ordinary environment
lets an expression walk Python's object graph (`''.__class__.__mro__[1].__subclasses__()`,
`cycler.__init__.__globals__.os.popen(...)`) and so run commands on the server. Three walls
stand between a template and the server, each enough alone for the attribute walk:

1. `OfficeEnvironment`, Jinja's immutable sandbox narrowed to plain data: no attribute of
   any object but a few of text, mappings and the loop (so neither `__class__` nor the
   public methods of a library's object), no mutation of the report; the only global is a
   bounded `range` (no `cycler`, `joiner`, `lipsum`, `namespace`, `dict`); `*` and `**`
   refuse results past a size that could exhaust memory.
2. `check_template`, run before every rendering and so at upload: every part docxtpl renders
   (body, headers, footers, footnotes, document properties) is parsed, and every field,
   attribute and item it names must be one the report offers (`allowed_names`). A tag in a
   branch that never runs is refused too, with a message naming it.
3. `dti.reports.confinement`: rendering runs in a child process with a time and memory
   limit, so a loop of a billion turns or a string of a billion characters ends the child,
   not the server.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_RANGE = 100_000  # items a `range` in a template may have (Jinja's own sandbox bound)
MAX_SEQUENCE = 1_000_000  # characters or items that `*` may build
MAX_EXPONENT = 64  # the largest power `**` may raise to

# The attributes a loop and the report's values have besides their fields.
LOOP_NAMES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
    | {"previtem", "nextitem", "cycle", "changed"}
)
TEXT_METHODS = frozenset(
    {"upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith"}
    | {"endswith", "replace", "split"}
)
MAPPING_METHODS = frozenset({"items", "keys", "values"})
# Filters that read an attribute named by a string: their first argument, or `attribute=`.
_ATTRIBUTE_FIRST = frozenset({"attr", "selectattr", "rejectattr", "groupby", "sum"})
_ATTRIBUTE_FILTERS = _ATTRIBUTE_FIRST | {"map", "sort", "unique", "min", "max"}


class UnsafeTemplate(ValueError):
    """The template names something that is not a field of the report."""

    def __init__(self, name: str, where: str):
        super().__init__(name)
        self.name = name
        self.where = where


class OfficeEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with bounded arithmetic, no globals but `range`, and no
    attribute of any object but the loop's and a few of text and mappings.

    Jinja's own sandbox lets a template read any public attribute of any object it reaches:
    an object of a library (a chart image holds the whole document, whose `render` runs a
    template outside the sandbox) is a way out. Here the report's values are plain data
    (mappings, lists, text, numbers), and only `MAPPING_METHODS`, `TEXT_METHODS` and the
    loop's `LOOP_NAMES` may be read as attributes, however the name was written."""

    intercepted_binops = frozenset({"*", "**"})

    def wrap_str_format(self, value: Any) -> None:
        """No `str.format` at all (Jinja would hand out a sandboxed one before asking
        `is_safe_attribute`); a template formats with Jinja's filters."""
        return None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str):
            return attr in TEXT_METHODS
        if isinstance(obj, Mapping):
            return attr in MAPPING_METHODS
        if isinstance(obj, LoopContext):
            return attr in LOOP_NAMES
        return False

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self.globals.clear()
        self.globals["range"] = _bounded_range

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"lũy thừa {right} quá lớn")
            return operator.pow(left, right)
        if operator_name == "*":
            size = _repeated_size(left, right)
            if size > MAX_SEQUENCE:
                raise SecurityError(f"chuỗi dài {size} ký tự quá lớn")
            return operator.mul(left, right)
        return super().call_binop(context, operator_name, left, right)


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range có {len(numbers)} phần tử, quá {MAX_RANGE}")
    return numbers


def _repeated_size(left: Any, right: Any) -> int:
    """How many items `left * right` builds when one side is a sequence, else 0."""
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(times, int):
            return len(sequence) * times
    return 0


def allowed_names(context: Mapping[str, Any]) -> frozenset[str]:
    """Every key of every mapping in the report's context, with loop and text attributes."""
    names: set[str] = set(LOOP_NAMES | TEXT_METHODS | MAPPING_METHODS)
    stack: list[Any] = [context]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            names.update(key for key in value if isinstance(key, str))
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return frozenset(names)


def check_template(
    environment: jinja2.Environment,
    sources: Iterable[tuple[str, str]],
    allowed: frozenset[str],
) -> None:
    """Parse every (where, source); UnsafeTemplate on the first name the report does not
    offer. Syntax errors propagate as Jinja raises them."""
    for where, source in sources:
        tree = environment.parse(source)
        for name in _named_attributes(tree):
            if name not in allowed:
                raise UnsafeTemplate(name, where)


def _named_attributes(tree: nodes.Template) -> Iterator[str]:
    """Attribute and constant item names the template reads, in order."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            yield node.attr
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                yield node.arg.value
        elif isinstance(node, nodes.Filter) and node.name in _ATTRIBUTE_FILTERS:
            yield from _filter_attributes(node)


def _filter_attributes(node: nodes.Filter) -> Iterator[str]:
    """`attr('x')`, `map(attribute='a.b')`, `sort(attribute='x')`: the names they read."""
    arguments = [k.value for k in node.kwargs if k.key == "attribute"]
    if node.name in _ATTRIBUTE_FIRST and node.args:
        arguments.append(node.args[0])
    for argument in arguments:
        if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
            yield from argument.value.split(".")
