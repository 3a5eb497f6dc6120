"""Importing a level's results from the whole published report (DOCX, PDF, HTML, markdown or
text with its tables, an XLSX of several sheets) instead of its ranking table alone.

Which path a file takes is decided by what it holds (`report_document`): a file the core's
document reader finds one table in, and that is not a DOCX, PDF or HTML file (a TSV, a CSV,
a one-sheet XLSX), is a table file and is read as before (`portal.campaigns.historic`, with
its messages unchanged); so is a file the document reader cannot read at all, whose message
then follows the table reader's. Anything else is a report: the core audits it whole
(`dti.audit.document`) with the one level being imported, and the level's general ranking
(the first, if the report prints it twice) is imported exactly as a table file would be. A
report without one is refused, naming every table found and what it was taken for.

What is kept of the audit (`CampaignLevel.published_findings`, shown on the campaign's page
and, once published, on the public methodology page) is what the office would correct in
its report for this level:

- every finding on this level's tables (general ranking, peer groups, main indices, and
  across them) and on its sentences (a year, a number of indices, a class list, an
  average …), each with where it is and the row or sentence as printed;
- not the tables the portal could not read ("unread"): knowing one level, these are the
  other levels' rankings (their units are not this level's) or tables of something else
  (dates, criteria). That the portal could not read them is nothing wrong in the report;
  their number is in the import's note.
- not the findings of a sentence that names a unit of another level of the province (that
  level's class lists): knowing only this level's units, the audit would report its names
  as unknown units and its counts as wrong. Importing the other level from the same report
  checks those sentences there.

A sentence about another level that names no unit (an average, a threshold) is still
checked against this level's tables; the office reads the findings on the campaign's page
before it publishes. Findings about the report as a whole (the year it compares with) are
kept with each level imported from it.

Every unit of the level must carry the attributes the framework's conditions read (not
only the units the general ranking names): the peer groups and the maxima the sentences
state are worked out for the whole level."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from dti.audit.document import DocumentAudit, audit_documents
from dti.audit.findings import Finding
from dti.audit.recognise import FoundTable
from dti.audit.sentences import split_names
from dti.campaign import Campaign as CoreCampaign
from dti.campaign import condition_names
from dti.columns import InputError
from dti.documents import Document, DocumentReadError, read_document_bytes
from dti.documents.model import MAX_DOCUMENT_BYTES
from dti.names import NameIndex
from dti.tables.model import PublishedTable
from portal.accounts.models import Province
from portal.units.models import Unit

REPORT_KINDS = ("docx", "pdf", "html")  # a report whatever it holds
SHOWN_PROBLEMS = 3  # of a table that could not be read, in the refusal


@dataclass(frozen=True)
class Report:
    table: PublishedTable  # the level's general ranking, as a table file would give it
    findings: list[dict[str, object]]
    source_table: str  # "bao-cao.docx, PHỤ LỤC I": where the results come from
    note: str  # what was checked, for the import's event


def report_document(data: bytes, file_name: str) -> tuple[Document | None, str | None]:
    """The report in `data`, or None for a table file; with the document reader's message
    when it could not read the file (added to the table reader's, if that fails too)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        return None, None  # the table reader refuses it, as it always has
    try:
        document = read_document_bytes(data, source=file_name)
    except DocumentReadError as error:
        return None, str(error)
    if document.kind in REPORT_KINDS or len(document.tables) > 1:
        return document, None
    return None, None


def audit_report(document: Document, core: CoreCampaign, level: str, province: Province) -> Report:
    """The report audited whole against `core` (one level); ValidationError when the level's
    units cannot be checked or the report has no general ranking of the level."""
    _check_level_attributes(core, level, document.source)
    try:
        result = audit_documents(core, [document], level)
    except InputError as error:
        names = {u.id: u.name for u in core.level(level).units}
        raise ValidationError(
            [
                f"{document.source}: đơn vị “{names.get(p.unit, p.unit)}”, {p.code}: {p.message}"
                for p in error.problems
            ]
        ) from error
    general = result.general_table(level)
    if general is None or general.published is None:
        raise ValidationError(_no_general_ranking(result, core, level))
    # A report of one table names it by the file (dti.audit.recognise), else its caption
    # ("PHỤ LỤC I") or its place ("bảng 3").
    named = general.label != document.source
    read = sum(1 for t in result.tables if t.kind != "unknown")
    sentences = len({(c.sentence.where, c.sentence.text) for c in result.checked})
    return Report(
        table=general.published,
        findings=[f.as_dict() for f in _kept(result.findings, general, province, level)],
        source_table=(f"{document.source}, {general.label}" if named else document.source)[:200],
        note=(f"; {general.label}" if named else "")
        + f"; đã kiểm tra {read} trong {len(result.tables)} bảng và {sentences} câu",
    )


def _check_level_attributes(core: CoreCampaign, level: str, source: str) -> None:
    core_level = core.level(level)
    needed = condition_names(core_level.framework)
    problems = []
    for unit in core_level.units:
        missing = sorted(needed - set(unit.attributes))
        if missing:
            problems.append(
                f"{source}: đơn vị “{unit.name}” thiếu thuộc tính {', '.join(missing)} (bộ chỉ "
                "số cần để tính điểm tối đa áp dụng; kiểm tra cả báo cáo cần thuộc tính của "
                "mọi đơn vị trong khối)."
            )
    if problems:
        raise ValidationError(problems)


def _no_general_ranking(result: DocumentAudit, core: CoreCampaign, level: str) -> str:
    found = "; ".join(f"{t.label} ({_what(t, core)})" for t in result.tables)
    source = result.documents[0].source
    return (
        f"{source}: báo cáo không có bảng xếp hạng chung của khối “{core.level(level).name}”; "
        + (f"các bảng tìm thấy: {found}." if found else "không tìm thấy bảng nào.")
    )


def _what(table: FoundTable, core: CoreCampaign) -> str:
    if table.kind != "unknown":
        return table.describe(core)
    shown = "; ".join(table.problems_said[:SHOWN_PROBLEMS])
    more = len(table.problems) - SHOWN_PROBLEMS
    return f"không nhận ra: {shown}" + (f"; và {more} lỗi khác" if more > 0 else "")


def _kept(
    findings: tuple[Finding, ...], general: FoundTable, province: Province, level: str
) -> list[Finding]:
    """The findings an office would correct for this level (the module's docstring)."""
    unknown = [f for f in findings if f.kind == "unknown_unit" and f.published]
    other = _other_levels(province, level) if unknown else None
    elsewhere = {
        (f.location, f.context)
        for f in unknown
        if other is not None and _names(other, f.published or "")
    }
    return [
        f
        for f in findings
        if not (f.kind == "unread" and f.table != general.label)
        and (f.row is not None or (f.location, f.context) not in elsewhere)
    ]


def _other_levels(province: Province, level: str) -> NameIndex:
    units = Unit.objects.filter(province=province).exclude(level=level)
    return NameIndex.build((u.code, u.name, u.aliases or ()) for u in units)


def _names(index: NameIndex, printed: str) -> bool:
    """Whether `printed` (one name, or names the audit read as one unknown run of a list)
    names units of `index` only, as the narrative reads names ("tỉnh" after an agency's
    name optional)."""

    def find(text: str) -> str | None:
        text = text.strip(" .:;()\"“”'")
        forms = (text, re.sub(r"\s+tỉnh$", "", text, flags=re.I))
        return next((unit for t in forms if (unit := index.find(t))), None)

    return all(unit is not None for _, unit in split_names(printed, find))
