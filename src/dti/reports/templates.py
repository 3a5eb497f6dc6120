"""The office's own DOCX template, filled with docxtpl (Jinja2 tags typed in Word).

A template is hostile until checked: it is rendered in Jinja's sandbox, may name only the
report's fields, and runs in a child process with time and memory limits (`sandbox`,
`confinement`; docs/security.md).

The placeholders are the keys of `template_context` (docs/reports.md lists them with an
example template). Placeholders are checked before rendering and rendering is strict: an
unknown name, a bad tag or a file that is not a DOCX raises TemplateError, whose message
names the placeholder or quotes the paragraph, in Vietnamese. Values are XML-escaped.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate  # no stubs
from jinja2 import meta
from jinja2.exceptions import SecurityError

from dti.reports.confinement import ChildError, ConfinementError, Limits, run_confined
from dti.reports.model import Report
from dti.reports.placeholders import template_context
from dti.reports.sandbox import OfficeEnvironment, UnsafeTemplate, allowed_names, check_template

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[{%][^}%]*")  # whole, or left unterminated
_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")
_UNDEFINED = re.compile(r"'([^']+)' is undefined")


class TemplateError(ValueError):
    """The template cannot be filled; `placeholder` names the faulty one when known."""

    def __init__(self, message: str, placeholder: str | None = None):
        super().__init__(message)
        self.placeholder = placeholder


DEFAULT_LIMITS = Limits()


def render_template(
    template: bytes, report: Report, *, charts: bool = True, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """The office's template filled with the report; TemplateError on any template fault.

    The template is checked (`sandbox.check_template`), then rendered in Jinja's sandbox
    inside a child process with `limits` (`confinement.run_confined`)."""
    _check_package(template)
    try:
        return run_confined(
            lambda: _render(template, report, charts), limits, expected=(TemplateError,)
        )
    except ChildError as error:
        raise TemplateError(str(error), error.detail) from None
    except ConfinementError as error:
        raise TemplateError(
            f"Mẫu báo cáo vượt giới hạn khi điền dữ liệu ({error}). Hãy bỏ khỏi mẫu các vòng "
            "lặp hoặc phép tính quá lớn."
        ) from None


def _render(template: bytes, report: Report, charts: bool) -> bytes:
    document = _open(template)
    environment = OfficeEnvironment()
    context = template_context(report, document if charts else None)
    try:
        _check(document, environment, context)
        document.render(context, jinja_env=environment, autoescape=True)
    except jinja2.TemplateSyntaxError as error:
        raise _syntax_error(document, error) from None
    except jinja2.UndefinedError as error:
        raise _undefined_error(error) from None
    except SecurityError as error:
        reason = str(error).rstrip(".")
        raise TemplateError(f"Mẫu báo cáo dùng thao tác không được phép: {reason}.") from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, TemplateError):
            raise
        raise TemplateError(f"Mẫu báo cáo lỗi khi điền dữ liệu: {error}.") from None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _check(
    document: DocxTemplate, environment: jinja2.Environment, context: dict[str, Any]
) -> None:
    """Every field the template names exists, and it names nothing but fields."""
    sources = list(_sources(document))
    declared: set[str] = set()
    for _, source in sources:
        declared |= meta.find_undeclared_variables(environment.parse(source))
    unknown = sorted(declared - set(context) - set(environment.globals))
    if unknown:
        names = ", ".join(f"“{name}”" for name in unknown)
        known = ", ".join(sorted(context))
        raise TemplateError(
            f"Mẫu báo cáo dùng trường không có: {names}. Các trường có sẵn: {known}.",
            unknown[0],
        )
    try:
        check_template(environment, sources, allowed_names(context))
    except UnsafeTemplate as unsafe:
        raise _unsafe_error(document, unsafe) from None


def _sources(document: DocxTemplate) -> Iterator[tuple[str, str]]:
    """Every text docxtpl renders, as Jinja sees it, with where it is in Vietnamese."""
    yield "thân văn bản", document.patch_xml(document.xml_to_string(document.docx._element.body))
    for uri, where in ((document.HEADER_URI, "đầu trang"), (document.FOOTER_URI, "chân trang")):
        for _, part in document.get_headers_footers(uri):
            yield where, document.patch_xml(document.get_part_xml(part))
    for part in document.docx.part.package.parts:
        if part.content_type == _FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield "chú thích", document.patch_xml(blob)
    properties = document.docx.core_properties
    for name in _PROPERTIES:
        yield f"thuộc tính tệp ({name})", getattr(properties, name) or ""


_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _unsafe_error(document: DocxTemplate, unsafe: UnsafeTemplate) -> TemplateError:
    tag = next(
        (
            tag
            for paragraph in _paragraph_texts(document.docx)
            for tag in _TAG.findall(paragraph)
            if unsafe.name in tag
        ),
        None,
    )
    where = f"thẻ “{tag}”" if tag else unsafe.where
    return TemplateError(
        f"Mẫu báo cáo dùng trường không có: “{unsafe.name}”. Chỗ dùng: {where}. Mẫu chỉ được "
        "đọc các trường của báo cáo; thuộc tính nội bộ và hàm của Python bị từ chối.",
        unsafe.name,
    )


def _open(template: bytes) -> DocxTemplate:
    document = DocxTemplate(io.BytesIO(template))
    try:
        document.init_docx()
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError):
        raise TemplateError("Tệp mẫu báo cáo không phải tệp Word (.docx) hợp lệ.") from None
    return document


MAX_TEMPLATE_PARTS = 1_000
MAX_TEMPLATE_UNPACKED = 50 * 1024 * 1024


def _check_package(template: bytes) -> None:
    """The zip's own directory read before anything is unpacked: a template that would
    unpack to more than 50 MB or a thousand parts is refused (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as package:
            entries = package.infolist()
    except zipfile.BadZipFile:
        raise TemplateError("Tệp mẫu báo cáo không phải tệp Word (.docx) hợp lệ.") from None
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_TEMPLATE_PARTS or unpacked > MAX_TEMPLATE_UNPACKED:
        raise TemplateError(
            "Tệp mẫu báo cáo giải nén ra quá lớn (hơn 50 MB hoặc hơn 1.000 phần); một mẫu "
            "báo cáo thường chỉ vài trăm KB."
        )


def _syntax_error(document: DocxTemplate, error: jinja2.TemplateSyntaxError) -> TemplateError:
    """Jinja's line numbers count lines of WordprocessingML, useless to an office: the
    faulty tag is found again in the document's own paragraphs."""
    found = _faulty_tag(_paragraph_texts(document.docx))
    if found is None:
        return TemplateError(f"Mẫu báo cáo sai cú pháp: {_explain(error.message or '')}.")
    tag, paragraph = found
    return TemplateError(
        f"Mẫu báo cáo sai cú pháp ở thẻ “{tag}” trong đoạn “{paragraph.strip()}”: "
        f"{_explain(error.message or '')}.",
        tag,
    )


def _paragraph_texts(document: Any) -> Iterator[str]:
    """Every paragraph of the body, its tables (nested too), headers and footers."""
    yield from _block_texts(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            yield from _block_texts(part)


def _block_texts(block: Any) -> Iterator[str]:
    for paragraph in block.paragraphs:
        yield paragraph.text
    for table in block.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from _block_texts(cell)


_OPENERS = {"for": "endfor", "if": "endif"}
_INNER = {"else", "elif", "set", "endfor", "endif"}


def _faulty_tag(paragraphs: Iterable[str]) -> tuple[str, str] | None:
    """The first tag that is unterminated, unknown, badly written or closes nothing, else
    the last block left open; with the paragraph that holds it."""
    environment = OfficeEnvironment()
    open_blocks: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        for tag in _TAG.findall(paragraph):
            if not tag.endswith(("}}", "%}")):
                return tag.strip(), paragraph
            if tag.startswith("{{"):
                try:
                    environment.parse(tag)
                except jinja2.TemplateSyntaxError:
                    return tag, paragraph
                continue
            name = _name(tag)
            if name in _OPENERS:
                open_blocks.append((tag, paragraph))
            elif name in ("endfor", "endif"):
                if not open_blocks or _OPENERS[_name(open_blocks[-1][0])] != name:
                    return tag, paragraph
                open_blocks.pop()
            elif name not in _INNER:
                return tag, paragraph
    return open_blocks[-1] if open_blocks else None


_DOCXTPL_PREFIXES = {"p", "tr", "tc", "r"}  # {%tr for … %}: docxtpl's row, cell, run tags


def _name(tag: str) -> str:
    """The statement of a block tag: 'for' for '{%tr for row in rows %}'."""
    words = tag[2:-2].strip().lstrip("-").split()
    return words[1] if words and words[0] in _DOCXTPL_PREFIXES else (words or [""])[0]


def _explain(message: str) -> str:
    if "unexpected end of template" in message.lower():
        return "thiếu thẻ đóng (ví dụ {% endfor %} hoặc {% endif %})"
    unknown_tag = re.search(r"unknown tag '([^']+)'", message)
    if unknown_tag:
        return f"thẻ “{unknown_tag.group(1)}” không hợp lệ"
    unexpected = re.search(r"unexpected '([^']+)'", message)
    if unexpected:
        return f"ký tự “{unexpected.group(1)}” không đúng chỗ"
    return f"lỗi cú pháp Jinja ({message})"


def _undefined_error(error: jinja2.UndefinedError) -> TemplateError:
    message = str(error.message or "")
    match = _NO_ATTRIBUTE.search(message) or _UNDEFINED.search(message)
    name = match.group(1) if match else message
    return TemplateError(f"Mẫu báo cáo dùng trường không có: “{name}”.", name)
