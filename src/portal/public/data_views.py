"""Open data of a published version (docs/portal-open-data.md): each table as CSV, XLSX and
JSON, the data package describing them, the official report; and the sitemap and robots.txt
of the public site.

Only published versions are read (portal.publication.selectors): a pending, refused or
never-published result answers 404 like an address that does not exist. Every path part is
checked before a query, so a crafted one is a 404, never a 500. Files and sitemaps are
cached under the generation of published versions; each is marked `open_access` (any site
may read it; a rate per client address, portal.public.middleware)."""

from __future__ import annotations

import json
import logging
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_resolver, reverse
from django.views.decorators.http import require_safe

from dti.reports.pdf import PdfError
from dti.signatures import SigningError
from portal.public.middleware import open_access
from portal.publication.models import Version
from portal.publication.opendata import catalogue, files, package
from portal.publication.opendata.files import FORMATS, DataFile, cached_file
from portal.publication.report import REPORT_FORMATS, public_report
from portal.responses import attachment

logger = logging.getLogger(__name__)
MAX_CODE = catalogue.MAX_CODE
XML_TYPE = "application/xml; charset=utf-8"


def checked_version(province: str, year: int, number: int | None = None) -> Version:
    """The published version at these path parts, or 404."""
    found = catalogue.published_version(province, year, number)
    if found is None:
        raise Http404
    return found


def _numbered(version: Version) -> dict[str, object]:
    return {
        "province": version.campaign.province.code,
        "year": version.campaign.year,
        "number": version.number,
    }


def canonical_path(request: HttpRequest) -> str:
    """The address of what the request names, written as the site writes it: the cache key
    of a file, so "/02024/" and "/2024/" share one copy and no number of ways to write an
    address makes more copies than there are files."""
    match = request.resolver_match
    assert match is not None  # a view is only called through the URL resolver
    return reverse(match.view_name, kwargs=match.kwargs)


def site_url(path: str) -> str:
    """An absolute address on the portal as people reach it (DTI_SITE_URL), never built
    from the request's Host header."""
    return settings.DTI_SITE_URL.rstrip("/") + path


# ---- tables, data package, report ------------------------------------------------------------


@open_access
@require_safe
def table_file(
    request: HttpRequest,
    province: str,
    year: int,
    level: str,
    table: str,
    fmt: str,
    number: int | None = None,
) -> HttpResponse:
    if fmt not in FORMATS or len(level) > MAX_CODE or len(table) > MAX_CODE:
        raise Http404

    def make() -> DataFile | None:
        return files.table_file(checked_version(province, year, number), level, table, fmt)

    # Only the JSON file states the license and the citation.
    found = cached_file(canonical_path(request), make, terms_of=province if fmt == "json" else None)
    if found is None:
        raise Http404
    return attachment(found.content, found.content_type, found.name)


@open_access
@require_safe
def datapackage(
    request: HttpRequest, province: str, year: int, number: int | None = None
) -> HttpResponse:
    def make() -> DataFile:
        version = checked_version(province, year, number)
        numbered = _numbered(version)
        links = package.PackageLinks(
            homepage=site_url(reverse("public:version", kwargs=numbered)),
            csv=lambda level, key: site_url(
                reverse(
                    "public:table_file",
                    kwargs={**numbered, "level": level, "table": key, "fmt": "csv"},
                )
            ),
        )
        document = json.dumps(package.datapackage(version, links), ensure_ascii=False, indent=1)
        return DataFile("datapackage.json", "application/json", document.encode())

    found = cached_file(canonical_path(request), make, terms_of=province)
    assert found is not None  # make() answers a file or raises Http404
    return HttpResponse(found.content, content_type=found.content_type)


