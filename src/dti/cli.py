"""The `dti` command: validate and show frameworks, score and audit published tables, and
write the official report.

Errors in the user's input (a bad framework file, an unreadable table, a unit that cannot
be matched) are printed in Vietnamese and exit with status 2; `dti audit` exits 1 when it
finds inconsistencies. Run `dti --help` or `dti COMMAND --help`. The portal's audit trail
is checked by the portal itself, `python manage.py audit_log_verify`: `dti` needs no
database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.tree import Tree

from dti import __version__
from dti.audit.command import audit_command
from dti.campaign import Campaign, load_campaign
from dti.columns import InputError
from dti.framework.describe import describe_node
from dti.framework.documents import DocumentError, load_yaml
from dti.framework.loader import load_framework_file
from dti.framework.model import Framework, Node
from dti.output import print_table, ranked_units, to_csv, to_json, to_xlsx
from dti.reports.charts import ChartError
from dti.reports.data import build_report
from dti.reports.direct_pdf import render_pdf
from dti.reports.docx import render_docx
from dti.reports.model import PreviousResults
from dti.reports.pdf import PdfError, convert_to_pdf
from dti.reports.sources import ReportSourceError, results_from_tables
from dti.reports.templates import TemplateError, render_template
from dti.reports.texts import load_texts
from dti.reports.xlsx import render_xlsx
from dti.reproduce import reproduce
from dti.signatures.cli import signature
from dti.tables.model import PublishedTable, TableError
from dti.tables.published import interpret
from dti.tables.reader import TableReadError, read_table

F = TypeVar("F", bound=Callable[..., Any])
USER_ERRORS = (DocumentError, TableReadError, TableError, InputError, KeyError)


def user_errors(function: F) -> F:
    """Input problems become a clear message and exit status 2, never a traceback."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except USER_ERRORS as error:
            message = error.args[0] if isinstance(error, KeyError) else str(error)
            click.echo(f"Lỗi: {message}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]  # wraps() keeps F's signature


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Nhật ký thay đổi của cổng thông tin (the portal's audit trail) được kiểm tra bằng "
    "`python manage.py audit_log_verify` của cổng, không phải bằng `dti`.",
)
@click.version_option(__version__, prog_name="dti")
def main() -> None:
    """DTI: đánh giá, xếp hạng chuyển đổi số. Digital Transformation Index scoring."""


@main.group()
def framework() -> None:
    """Bộ chỉ số: kiểm tra và xem (framework files)."""


@framework.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@user_errors
def framework_validate(file: Path) -> None:
    """Check a framework or campaign FILE; list every problem with its path in the tree."""
    frameworks = _frameworks(file)
    for label, item in frameworks:
        click.echo(
            f"Hợp lệ: {label}{item.name} — {len(item.all_nodes)} tiêu chí, tối đa {item.max} điểm"
        )


@framework.command("show")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", help="Only this level of a campaign file.")
@user_errors
def framework_show(file: Path, level: str | None) -> None:
    """Print the tree of FILE with max points, scoring rules and applicability."""
    console = Console()
    for label, item in _frameworks(file):
        if level is not None and not label.startswith(f"{level}: "):
            continue
        tree = Tree(f"[bold]{escape(label + item.name)}[/bold] — tối đa {item.max} điểm")
        for root in item.nodes:
            _branch(tree, root)
        console.print(tree)


def _branch(tree: Tree, node: Node) -> None:
    branch = tree.add(escape(describe_node(node)))
    for child in node.children:
        _branch(branch, child)


def _frameworks(file: Path) -> list[tuple[str, Framework]]:
    document = load_yaml(file)
    if isinstance(document, dict) and document.get("kind") == "campaign":
        campaign = load_campaign(file)
        return [(f"{code}: ", level.framework) for code, level in campaign.levels.items()]
    return [("", load_framework_file(file))]


def _table(
    campaign: Campaign, path: Path, level: str | None, **options: str | None
) -> PublishedTable:
    return interpret(read_table(path), campaign, level=level, **options)


@main.command()
@click.argument(
    "campaign_file",
    metavar="CAMPAIGN",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.argument(
    "table_file", metavar="TABLE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--level", help="Level code (e.g. so, huyen, xa); guessed from the units if omitted.")
@click.option("--group", help="Rank within this peer group of the level's framework.")
@click.option("--index", "index", help="The table is the ranking of this main index.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
    help="Output format; xlsx needs --out.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@user_errors
def score(
    campaign_file: Path,
    table_file: Path,
    level: str | None,
    group: str | None,
    index: str | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Compute the ranking from the component scores printed in TABLE."""
    campaign = load_campaign(campaign_file)
    table = _table(campaign, table_file, level, group=group, index=index)
    repro = reproduce(table, campaign)
    if repro.problems:
        problems = "\n".join(f"  {p}" for p in repro.problems)
        click.echo(f"Lỗi: {table.source}: điểm không hợp lệ:\n{problems}", err=True)
        click.echo("Dùng `dti audit` để xem mọi sai lệch của bảng.", err=True)
        sys.exit(2)
    names = {u.id: u.name for u in repro.level.units}
    rows = ranked_units(repro.ranking, repro.result.scores.unit_ids, names)
    title = (
        f"{campaign.province} {campaign.year} — {repro.level.name} — {table.title or table.source}"
    )
    _emit(
        rows,
        fmt,
        out,
        title,
        _meta(campaign, table, repro.ranking.key),
        percent=repro.ranking.policy.comparability.value != "national_weighted",
    )


def _meta(campaign: Campaign, table: PublishedTable, key: str) -> dict[str, object]:
    return {
        "province": campaign.province,
        "year": campaign.year,
        "level": table.level,
        "ranking": key,
        "table": table.source,
    }


def _emit(
    rows: Sequence[Any],
    fmt: str,
    out: Path | None,
    title: str,
    meta: dict[str, object],
    percent: bool,
) -> None:
    if fmt == "xlsx":
        if out is None:
            raise click.UsageError("--format xlsx cần --out FILE")
        to_xlsx(rows, out, title)
        click.echo(f"Đã ghi {out}", err=True)
        return
    if fmt == "table":
        print_table(
            rows, title, Console(file=out.open("w", encoding="utf-8") if out else None), percent
        )
        return
    text = to_csv(rows) if fmt == "csv" else to_json(rows, meta)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


# ---- dti report ------------------------------------------------------------------------------

REPORT_ERRORS = (ReportSourceError, TemplateError, PdfError, ChartError)


@main.command("report")
@click.argument(
    "campaign_file",
    metavar="CAMPAIGN",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--level",
    "levels",
    metavar="LEVEL",
    multiple=True,
    help="Level code; repeat for several. Default: every level with a general table.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "xlsx", "pdf"]),
    default="docx",
    show_default=True,
    help="The report (docx, pdf) or its appendix tables (xlsx).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write.",
)
@click.option(
    "--tables",
    "tables_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of the campaign's published tables. Default: the campaign file's folder.",
)
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The office's own DOCX template (docxtpl placeholders, docs/reports.md).",
)
@click.option(
    "--texts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file of the office's texts: header, remarks, recommendations…",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Last year's campaign file, for the change of the average.",
)
@click.option(
    "--previous-tables",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of last year's tables. Default: that campaign file's folder.",
)
@click.option(
    "--charts/--no-charts",
    default=True,
    show_default=True,
    help="Embed the charts in the DOCX/PDF.",
)
@click.option("--profiles", is_flag=True, help="Add one chart per unit after the appendices.")
def report_command(out: Path, **options: Any) -> None:
    """Write the official report of CAMPAIGN: DOCX, PDF (LibreOffice) or XLSX appendices."""
    request = _ReportRequest(**options)
    steps = ["Đọc đợt đánh giá", "Tính kết quả", "Lập báo cáo", f"Ghi {request.fmt.upper()}"]
    if request.fmt == "pdf":
        steps.insert(3, "Chuyển sang PDF (LibreOffice)")
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True)) as progress:
        task = progress.add_task(steps[0], total=len(steps))

        def step(done: int) -> None:
            progress.update(task, completed=done, description=steps[min(done, len(steps) - 1)])

        try:
            data = request.render(step)
        except REPORT_ERRORS + USER_ERRORS as error:
            progress.stop()  # the message goes below the bar, not into it
            message = error.args[0] if isinstance(error, KeyError) else str(error)
            click.echo(f"Lỗi: {message}", err=True)
            sys.exit(2)
        out.write_bytes(data)
        progress.update(task, completed=len(steps), description=f"Đã ghi {out}")


@dataclass(frozen=True)
class _ReportRequest:
    campaign_file: Path
    levels: tuple[str, ...]
    fmt: str
    tables_dir: Path | None
    template: Path | None
    texts: Path | None
    previous: Path | None
    previous_tables: Path | None
    charts: bool
    profiles: bool

    def render(self, step: Callable[[int], None]) -> bytes:
        """The file's bytes; `step(n)` after each of the steps the progress bar shows."""
        campaign = load_campaign(self.campaign_file)
        step(1)
        tables = self.tables_dir or self.campaign_file.parent
        results = results_from_tables(campaign, tables, self.levels or None)
        texts = load_texts(self.texts) if self.texts else None
        report = build_report(
            campaign,
            results,
            texts=texts,
            previous=self._previous(),
            unassessed=() if self.levels else None,  # levels left out by choice are not news
        )
        step(2)
        if self.fmt == "xlsx":
            step(3)
            return render_xlsx(report)
        if self.template is not None:
            docx = render_template(self.template.read_bytes(), report, charts=self.charts)
        elif self.fmt == "docx":
            docx = render_docx(report, charts=self.charts, profiles=self.profiles)
        else:  # the standard layout's PDF is drawn directly, in seconds at any size
            step(3)
            pdf = render_pdf(report, charts=self.charts, profiles=self.profiles)
            step(4)
            return pdf
        step(3)
        if self.fmt == "docx":
            return docx
        pdf = convert_to_pdf(docx)  # an office's template: LibreOffice converts it
        step(4)
        return pdf

    def _previous(self) -> PreviousResults | None:
        if self.previous is None:
            return None
        campaign = load_campaign(self.previous)
        results = results_from_tables(campaign, self.previous_tables or self.previous.parent)
        return PreviousResults(campaign.year, results)


main.add_command(signature)
main.add_command(audit_command)
if __name__ == "__main__":  # `python -m dti.cli` runs the same commands as `dti`
    main()
