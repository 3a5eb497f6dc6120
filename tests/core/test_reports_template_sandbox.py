"""An office's report template is hostile until checked: it may read the report's fields and
nothing else, and it may not take the server down (docs/security.md). Each payload below is a
classic escape from Jinja or a resource bomb; on an ordinary `jinja2.Environment` the first
ones run commands on the server."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from dti.reports.confinement import ConfinementError, Limits, run_confined
from dti.reports.templates import TemplateError, render_template
from tests.core.reports import report
from tests.core.seeds import BINHPHUOC
from tests.core.test_reports_templates import filled, template

QUICK = Limits(seconds=5, memory_bytes=256 * 1024 * 1024)


def escapes(marker: Path) -> list[str]:
    """Expressions that reach Python's internals; the command ones would create `marker`."""
    command = f"touch {marker}"
    return [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        f"{{{{ cycler.__init__.__globals__.os.popen('{command}').read() }}}}",
        f"{{{{ joiner.__init__.__globals__['os'].popen('{command}').read() }}}}",
        f"{{{{ lipsum.__globals__['os'].popen('{command}').read() }}}}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ range.__self__ }}",
        "{{ self.__init__.__globals__ }}",
        "{{ levels.__class__.__base__.__subclasses__() }}",
        "{{ levels|attr('__class__') }}",
        "{{ levels['__class__'] }}",
        "{% for x in levels|map(attribute='__class__') %}{{ x }}{% endfor %}",
        "{{ '{0.__class__}'.format(levels) }}",
        "{{ year.__class__.__mro__ }}",
        "{{ levels[0].items.__self__ }}",
        "{% if false %}{{ ''.__class__ }}{% endif %}",  # a branch that never runs
    ]


def test_every_classic_escape_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    for payload in escapes(marker):
        with pytest.raises(TemplateError) as error:
            render_template(template(payload), report(BINHPHUOC), charts=False, limits=QUICK)
        assert "Traceback" not in str(error.value), payload
        assert "Mẫu báo cáo" in str(error.value), payload
    assert not marker.exists()


def test_an_escape_names_what_is_not_a_field():
    with pytest.raises(TemplateError) as error:
        render_template(template("Số {{ levels.__class__ }}"), report(BINHPHUOC), charts=False)
    assert error.value.placeholder == "__class__"
    assert "“__class__”" in str(error.value)
    assert "thẻ “{{ levels.__class__ }}”" in str(error.value)


def test_a_name_built_at_run_time_is_stopped_by_the_sandbox(tmp_path):
    payload = "{% set k = '__cla' ~ 'ss__' %}{{ levels[k] }}"
    with pytest.raises(TemplateError) as error:
        render_template(template(payload), report(BINHPHUOC), charts=False, limits=QUICK)
    assert str(error.value) == (
        "Mẫu báo cáo dùng thao tác không được phép: access to attribute '__class__' of 'list' "
        "object is unsafe."
    )


def with_header_and_title(body: str, header: str = "", title: str = "") -> bytes:
    document = Document()
    document.add_paragraph(body)
    document.sections[0].header.paragraphs[0].text = header
    document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("header", "title", "where"),
    [
        ("{{ cycler.__init__.__globals__ }}", "", "cycler"),
        ("", "{{ levels.__class__ }}", "__class__"),
    ],
    ids=["header", "document-title"],
)
def test_headers_and_document_properties_are_checked_too(header, title, where):
    source = with_header_and_title("{{ year }}", header=header, title=title)
    with pytest.raises(TemplateError, match=where):
        render_template(source, report(BINHPHUOC), charts=False, limits=QUICK)


@pytest.mark.parametrize(
    "payload",
    [
        "{% for i in range(10**9) %}{% endfor %}",
        "{{ 'a' * 10**9 }}",
        "{{ [1] * 10**8 }}",
        "{{ 2 ** 10000000 }}",
    ],
    ids=["range-bomb", "string-bomb", "list-bomb", "power-bomb"],
)
def test_bombs_the_sandbox_bounds_are_refused_at_once(payload):
    started = time.monotonic()
    with pytest.raises(TemplateError, match="không được phép"):
        render_template(template(payload), report(BINHPHUOC), charts=False, limits=QUICK)
    assert time.monotonic() - started < QUICK.seconds


