"""The placeholders an office's report template may use: the report as plain values.

docs/reports.md lists them; `tests/core/test_reports_templates.py` checks the list.
"""

from __future__ import annotations

import io
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage  # no stubs

from dti.reports import charts as chart
from dti.reports import statements as say
from dti.reports.model import (
    Appendix,
    ClassCount,
    GroupSummary,
    IndexSummary,
    LevelReport,
    RankedLine,
    Report,
)
from dti.reports.numbers import count_text, percent_text, points_text


def template_context(report: Report, document: DocxTemplate | None = None) -> dict[str, Any]:
    """The report as plain values for a template; charts need the template `document`."""
    header = report.header
    return {
        "province": report.province,
        "year": report.year,
        "title": report.title,
        "source": report.source,
        "parent_body": header.parent_body,
        "issuing_body": header.issuing_body,
        "number": header.number,
        "place_date": header.place_date,
        "legal_bases": list(report.legal_bases),
        "purpose": list(report.purpose),
        "method": list(report.method),
        "process": list(report.process),
        "general_remarks": list(report.general_remarks),
        "recommendations": list(report.recommendations),
        "recipients": list(report.recipients),
        "signer_title": report.signer_title,
        "signer_name": report.signer_name,
        "levels": [_level(level, document) for level in report.levels],
        "commendation_sentences": [say.commendation_sentence(lv) for lv in report.levels],
        "appendices": [_appendix(appendix) for appendix in report.appendices],
        "unassessed": [
            {
                "name": level.name,
                "heading": say.unassessed_heading(level, report.year),
                "sentence": say.unassessed_sentence(level, report.year),
            }
            for level in report.unassessed
        ],
    }


def _level(level: LevelReport, document: DocxTemplate | None) -> dict[str, Any]:
    average = level.average
    return {
        "code": level.code,
        "name": level.name,
        "unit_count": level.unit_count,
        "framework_name": level.framework_name,
        "framework_source": level.framework_source,
        "framework_max": points_text(level.framework_max),
        "intro": say.level_intro(level),
        "method": say.method_sentence(level),
        "ranking_text": level.ranking_text,
        "class_text": level.class_text,
        "classes": [_class(item) for item in level.classes],
        "class_sentences": say.class_sentences(level.classes),
        "groups": [_group(group) for group in level.groups],
        "indices": [_index(index) for index in level.indices],
        "top": [_line(line) for line in level.top],
        "bottom": [_line(line) for line in level.bottom],
        "top_sentence": say.top_sentence(level),
        "bottom_sentence": say.bottom_sentence(level),
        "average": average.text,
        "average_sentence": say.average_sentence(level),
        "commendations": [line.name for line in level.commendations],
        "commendation_basis": level.commendation_basis,
        "commendation_sentence": say.commendation_sentence(level),
        "appendices": [appendix.label for appendix in level.appendices],
        **_charts(level, document),
    }


def _group(group: GroupSummary) -> dict[str, Any]:
    return {
        "name": group.name,
        "size": group.size,
        "intro": say.group_intro(group),
        "appendix": group.appendix,
        "classes": [_class(item) for item in group.classes],
        "class_sentences": say.class_sentences(group.classes),
    }


def _class(item: ClassCount) -> dict[str, Any]:
    return {
        "label": item.label,
        "count": item.count,
        "count_text": count_text(item.count),
        "share": percent_text(item.share, trim=True),
        "units": [line.name for line in item.units],
        "sentence": say.class_sentence(item),
    }


def _index(index: IndexSummary) -> dict[str, Any]:
    return {
        "name": index.name,
        "applicable": index.applicable,
        "reached": index.reached,
        "reached_percent": percent_text(index.reached_percent, trim=True),
        "below_percent": percent_text(index.below_percent, trim=True),
        "average_percent": percent_text(index.average_percent, trim=True),
        "sentence": say.index_sentence(index),
        "remark": index.remark,
        "parts": [
            {"depth": depth, "sentence": sentence} for depth, sentence in say.part_sentences(index)
        ],
    }


def _line(line: RankedLine) -> dict[str, Any]:
    return {"rank": line.rank, "name": line.name, "value": line.text, "class": line.class_label}


def _appendix(appendix: Appendix) -> dict[str, Any]:
    return {
        "label": appendix.label,
        "title": appendix.title,
        "tables": [
            {
                "title": t.title,
                "note": t.note,
                "headers": [column.header for column in t.columns],
                "max_row": [cell.text for cell in t.max_row] if t.max_row else [],
                "rows": [[cell.text for cell in row] for row in t.rows],
                "sections": [{"row": row, "title": title} for row, title in t.sections],
            }
            for t in appendix.tables
        ],
    }


class ChartImage:
    """A chart as a template prints it, and nothing more: docxtpl's InlineImage holds the
    whole document (whose `render` would run a template outside the sandbox), so it is kept
    out of the template's reach behind a name the sandbox refuses."""

    __slots__ = ("_image",)

    def __init__(self, image: InlineImage):
        self._image = image

    def __str__(self) -> str:
        return str(self._image)

    def __html__(self) -> str:  # autoescape: the image's WordprocessingML as it is
        return str(self._image)


def _charts(level: LevelReport, document: DocxTemplate | None) -> dict[str, Any]:
    """The level's charts as ChartImages; empty strings when rendering without charts."""
    if document is None:
        return {"chart_classes": "", "chart_indices": ""}
    classes = chart.class_distribution(level.classes, f"Xếp loại khối {level.name}")
    indices = chart.index_averages(level.indices, f"Tỷ lệ điểm bình quân — khối {level.name}")
    return {
        "chart_classes": ChartImage(InlineImage(document, io.BytesIO(classes), width=Mm(150)))
        if level.classes
        else "",
        "chart_indices": ChartImage(InlineImage(document, io.BytesIO(indices), width=Mm(150))),
    }
