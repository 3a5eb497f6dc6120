"""Each table of a published version as CSV, XLSX and JSON (docs/portal-open-data.md).

Every file is made from `selectors.table`, the same table the public pages print, so a
figure is the same on a page and in a file. Machine formats carry exact decimals with a
point ("481.45", "99.3") and leave a blank where there is no figure, never 0. Files are
Vietnamese whatever the visitor's language, so one cached copy serves everyone; they are
kept in the cache under `selectors.generation()`, which changes at every publication."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from dti.text import spreadsheet_text
from portal.auditlog.exports import titled_sheet
from portal.moments import day_text
from portal.publication.models import (
    DEFAULT_LICENSE,
    DEFAULT_LICENSE_TITLE,
    PublicationSettings,
    Version,
)
from portal.publication.selectors import (
    Column,
    Table,
    generation,
    level_of,
    rows_of,
    table,
)

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE, "json": JSON_TYPE}
FILE_LANGUAGE = "vi"
UNIT_CODE = "unit_code"
COMPARE = "compare"  # a main index's table: "points" or "ratio", what its ranking compares
CACHE_SECONDS = 24 * 3600  # the key changes at every publication: old copies just age out
# What a column's kind is in a Table Schema (https://specs.frictionlessdata.io/table-schema/).
FIELD_TYPES = {
    "rank": "integer",
    "change": "integer",
    "number": "number",
    "percent": "number",
    "text": "string",
    "class": "string",
}


@dataclass(frozen=True)
class DataFile:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Field:
    """A column of the machine formats: its stable key (the CSV header), its label, type."""

    name: str
    title: str
    type: str
    description: str


# ---- one table as rows of plain values ---------------------------------------------------


def fields_of(found: Table) -> list[Field]:
    """The table's columns as the machine formats write them: the unit's code (as in the
    unit page's address, the same every year) right after the rank."""
    fields = []
    for column in found.columns:
        fields.append(_field(column))
        if column.key == "rank":
            fields.append(_field(Column(UNIT_CODE, gettext("Mã đơn vị"), "text")))
        if column.key == "value" and found.index_ranking is not None:
            fields.append(_field(Column(COMPARE, gettext("Cách so sánh"), "text")))
    return fields


def _extra(found: Table, index: int) -> dict[str, object]:
    """The cells of the machine formats that are not the table's columns: the unit's code,
    and in a main index's table what its ranking compares."""
    extra: dict[str, object] = {UNIT_CODE: found.row_units[index].unit_code}
    if found.index_ranking is not None:
        extra[COMPARE] = found.index_ranking.compare.value
    return extra


def _field(column: Column) -> Field:
    return Field(column.key, str(column.label), FIELD_TYPES[column.kind], _describe(column))


def _describe(column: Column) -> str:
    key = column.key
    if column.description:
        return column.description
    if key.startswith("index:"):
        return gettext("Điểm chỉ số chính; điểm tối đa ghi trong tiêu đề cột.")
    if column.kind == "percent":
        return gettext("Phần trăm so với điểm tối đa áp dụng, làm tròn như khi công bố.")
    texts = {
        "rank": gettext("Hạng trong bảng; các đơn vị bằng nhau cùng hạng."),
        UNIT_CODE: gettext(
            "Mã đơn vị, như trong địa chỉ trang của đơn vị; giữ nguyên qua các năm."
        ),
        "unit": gettext("Tên đơn vị khi công bố."),
        "score": gettext("Điểm của chỉ số chính."),
        "total": gettext("Tổng điểm dùng để xếp hạng."),
        "max": gettext("Điểm tối đa áp dụng cho đơn vị."),
        "value": gettext("Giá trị dùng để xếp hạng."),
        "class": gettext("Xếp loại."),
        "previous_rank": gettext("Hạng năm trước; để trống khi không có hạng để so sánh."),
        "change": gettext("Hạng năm trước trừ hạng năm nay: số dương là tăng hạng."),
        "previous_class": gettext("Xếp loại năm trước."),
        COMPARE: gettext(
            "Chỉ số được xếp hạng theo gì: points (điểm của chỉ số) hoặc ratio (tỷ lệ so với "
            "điểm tối đa áp dụng)."
        ),
    }
    return texts.get(key, "")


def plain(value: object) -> object:
    """A cell for the machine formats: an exact decimal as its text with a point ("50",
    "481.45"), never an exponent; None stays None (a blank)."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def machine_row(found: Table, index: int) -> dict[str, object]:
    """Row `index` of the table, by field name, with the unit's code."""
    cells, extra = found.rows[index], _extra(found, index)
    row: dict[str, object] = {}
    for column in found.columns:
        row[column.key] = plain(cells.get(column.key))
        if column.key == "rank":
            row[UNIT_CODE] = extra[UNIT_CODE]
        if column.key == "value" and COMPARE in extra:
            row[COMPARE] = extra[COMPARE]
    return row


def machine_rows(found: Table) -> Iterable[dict[str, object]]:
    return (machine_row(found, index) for index in range(len(found.rows)))


# ---- the three formats -----------------------------------------------------------------


def table_csv(found: Table) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads the Vietnamese letters), one header
    line of the stable field names, one line per row."""
    fields = fields_of(found)
    out = StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([field.name for field in fields])
    for index, cells in enumerate(found.rows):
        line = {**cells, **_extra(found, index)}
        writer.writerow([_csv_cell(line.get(f.name)) for f in fields])
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value: object) -> object:
    """Blank for no figure; text a spreadsheet would run as a formula made inert."""
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_text(value)
    return plain(value)


def table_xlsx(found: Table, heading: str) -> bytes:
    """For people: a title line, the columns' Vietnamese labels, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    labels = [str(column.label) for column in found.columns]
    widths = [42 if column.kind == "text" else 14 for column in found.columns]
    sheet = titled_sheet(book, gettext("Bảng"), heading, labels, widths)
    for cells in found.rows:
        line = []
        for column in found.columns:
            value = cells.get(column.key)
            if isinstance(value, Decimal):
                value = Decimal(f"{value:f}")
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))  # type: ignore[arg-type]  # openpyxl writes a Decimal exactly (NUMERIC_TYPES); its stubs omit it
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            line.append(cell)
        sheet.append(line)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: object) -> str | int | Decimal | None:
    """A cell's value as the workbook keeps it: text without control characters (one would
    make the file unreadable) and with an apostrophe before a formula's start, as the
    report's workbook and the CSV write it (the cell is also typed as text); numbers as
    numbers, None as an empty cell."""
    if isinstance(value, str):
        return spreadsheet_text(value)
    if isinstance(value, int | Decimal):
        return value
    return None


