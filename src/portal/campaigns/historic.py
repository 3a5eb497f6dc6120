"""Importing a published result table as a past campaign, so that year-on-year comparison
works from the first day.

The table is read by the core (dti.tables), matched against the province's units of the
level, and recomputed from the component scores it prints (dti.reproduce): the stored rank,
total, applicable maximum, ranking value and class are the framework's, the index scores
are the printed ones. What the audit finds in the table (a total that does not add up, a
rank that does not follow) is kept on the level and shown on the campaign's page.

The file may also be the whole published report (DOCX, PDF, HTML, a text with several
tables …): its general ranking of the level is imported the same way, and the audit of all
its tables and sentences is kept (portal.campaigns.historic_report says which findings)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from dti.audit import audit
from dti.campaign import Campaign as CoreCampaign
from dti.campaign import Level as CoreLevel
from dti.campaign import condition_names
from dti.columns import InputError, InputProblem
from dti.framework.documents import DocumentError
from dti.framework.model import Framework
from dti.reproduce import Reproduction, reproduce
from dti.tables.model import PublishedTable, Role, TableError
from dti.tables.published import interpret
from dti.tables.reader import TableReadError, read_table_bytes
from portal.accounts.models import Province, User
from portal.campaigns.historic_report import audit_report, report_document
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit, HistoricResult
from portal.campaigns.selectors import units_of_level
from portal.campaigns.services import record
from portal.frameworks.models import FrameworkVersion
from portal.units.core import core_unit
from portal.units.models import Unit
from portal.workflow import CampaignState


@transaction.atomic
def historic_campaign_import(
    *,
    province: Province,
    year: int,
    title: str,
    level: str,
    level_name: str,
    framework: FrameworkVersion,
    table_bytes: bytes,
    file_name: str,
    user: User,
    source: str = "",
) -> Campaign:
    """The published campaign holding the table's results for `level` (created, or the
    historic campaign of that title and year gaining a level). ValidationError lists every
    problem, by file, row and column; nothing is saved then."""
    campaign = _campaign(province, year, title.strip(), level, source.strip())
    core_framework = _framework(framework, province, level)
    units = {u.code: u for u in units_of_level(province, level, year)}
    core_units = tuple(core_unit(unit, level) for unit in units.values())
    core = CoreCampaign(
        province=province.name,
        year=year,
        title=campaign.title,
        source=campaign.source,
        levels={level: CoreLevel(level, level_name, core_framework, core_units)},
    )
    document, unreadable = report_document(table_bytes, file_name)
    report = None if document is None else audit_report(document, core, level, province)
    if report is None:
        table = _table(table_bytes, file_name, core, level, unreadable)
    else:
        table = _checked(report.table, core, level)
    _check_attributes(table, units, core_framework)
    repro = _reproduce(table, core)
    if campaign.pk is None:
        campaign.full_clean()
        campaign.save()
    if report is None:
        findings = [finding.as_dict() for finding in audit(core, [table])]
    else:
        findings = report.findings
    campaign_unit = CampaignLevel(
        campaign=campaign,
        level=level,
        name=level_name.strip(),
        framework=framework,
        published_findings=findings,
    )
    campaign_unit.full_clean()
    campaign_unit.save()
    _store_results(campaign, level, units, repro, report.source_table if report else file_name)
    note = f"{level_name} từ {file_name}: {len(table.rows)} đơn vị, {len(findings)} sai lệch"
    record(campaign, "historic_import", user, note + (report.note if report else ""))
    return campaign


def _campaign(province: Province, year: int, title: str, level: str, source: str) -> Campaign:
    existing = Campaign.objects.filter(province=province, year=year, title=title).first()
    if existing is None:
        if not 2000 <= year <= 2100:
            raise ValidationError(f"Năm {year} không hợp lệ (từ 2000 đến 2100).")
        return Campaign(
            province=province,
            year=year,
            title=title,
            source=source,
            historic=True,
            state=CampaignState.FINALIZED,  # published by the office (portal.publication)
        )
    if not existing.historic:
        raise ValidationError(
            f"{province} đã có đợt đánh giá “{title}” năm {year} đang thực hiện trên cổng; "
            "hãy đặt tên khác cho kết quả nhập."
        )
    if existing.levels.filter(level=level).exists():
        raise ValidationError(f"Đã nhập kết quả khối “{level}” cho “{title}” năm {year}.")
    return existing


def _framework(framework: FrameworkVersion, province: Province, level: str) -> Framework:
    if framework.province_id != province.pk:
        raise ValidationError(f"Bộ chỉ số “{framework.name}” không thuộc {province}.")
    if framework.level != level:
        raise ValidationError(
            f"Bộ chỉ số “{framework.name}” dành cho khối “{framework.level}”, "
            f"không phải khối “{level}”."
        )
    try:
        return framework.build()
    except DocumentError as error:
        raise ValidationError(
            [f"Bộ chỉ số “{framework.name}” có lỗi: {p}" for p in error.problems]
        ) from error


def _table(
    data: bytes, file_name: str, core: CoreCampaign, level: str, unreadable: str | None = None
) -> PublishedTable:
    """The table file's table; `unreadable` is the document reader's message, added when
    the table reader cannot read the file either (a damaged DOCX or PDF, a scanned one)."""
    try:
        table = interpret(read_table_bytes(data, source=file_name), core, level=level)
    except TableReadError as error:
        raise ValidationError([str(error), *([unreadable] if unreadable else [])]) from error
    except TableError as error:
        raise ValidationError([str(problem) for problem in error.problems]) from error
    return _checked(table, core, level)


def _checked(table: PublishedTable, core: CoreCampaign, level: str) -> PublishedTable:
    """A general ranking of the level, with the index scores to recompute it from."""
    problems = []
    if table.index is not None:
        name = core.level(level).framework.by_code[table.index].name
        problems.append(
            f"{table.source}: đây là bảng xếp hạng chỉ số “{name}”; "
            "hãy nhập bảng xếp hạng tổng thể của khối."
        )
    if not any(column.role is Role.NODE for column in table.columns):
        problems.append(
            f"{table.source}: bảng không có cột điểm chỉ số chính nào để tính lại; hãy nhập "
            "bảng xếp hạng tổng thể của khối, có điểm từng chỉ số chính."
        )
    if not table.rows:
        problems.append(f"{table.source}: bảng không có dòng đơn vị nào.")
    if problems:
        raise ValidationError(problems)
    return table


def _check_attributes(
    table: PublishedTable, units: Mapping[str, Unit], framework: Framework
) -> None:
    """Units named in the table must carry the attributes the framework's conditions read."""
    needed = condition_names(framework)
    problems = []
    for row in table.rows:
        unit = units[row.unit]
        missing = sorted(needed - set(unit.attributes or {}))
        if missing:
            problems.append(
                f"{table.source}, dòng {row.row}: đơn vị “{unit.name}” thiếu thuộc tính "
                f"{', '.join(missing)} (bộ chỉ số cần để tính điểm tối đa áp dụng)."
            )
    if problems:
        raise ValidationError(problems)


