"""`dti audit CAMPAIGN REPORT...`: a published report (DOCX, PDF, XLSX, HTML, markdown or
text, a folder of loose tables, or table files as before) checked whole: every table found
and recognised, and every sentence the tables can confirm.

Exit status 1 when anything is found, 0 when the report is consistent, 2 when a file cannot
be read (and nothing is reported then)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from dti.audit.aliases import AliasError, accept_alias, parse_acceptance
from dti.audit.document import DocumentAudit, audit_documents
from dti.audit.outputs import to_html, to_xlsx
from dti.audit.recognise import CAPTION_PARAGRAPHS
from dti.campaign import Campaign, load_campaign
from dti.columns import InputError
from dti.documents import DocumentReadError, read_document
from dti.framework.documents import DocumentError
from dti.tables.model import TableError
from dti.tables.reader import TableReadError

_ERRORS = (
    AliasError,
    DocumentError,
    DocumentReadError,
    TableReadError,
    TableError,
    InputError,
    KeyError,
)


@click.command("audit")
@click.argument(
    "campaign_file",
    metavar="CAMPAIGN",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.argument(
    "reports",
    metavar="REPORT...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
)
@click.option("--level", help="Level code for tables the campaign file does not list.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html", "xlsx"]),
    default="text",
    show_default=True,
)
@click.option(
    "--accept-alias",
    "aliases",
    metavar="PRINTED=UNIT",
    multiple=True,
    help="Accept a name the report prints as a unit's alias, written into CAMPAIGN; repeat.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the findings here (required with --format xlsx).",
)
def audit_command(
    campaign_file: Path,
    reports: Sequence[Path],
    level: str | None,
    fmt: str,
    aliases: Sequence[str],
    out: Path | None,
) -> None:
    """Check a published REPORT whole, or its TABLE files: sums, maxima, ranks, order,
    ratios, classes, the same value across tables, and the narrative's statements (class
    counts and lists, unit counts, averages, thresholds, leaders, years, maxima).

    Exit status 1 when anything is found, 0 when the report is consistent."""
    if fmt == "xlsx" and out is None:
        raise click.UsageError("--format xlsx cần --out FILE")
    try:
        campaign = load_campaign(campaign_file)
        for text in aliases:
            printed, unit = parse_acceptance(text)
            campaign = accept_alias(campaign_file, campaign, printed, unit)
            click.echo(f"Đã ghi “{printed}” là tên khác của {unit} vào {campaign_file}", err=True)
        result = audit_documents(campaign, [read_document(p) for p in reports], level)
        _refuse_unreadable_table_files(result)
    except _ERRORS as error:
        message = error.args[0] if isinstance(error, KeyError) else str(error)
        click.echo(f"Lỗi: {message}", err=True)
        sys.exit(2)
    try:
        _emit(campaign, result, fmt, out)
    except OSError as error:
        click.echo(f"Lỗi: không ghi được {out}: {error.strerror or error}", err=True)
        sys.exit(2)
    sys.exit(1 if result.findings else 0)


def _refuse_unreadable_table_files(result: DocumentAudit) -> None:
    """A file that is one table (with at most its caption) and cannot be read is an error,
    as it always was: there is nothing else in it to audit. A report with a narrative and
    one table is audited, the table an `unread` finding."""
    for document in result.documents:
        paragraphs = len(document.blocks) - len(document.tables)
        if len(document.tables) != 1 or paragraphs > CAPTION_PARAGRAPHS:
            continue
        found = next(t for t in result.tables if t.block.where == document.tables[0].where)
        if found.kind == "unknown":
            raise DocumentReadError("\n".join(found.problems), source=document.source)


def _emit(campaign: Campaign, result: DocumentAudit, fmt: str, out: Path | None) -> None:
    if fmt == "xlsx":
        assert out is not None
        to_xlsx(campaign, result, out)
        click.echo(f"Đã ghi {out}", err=True)
        return
    if fmt == "html":
        text = to_html(campaign, result)
    elif fmt == "json":
        text = json.dumps([f.as_dict() for f in result.findings], ensure_ascii=False, indent=2)
    else:
        text = _text(campaign, result)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")


def _text(campaign: Campaign, result: DocumentAudit) -> str:
    lines = [str(f) for f in result.findings]
    names = {u.name for level in campaign.levels.values() for u in level.units}
    accept = [  # only where one unit is suggested: a choice is the office's to make
        f'--accept-alias "{f.published}={f.expected}"'
        for f in result.findings
        if f.kind == "unknown_unit" and f.expected in names
    ]
    if accept:
        lines.append("Nếu đó là cùng một đơn vị, chạy lại với: " + " ".join(dict.fromkeys(accept)))
    tables = len(result.tables)
    if any(len(d.tables) != 1 for d in result.documents):
        lines.append("")
        lines.append("Các bảng trong báo cáo:")
        lines += [f"  {t.label}: {t.describe(campaign)}" for t in result.tables]
        if result.checked:
            lines.append(f"{len(result.checked)} câu đã đối chiếu với các bảng.")
    lines.append(
        f"{len(result.findings)} sai lệch trong {tables} bảng."
        if result.findings
        else f"Không có sai lệch trong {tables} bảng."
    )
    return "\n".join(lines)
