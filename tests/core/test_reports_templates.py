"""The office's own DOCX template: its placeholders are filled from the report, and a fault
in it (unknown placeholder, bad tag, not a DOCX) is a Vietnamese message naming the
placeholder, never a traceback."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from docx import Document

from dti.reports.templates import TemplateError, render_template, template_context
from tests.core.reports import report
from tests.core.seeds import BINHPHUOC


def template(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        word = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(word.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filled(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def test_placeholders_are_filled_with_the_reports_statements():
    source = template(
        "{{ parent_body }} — {{ number }} — {{ place_date }}",
        "{% for level in levels %}",
        "{{ level.name }}: {{ level.class_sentences[0] }}",
        "{% endfor %}",
    )
    text = [p.text for p in filled(render_template(source, report(BINHPHUOC))).paragraphs]
    assert "UBND TỈNH BÌNH PHƯỚC — Số: ……/BC-…… — Bình Phước, ngày …… tháng …… năm ……" in text
    assert (
        "Sở, ban, ngành: Nhóm đạt mức Tốt 05 đơn vị: Sở Kế hoạch và Đầu tư, Văn phòng UBND tỉnh, "
        "Sở Công thương, Sở Thông tin và Truyền thông, Sở Nội vụ."
    ) in text


def test_table_rows_repeat_over_an_appendix_and_charts_are_images():
    source = template(
        "{{ levels[0].chart_classes }}",
        table=[
            ["{%tr for row in appendices[0].tables[0].rows %}", ""],
            ["{{ row[1] }}", "{{ row[-4] }}"],
            ["{%tr endfor %}", ""],
        ],
    )
    document = filled(render_template(source, report(BINHPHUOC)))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Sở Kế hoạch và Đầu tư", "576,16"]
    assert len(rows) == 23
    assert len(document.inline_shapes) == 1


def test_values_are_escaped_for_word():
    built = replace(
        report(BINHPHUOC), header=replace(report(BINHPHUOC).header, issuing_body="SỞ TT&TT <BP>")
    )
    document = filled(render_template(template("{{ issuing_body }}"), built))
    assert document.paragraphs[0].text == "SỞ TT&TT <BP>"


@pytest.mark.parametrize(
    ("paragraphs", "placeholder", "message"),
    [
        (
            ["{{ nguoi_ky }}"],
            "nguoi_ky",
            "Mẫu báo cáo dùng trường không có: “nguoi_ky”. Các trường có sẵn: appendices,",
        ),
        (
            ["{% for level in levels %}{{ level.nmae }}{% endfor %}"],
            "nmae",
            "Mẫu báo cáo dùng trường không có: “nmae”.",
        ),
        (
            ["Kính gửi {{ parent_body }", "x"],
            "{{ parent_body",
            "sai cú pháp ở thẻ “{{ parent_body” trong đoạn “Kính gửi {{ parent_body }”",
        ),
        (
            ["{% for level in levels %}", "{{ level.name }}"],
            "{% for level in levels %}",
            "thiếu thẻ đóng",
        ),
        (["{% lap level in levels %}"], "{% lap level in levels %}", "thẻ “lap” không hợp lệ"),
        (["{% endif %}"], "{% endif %}", "sai cú pháp ở thẻ “{% endif %}”"),
    ],
)
def test_a_template_error_names_the_placeholder_in_vietnamese(paragraphs, placeholder, message):
    with pytest.raises(TemplateError) as error:
        render_template(template(*paragraphs), report(BINHPHUOC))
    assert error.value.placeholder == placeholder
    assert message in str(error.value)
    assert "Traceback" not in str(error.value)


def test_a_file_that_is_not_a_docx_is_refused():
    with pytest.raises(TemplateError, match="không phải tệp Word"):
        render_template(b"%PDF-1.7 not a template", report(BINHPHUOC))


def test_a_runtime_fault_in_an_expression_is_a_template_error():
    with pytest.raises(TemplateError, match="Mẫu báo cáo lỗi khi điền dữ liệu"):
        render_template(template("{{ levels + 1 }}"), report(BINHPHUOC))


def test_every_documented_placeholder_exists():
    from tests.conftest import REPO

    doc = (REPO / "docs/reports.md").read_text(encoding="utf-8")
    context = template_context(report(BINHPHUOC))
    for name in context:
        assert f"`{name}`" in doc, f"placeholder {name} is not in docs/reports.md"
    for name in context["levels"][0]:
        assert f"`{name}`" in doc, f"placeholder level.{name} is not in docs/reports.md"
