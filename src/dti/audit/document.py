"""Auditing a whole published report: every table it holds, recognised and checked as
`dti audit` checks table files, and every sentence that states something the tables can
confirm. One call for the CLI and the portal's import of a published report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from dti.audit import audit
from dti.audit.composed import composed_tables
from dti.audit.findings import Finding
from dti.audit.maxima import maxima_findings
from dti.audit.narrative import narrative_findings
from dti.audit.recognise import FoundTable, recognise, row_number
from dti.audit.sentences import Checked, Context, sentences
from dti.audit.summary import summary_findings
from dti.campaign import Campaign
from dti.documents.model import Document


@dataclass(frozen=True)
class DocumentAudit:
    documents: tuple[Document, ...]
    tables: tuple[FoundTable, ...]
    findings: tuple[Finding, ...]
    checked: tuple[Checked, ...] = ()

    def general_table(self, level: str) -> FoundTable | None:
        """The level's general ranking, for importing the report's results."""
        return next((t for t in self.tables if t.kind == "general" and t.level == level), None)


def audit_documents(
    campaign: Campaign, documents: Sequence[Document], level: str | None = None
) -> DocumentAudit:
    tables: list[FoundTable] = []
    for document in documents:
        tables += recognise(campaign, document, level)
    tables = _unique_labels(tables)
    findings = [_unread(t) for t in tables if t.kind == "unknown"]
    by_label = {t.label: t for t in tables}
    published = [t.published for t in tables if t.published is not None]
    table_findings = [_placed(f, by_label.get(f.table)) for f in audit(campaign, published)]
    findings += table_findings
    composed, missing = composed_tables(campaign, tables)
    findings += missing
    context = Context(campaign, [*tables, *composed])
    findings += summary_findings(context, tables)
    for document in documents:
        said = sentences(document)
        findings += narrative_findings(context, said)
        findings += maxima_findings(context, said)
    return DocumentAudit(
        tuple(documents), (*tables, *composed), tuple(findings), tuple(context.checked)
    )


def _unique_labels(tables: list[FoundTable]) -> list[FoundTable]:
    """Two tables captioned alike ("bảng 2" in two files) get "(2)" after the second."""
    seen: dict[str, int] = {}
    out = []
    for table in tables:
        seen[table.label] = seen.get(table.label, 0) + 1
        if seen[table.label] > 1:
            label = f"{table.label} ({seen[table.label]})"
            published = table.published and replace(table.published, source=label)
            table = replace(table, label=label, published=published)
        out.append(table)
    return out


def _unread(table: FoundTable) -> Finding:
    where = table.block.where
    return Finding(
        kind="unread",
        table=table.label,
        row=None,
        unit=None,
        column=None,
        published=None,
        expected=None,
        message="không đọc được bảng: " + "; ".join(table.problems_said),
        location=f"{where.source}, {where.describe()}",
        context=" | ".join(table.block.rows[0]) if table.block.rows else None,
    )


def _placed(finding: Finding, table: FoundTable | None) -> Finding:
    """A table's finding with where the table is and the row as printed, its wrong cell marked."""
    if table is None:
        return finding
    where = table.block.where
    location = f"{where.source}, {where.describe()}"
    if finding.row is None:
        return replace(finding, location=location)
    numbers = [row_number(table.block, i) for i in range(len(table.block.rows))]
    if finding.row not in numbers:
        return replace(finding, location=location)
    cells = table.block.rows[numbers.index(finding.row)]
    header = _header(table)
    mark = None
    if finding.column is not None and finding.column in header:
        column = header.index(finding.column)
        mark = cells[column] if column < len(cells) else None
    return replace(
        finding,
        location=f"{location}, dòng {finding.row}",
        context=" | ".join(cells),
        mark=mark or None,
    )


def _header(table: FoundTable) -> list[str]:
    assert table.published is not None
    width = max((c.position for c in table.published.columns), default=-1) + 1
    header = [""] * width
    for column in table.published.columns:
        header[column.position] = column.header
    return header
