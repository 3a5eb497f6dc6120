"""The official report of a published version, as the public downloads it (DOCX, XLSX,
PDF): made from the version alone, never from the campaign as it is now.

The version's levels and rows are evaluated again by the core (snapshot.rebuilt), with the
texts the version keeps (snapshot.texts_of); last year's figures are the province's current
version of the year before, rebuilt the same way. The office's own DOCX template is not part
of a version, so the standard layout (render_docx) is used. A file is made on its first
request and kept (VersionFile, with its SHA-256): every later download is the same bytes.

Every file carries the version's hash in its keywords (hash_keywords(version.digest)), so a
copy the office signs says which figures it is of (docs/signatures.md). Where the office
uploaded the signed PDF of a version (SignedReport), that is the PDF the public downloads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction

from dti.campaign import Campaign as CoreCampaign
from dti.reports.data import build_report
from dti.reports.model import KEYWORDS, PreviousResults, Report, UnassessedLevel
from dti.reports.pdf import keywords_of, with_keywords
from dti.results import LevelResult
from dti.signatures import hash_keywords
from portal.publication.models import SignedReport, Version, VersionFile
from portal.publication.selectors import levels_of, rows_of, version_at
from portal.publication.snapshot import rebuilt, texts_of
from portal.signatures.exports import signed_by_portal

REPORT_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class PublishedReport:
    name: str
    content_type: str
    content: bytes
    sha256: str


def report_name(version: Version, fmt: str) -> str:
    """'binh-dinh-2023-bao-cao.docx': ASCII, the same for every version of the year."""
    return f"{version.campaign.province.code}-{version.campaign.year}-bao-cao.{fmt}"


def published_report(version: Version, fmt: str) -> PublishedReport:
    """The report file of a published version in `fmt` (one of REPORT_FORMATS): the kept
    one, or made now and kept. The PDF is made from the kept DOCX, and signed by the portal
    where a certificate is set. PdfError when LibreOffice cannot make the PDF, SigningError
    when it cannot be signed (nothing is kept then)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"report format {fmt!r}")
    kept = VersionFile.objects.filter(version=version, fmt=fmt).first()
    if kept is None:
        kept = _keep(version, fmt, _made(version, fmt))
    return PublishedReport(kept.name, REPORT_FORMATS[fmt], bytes(kept.content), kept.sha256)


def signed_report_of(version: Version, *, content: bool = True) -> SignedReport | None:
    """The signed PDF the office uploaded for the version, if any; without its bytes when
    only what it says is shown (`content` False)."""
    found = SignedReport.objects.filter(version=version)
    if not content:
        found = found.defer("content")
    return found.first()


def public_report(version: Version, fmt: str) -> PublishedReport:
    """What the public downloads: the signed PDF where the office uploaded one, else the
    report the portal made."""
    signed = signed_report_of(version) if fmt == "pdf" else None
    if signed is not None:
        return PublishedReport(
            signed.name, REPORT_FORMATS["pdf"], bytes(signed.content), signed.sha256
        )
    return published_report(version, fmt)


def report_to_sign(version: Version) -> PublishedReport:
    """The PDF the office downloads to sign: the kept one, carrying the version's hash. A
    PDF kept before reports carried it gets the keywords as an update on top of the kept
    bytes (the public's copy stays as it was kept)."""
    made = published_report(version, "pdf")
    keywords = report_keywords(version)
    if keywords_of(made.content) == keywords:
        return made
    content = with_keywords(made.content, keywords)
    return PublishedReport(
        made.name, made.content_type, content, hashlib.sha256(content).hexdigest()
    )


def _made(version: Version, fmt: str) -> bytes:
    """The file of `fmt`, drawn. Its renderer (ReportLab, python-docx, openpyxl) is loaded
    here, by the request or job that makes a file, not by every process that serves the
    public pages (docs/deployment.md, "Memory"); only the format's own."""
    report = version_report(version)
    if fmt == "pdf":
        from dti.reports.direct_pdf import render_pdf

        # Drawn directly, with the keywords exactly as the DOCX's; then the portal's own
        # signature, where the deployment sets a certificate.
        return signed_by_portal(render_pdf(report))
    if fmt == "xlsx":
        from dti.reports.xlsx import render_xlsx

        return render_xlsx(report)
    from dti.reports.docx import render_docx

    return render_docx(report)


def _keep(version: Version, fmt: str, content: bytes) -> VersionFile:
    """Stores the file; when another request stored one first, that one is served, so no
    two downloads of a version differ."""
    try:
        with transaction.atomic():
            return VersionFile.objects.create(
                version=version,
                fmt=fmt,
                name=report_name(version, fmt),
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
    except IntegrityError:
        return VersionFile.objects.get(version=version, fmt=fmt)


def report_keywords(version: Version) -> str:
    """The keywords of the version's report files: the DOCX's, and the PDF's as set again."""
    return ", ".join((*KEYWORDS, hash_keywords(version.digest)))


def version_report(version: Version) -> Report:
    """The report's data, from the version alone (final, never marked as a draft)."""
    core, evaluated = _results(version)
    texts = texts_of(version.context)
    report = build_report(
        core, evaluated, texts=texts, previous=_previous(version), draft=False, unassessed=()
    )
    unassessed = tuple(
        UnassessedLevel(
            str(level["level"]), str(level["name"]), texts.not_assessed.get(level["level"], "")
        )
        for level in version.context.get("unassessed") or []
    )
    return replace(report, unassessed=unassessed, keywords=(hash_keywords(version.digest),))


def _results(version: Version) -> tuple[CoreCampaign, dict[str, LevelResult]]:
    levels = [(level, rows_of(version, level.level)) for level in levels_of(version)]
    province = str(version.context.get("province") or version.campaign.province.name)
    return rebuilt(province, version.context, levels)


def _previous(version: Version) -> PreviousResults | None:
    """The province's current published version of the year before, rebuilt likewise."""
    campaign = version.campaign
    earlier = version_at(campaign.province.code, campaign.year - 1)
    if earlier is None:
        return None
    return PreviousResults(earlier.campaign.year, _results(earlier)[1])