@pytest.mark.parametrize(
    "payload",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% set s = 'x' * 1000000 %}{% for i in range(100000) %}{{ s }}{% endfor %}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    ],
    ids=["huge-loop", "huge-output", "endless-recursion"],
)
def test_a_template_that_would_exhaust_the_server_is_stopped_by_its_limits(payload):
    limits = Limits(seconds=3, memory_bytes=200 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(TemplateError, match="vượt giới hạn"):
        render_template(template(payload), report(BINHPHUOC), charts=False, limits=limits)
    assert time.monotonic() - started < limits.seconds + 5


def test_a_template_that_unpacks_to_a_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template("{{ year }}"))) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in source.infolist():
            bomb.writestr(entry, source.read(entry))
        bomb.writestr("word/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(TemplateError, match="giải nén ra quá lớn"):
        render_template(buffer.getvalue(), report(BINHPHUOC), charts=False)


def test_what_a_template_may_do_still_works():
    source = template(
        "{% for level in levels %}{{ loop.index }}. {{ level.name|upper }} "
        "({{ level.unit_count * 2 }}, {{ 2 ** 3 }}){% endfor %}",
        "{% for line in levels[0].top %}{{ line['name'] }};{% endfor %}",
        "{{ levels|map(attribute='name')|join(', ') }}",
    )
    text = [p.text for p in filled(render_template(source, report(BINHPHUOC))).paragraphs]
    assert text[0].startswith("1. SỞ, BAN, NGÀNH (46, 8)")
    assert text[1].startswith("Sở Kế hoạch và Đầu tư;")


def chart_escape(marker: Path) -> str:
    """A name built while rendering reaches a chart's image, its document, and the
    document's own `render`, which runs a template outside the sandbox."""
    return (
        '{% set k = "t"~"pl" %}{% set ci = "chart_"~"indices" %}{% set rn = "ren"~"der" %}'
        '{% set a = "__in"~"it__" %}{% set g = "__glo"~"bals__" %}{% set bi = "__buil"~"tins__" %}'
        '{% set im = "__imp"~"ort__" %}{% set po = "po"~"pen" %}{% set rd = "re"~"ad" %}'
        "{% for lv in levels %}{% if lv is mapping %}{% if lv[ci] and loop.first %}"
        '{{ lv[ci][k][rn]({"levels": [lv[ci]]}) }}{% endif %}{% else %}'
        f'{{{{ lv[a][g][bi][im]("os")[po]("touch {marker}")[rd]() }}}}'
        "{% endif %}{% endfor %}"
    )


@pytest.mark.parametrize(
    "payload",
    [
        '{% for lv in levels %}{{ lv["chart_"~"indices"]["t"~"pl"] }}{% endfor %}',
        "{% set n = 'tpl' %}{{ levels[0].chart_indices|attr(n) }}",
        "{% set n = 'replace_' ~ 'zipname' %}{{ levels[0].chart_classes|attr(n) }}",
        "{% set n = 'for' ~ 'mat' %}{{ 'x'|attr(n) }}",
    ],
    ids=["item-built-at-run-time", "attr-filter", "document-method", "text-method"],
)
def test_no_attribute_of_an_object_is_reachable_however_its_name_is_built(payload):
    with pytest.raises(TemplateError, match="Mẫu báo cáo dùng"):
        render_template(template(payload), report(BINHPHUOC), limits=QUICK)


def test_a_chart_image_does_not_lead_to_the_document_and_its_unsandboxed_render(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(TemplateError, match="Mẫu báo cáo dùng"):
        render_template(template(chart_escape(marker)), report(BINHPHUOC), limits=QUICK)
    assert not marker.exists()


def test_the_rendering_child_may_not_write_a_file(tmp_path):
    target = tmp_path / "written"

    def write() -> bytes:
        target.write_bytes(b"x")
        return b"ok"

    with pytest.raises(ConfinementError):
        run_confined(write, QUICK)
    assert not target.exists() or target.stat().st_size == 0