def _reproduce(table: PublishedTable, core: CoreCampaign) -> Reproduction:
    try:
        repro = reproduce(table, core)
    except InputError as error:
        raise ValidationError(_input_problems(table, core, error.problems)) from error
    if repro.problems:
        raise ValidationError(_input_problems(table, core, repro.problems))
    return repro


def _input_problems(
    table: PublishedTable, core: CoreCampaign, problems: Sequence[InputProblem]
) -> list[str]:
    level = core.level(table.level)
    names = {u.id: u.name for u in level.units}
    rows = {row.unit: row.row for row in table.rows}
    messages = []
    for problem in problems:
        node = level.framework.by_code.get(problem.code)
        messages.append(
            f"{table.source}, dòng {rows.get(problem.unit, '?')}: đơn vị "
            f"“{names.get(problem.unit, problem.unit)}”, {node.name if node else problem.code}: "
            f"{problem.message}"
        )
    return messages


def _store_results(
    campaign: Campaign, level: str, units: Mapping[str, Unit], repro: Reproduction, file_name: str
) -> None:
    printed = repro.rows
    ranked = repro.ranking.rows(repro.result.scores.unit_ids)
    campaign_units = [
        CampaignUnit(
            campaign=campaign,
            unit=units[row.unit],
            level=level,
            previous_class=printed[row.unit].previous_class or "",
        )
        for row in ranked
    ]
    for campaign_unit in campaign_units:
        campaign_unit.full_clean()
    CampaignUnit.objects.bulk_create(campaign_units)
    results = [
        HistoricResult(
            campaign_unit=campaign_unit,
            rank=row.rank,
            total=row.total,
            applicable_max=row.applicable_max,
            value=row.value,
            percent=row.percent,
            class_label=row.class_label or "",
            source_table=file_name,
            index_scores={code: str(v) for code, v in printed[row.unit].nodes.items()},
        )
        for campaign_unit, row in zip(campaign_units, ranked, strict=True)
    ]
    for result in results:
        result.full_clean(validate_unique=False)  # each entry is new: nothing to collide with
    HistoricResult.objects.bulk_create(results)