def table_json(found: Table, about: dict[str, Any]) -> bytes:
    """What the table is (`about`: province, year, version, level, table, license), its
    fields, and its rows with decimals as strings."""
    document = {
        **about,
        "fields": [asdict(field) for field in fields_of(found)],
        "rows": list(machine_rows(found)),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


# ---- a version's files -------------------------------------------------------------------


def file_name(version: Version, level: str, key: str, fmt: str) -> str:
    """'binh-dinh-2023-so-tong-the.csv': ASCII (codes only), the same for every version."""
    return f"{version.campaign.province.code}-{version.campaign.year}-{level}-{key}.{fmt}"


def table_file(version: Version, level_code: str, key: str, fmt: str) -> DataFile | None:
    """One table of the version in one format; None when the version has no such level or
    table, or the format is not one of FORMATS."""
    if fmt not in FORMATS:
        return None
    level = level_of(version, level_code)
    if level is None:
        return None
    with translation.override(FILE_LANGUAGE):
        found = table(level, rows_of(version, level.level), key)
        if found is None:
            return None
        if fmt == "csv":
            content = table_csv(found)
        elif fmt == "xlsx":
            content = table_xlsx(found, _heading(version, found))
        else:
            content = table_json(found, _about(version, found))
    return DataFile(file_name(version, level.level, key, fmt), FORMATS[fmt], content)


def _heading(version: Version, found: Table) -> str:
    return gettext("%(province)s, năm %(year)s, %(level)s: %(table)s (công bố %(day)s)") % {
        "province": version.campaign.province.name,
        "year": version.campaign.year,
        "level": found.level.name,
        "table": found.ref.title,
        "day": day_text(version.published_at.date()) if version.published_at else "",
    }


def _about(version: Version, found: Table) -> dict[str, Any]:
    dataset = dataset_terms(version)
    return {
        "province": {
            "code": version.campaign.province.code,
            "name": version.campaign.province.name,
        },
        "year": version.campaign.year,
        "version": version.number,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "superseded": version.superseded_at is not None,
        "level": {"code": found.level.level, "name": found.level.name},
        "table": {"key": found.ref.key, "title": found.ref.title},
        "index_ranking": index_ranking(found),
        "license": dataset["license"],
        "citation": dataset["citation"],
    }


def index_ranking(found: Table) -> dict[str, Any] | None:
    """What a main index's table ranks on (`compare`: points or ratio), to how many
    decimals, with which ties; None for the other tables."""
    ranking = found.index_ranking
    if ranking is None:
        return None
    return {
        "compare": ranking.compare.value,
        "decimals": ranking.decimals,
        "ties": ranking.ties.value,
    }


def cached_file(
    path: str, make: Callable[[], DataFile | None], *, terms_of: str | None = None
) -> DataFile | None:
    """The file at `path` as cached for the current generation of published versions, made
    (and kept) on a miss. Only files that exist are kept. A file that states the license and
    citation of province `terms_of` is also made again when the province changes them."""
    stamp = terms_stamp(terms_of) if terms_of is not None else ""
    key = "opendata:" + hashlib.sha256(f"{generation()}|{stamp}|{path}".encode()).hexdigest()
    found: DataFile | None = cache.get(key)
    if found is None:
        found = make()
        if found is not None:
            cache.set(key, found, CACHE_SECONDS)
    return found


# ---- license and citation ------------------------------------------------------------------


def dataset_terms(version: Version) -> dict[str, Any]:
    """The license and the citation of the version's data, from the province's settings
    (the defaults of models.py where it chose none)."""
    province = version.campaign.province
    chosen = PublicationSettings.objects.filter(province=province).first()
    chosen = chosen or PublicationSettings(province=province)
    title = DEFAULT_LICENSE_TITLE if chosen.license_name == DEFAULT_LICENSE else ""
    citation = chosen.citation.strip() or default_citation(province.name, version.campaign.year)
    return {
        "license": {
            "name": chosen.license_name,
            "path": chosen.license_url,
            "title": title or chosen.license_name,
        },
        "citation": citation,
    }


def terms_stamp(province: str) -> str:
    """What the province chose for license and citation, as part of a cache key."""
    chosen = (
        PublicationSettings.objects.filter(province__code=province)
        .values_list("license_name", "license_url", "citation")
        .first()
    )
    return json.dumps(chosen, ensure_ascii=False)


def default_citation(province: str, year: int) -> str:
    return gettext("%(province)s, Kết quả đánh giá chuyển đổi số năm %(year)s") % {
        "province": province,
        "year": year,
    }