@open_access
@require_safe
def report(
    request: HttpRequest, province: str, year: int, fmt: str, number: int | None = None
) -> HttpResponse:
    """The version's official report: the PDF is the signed one where the office uploaded
    it (portal.publication.verify), else the one the portal made; a PDF LibreOffice cannot
    make now is a page saying so (503), the DOCX and XLSX still being there to download."""
    if fmt not in REPORT_FORMATS:
        raise Http404
    version = checked_version(province, year, number)
    try:
        found = public_report(version, fmt)
    except (PdfError, SigningError) as error:  # why is for the operator's log, not the visitor
        logger.warning("PDF report of version %s not made: %s", version.pk, error)
        context = {"version": version, "numbered": _numbered(version)}
        return render(request, "opendata/report_error.html", context, status=503)
    return attachment(found.content, found.content_type, found.name)


# ---- sitemap and robots.txt ----------------------------------------------------------------


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """A sitemap index: the landing's sitemap, then one per province with published years."""

    def make() -> DataFile:
        entries: list[tuple[str, str | None]] = [(reverse("sitemap_landing"), None)]
        entries += [
            (reverse("sitemap_province", args=[code]), moment.date().isoformat())
            for code, moment in catalogue.provinces_mapped()
        ]
        lines = [f"<sitemap>{_loc(path)}{_lastmod(day)}</sitemap>" for path, day in entries]
        return _xml("sitemapindex", lines)

    return _xml_response(cached_file(canonical_path(request), make))


@require_safe
def sitemap_landing(request: HttpRequest) -> HttpResponse:
    def make() -> DataFile:
        return _xml("urlset", [f"<url>{_loc(reverse('public:landing'))}</url>"])

    return _xml_response(cached_file(canonical_path(request), make))


@require_safe
def sitemap_province(request: HttpRequest, province: str) -> HttpResponse:
    """The province's page and, for each year's current version only: its page, its
    methodology, each level's ranking and each unit's page."""
    if len(province) > MAX_CODE:
        raise Http404

    def make() -> DataFile | None:
        mapped = catalogue.province_mapped(province)
        if not mapped:
            return None
        lines = [f"<url>{_loc(reverse('public:province', args=[province]))}</url>"]
        for entry in mapped:
            lines += _version_urls(entry)
        return _xml("urlset", lines)

    found = cached_file(canonical_path(request), make)
    if found is None:
        raise Http404
    return _xml_response(found)


def _version_urls(entry: catalogue.MappedVersion) -> list[str]:
    version = entry.version
    at = {"province": version.campaign.province.code, "year": version.campaign.year}
    day = _lastmod(version.published_at.date().isoformat() if version.published_at else None)
    paths = [reverse("public:version", kwargs=at), reverse("public:methodology", kwargs=at)]
    paths += [reverse("public:ranking", kwargs={**at, "level": level}) for level in entry.levels]
    paths += [
        reverse("public:unit", kwargs={**at, "level": level, "unit": code})
        for level, code in entry.units
    ]
    return [f"<url>{_loc(path)}{day}</url>" for path in paths]


def _loc(path: str) -> str:
    return f"<loc>{escape(site_url(path))}</loc>"


def _lastmod(day: str | None) -> str:
    return f"<lastmod>{day}</lastmod>" if day else ""


def _xml(root: str, lines: list[str]) -> DataFile:
    body = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            *lines,
            f"</{root}>",
            "",
        ]
    )
    return DataFile("sitemap.xml", XML_TYPE, body.encode())


def _xml_response(found: DataFile | None) -> HttpResponse:
    assert found is not None  # the index and the landing's sitemap always exist
    return HttpResponse(found.content, content_type=found.content_type)


# Top-level addresses anyone may read: the start page, the public results, the health
# check, the sitemaps and this file. Every other one is the signed-in portal's (the API
# included: it is for programs, not search engines).
PUBLIC_PREFIXES = ("", "healthz", "ket-qua/", "sitemap.xml", "sitemap/", "robots.txt")


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    """Crawlers are kept out of every signed-in area, read from the URL configuration so a
    new area is kept out too, and pointed to the sitemap."""
    lines = ["User-agent: *"]
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        prefix = route.split("/", 1)[0] + "/" if "/" in route else route
        if prefix not in PUBLIC_PREFIXES and "<" not in prefix:
            lines.append(f"Disallow: /{prefix}")
    lines.append(f"Sitemap: {site_url(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
