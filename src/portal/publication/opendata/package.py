"""A published version as a Frictionless (Tabular) Data Package: one CSV resource per table
of every level, each with its Table Schema, the license and the citation
(https://specs.frictionlessdata.io/data-package/, docs/portal-open-data.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from portal.publication.models import Version, VersionLevel
from portal.publication.opendata.files import FILE_LANGUAGE, UNIT_CODE, dataset_terms, fields_of
from portal.publication.selectors import framework_of, levels_of, table, tables_of


@dataclass(frozen=True)
class PackageLinks:
    """Absolute URLs the data package points to, for this very version (its numbered
    addresses: the package still describes the same files after a correction)."""

    homepage: str
    csv: Callable[[str, str], str]  # (level code, table key) -> the table's CSV


def datapackage(version: Version, links: PackageLinks) -> dict[str, Any]:
    """The version as a Frictionless (Tabular) Data Package: one CSV resource per table of
    every level, each with its Table Schema."""
    with translation.override(FILE_LANGUAGE):
        dataset = dataset_terms(version)
        province = version.campaign.province
        year = version.campaign.year
        sources = [{"title": gettext("Cổng kết quả công bố"), "path": links.homepage}]
        source = str(version.context.get("source") or "").strip()
        if source:
            sources.append({"title": source})
        names: set[str] = set()
        resources = [
            _resource(level, ref_key, ref_title, links, names)
            for level in levels_of(version)
            for ref_key, ref_title in _refs(level)
        ]
        return {
            "profile": "tabular-data-package",
            "name": _resource_name(f"{province.code}-{year}", set()),
            "id": links.homepage,
            "title": dataset["citation"],
            "description": gettext(
                "Kết quả đánh giá chuyển đổi số của %(province)s năm %(year)s đã công bố "
                "(phiên bản %(number)s): xếp hạng chung, theo nhóm và theo chỉ số chính."
            )
            % {"province": province.name, "year": year, "number": version.number},
            "version": str(version.number),
            "created": version.published_at.isoformat() if version.published_at else None,
            "homepage": links.homepage,
            "licenses": [dataset["license"]],
            "citation": dataset["citation"],
            "sources": sources,
            "keywords": ["DTI", gettext("chuyển đổi số"), province.name, str(year)],
            "resources": resources,
        }


def _refs(level: VersionLevel) -> list[tuple[str, str]]:
    return [(ref.key, ref.title) for ref in tables_of(level, framework_of(level))]


def _resource(
    level: VersionLevel, key: str, title: str, links: PackageLinks, names: set[str]
) -> dict[str, Any]:
    found = table(level, [], key)  # the columns do not depend on the rows
    assert found is not None  # the key comes from tables_of
    return {
        "profile": "tabular-data-resource",
        "name": _resource_name(f"{level.level}-{key}", names),
        "title": f"{level.name}: {title}",
        "path": links.csv(level.level, key),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "dialect": {"delimiter": ",", "header": True},
        "schema": {
            "fields": [asdict(field) for field in fields_of(found)],
            "primaryKey": [UNIT_CODE],
            "missingValues": [""],
        },
    }


def _resource_name(text: str, taken: set[str]) -> str:
    """A name as the spec wants it (lower case letters, digits, '-', '_', '.'), unique."""
    name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in text)
    name = name.lower() or "bang"
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate)
    return candidate
