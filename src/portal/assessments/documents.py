"""The submission as a PDF: what the unit head signs with his own tools.

It is drawn from the submission's snapshot (what the unit sent, hashed), never from the live
answers, in the Vietnamese administrative layout; its /Keywords carry the snapshot's hash
(dti.signatures.hash_keywords), so a signed copy uploaded later names the snapshot it shows.

WeasyPrint draws it (portal.assessments.document_pdf, loaded with its library when a
document is drawn) and fetches nothing: every URL it meets (an image, a stylesheet, a font,
a CSS url()) goes to `document_pdf.NoFetch`, which refuses it; the stylesheet is the app's
static file, read there and handed over as a string; the template is autoescaped like every
page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext

from dti.fixedpoint import round_half_up
from dti.framework.model import Framework, Node
from dti.signatures import hash_keywords
from portal.assessments.evidence_files import megabytes
from portal.assessments.models import Submission
from portal.assessments.selectors import framework_for
from portal.frameworks.scoring import points_text
from portal.indicators.selectors import value_label
from portal.moments import moment_text
from portal.signatures.exports import signed_by_portal

if TYPE_CHECKING:
    from portal.assessments.document_pdf import NoFetch


@dataclass(frozen=True)
class CriterionLine:
    depth: int  # 0: a main index, 1: a component, 2 and more: criteria below
    name: str
    is_leaf: bool
    value: str
    score: str
    max: str
    note: str


@dataclass(frozen=True)
class EvidenceLine:
    criterion: str
    name: str
    size: str


@dataclass(frozen=True)
class Document:
    """Everything the document prints, read from the snapshot: rendering reads nothing more."""

    unit: str
    year: int
    campaign: str
    framework: str
    criteria: tuple[CriterionLine, ...]
    evidence: tuple[EvidenceLine, ...]
    total: str
    total_max: str
    ratio: str
    class_label: str
    sha256: str
    submitted_by: str
    submitted_at: str
    keywords: str


def _points(text: object) -> str:
    try:
        return points_text(Decimal(str(text)))
    except InvalidOperation:
        return ""


def _size(size: int) -> str:
    """A file's size: 1,5 MB; 0,3 KB below a megabyte (which would print as 0 MB)."""
    if size >= 1024 * 1024:
        return megabytes(size)
    return f"{points_text(round_half_up(Decimal(size) / 1024, 1))} KB"


def _lines(framework: Framework, snapshot: dict[str, Any]) -> list[CriterionLine]:
    answers = snapshot.get("answers", {})
    system = snapshot.get("system", {})
    scores = snapshot.get("scores", {})
    nodes, maxima = scores.get("nodes", {}), scores.get("applicable_max", {})
    lines: list[CriterionLine] = []

    def walk(node: Node, depth: int) -> None:
        answer = answers.get(node.code) or {}
        stored = system.get(node.code, answer).get("value")
        lines.append(
            CriterionLine(
                depth=depth,
                name=node.name,
                is_leaf=node.is_leaf,
                value=value_label(node, stored) if node.is_leaf and stored is not None else "",
                score=_points(nodes.get(node.code, "")),
                max=_points(maxima.get(node.code, "")),
                note=str(answer.get("note", "")),
            )
        )
        for child in node.children:
            walk(child, depth + 1)

    for root in framework.nodes:
        walk(root, 0)
    return lines


def document_of(submission: Submission) -> Document:
    """The document's data: the snapshot, the framework's names, who sent it and when."""
    snapshot = submission.snapshot or {}
    campaign_unit = submission.campaign_unit
    framework = framework_for(campaign_unit)
    names = framework.by_code
    scores = snapshot.get("scores", {})
    ratio = _points(scores.get("ratio", ""))
    return Document(
        unit=str(snapshot.get("unit", {}).get("name", campaign_unit.unit.name)),
        year=int(snapshot.get("campaign", {}).get("year", campaign_unit.campaign.year)),
        campaign=campaign_unit.campaign.title,
        framework=framework.name,
        criteria=tuple(_lines(framework, snapshot)),
        evidence=tuple(
            EvidenceLine(
                criterion=names[item["criterion"]].name
                if item["criterion"] in names
                else item["criterion"],
                name=item["name"] or item["url"],
                size=_size(int(item["size"])) if item["size"] else gettext("liên kết"),
            )
            for item in snapshot.get("evidence", [])
        ),
        total=_points(scores.get("total", "")),
        total_max=_points(scores.get("total_applicable_max", "")),
        ratio=f"{ratio}%" if ratio else "",
        class_label=str(scores.get("class") or ""),
        sha256=submission.snapshot_sha256,
        submitted_by=str(submission.submitted_by or ""),
        submitted_at=moment_text(submission.submitted_at),
        keywords=hash_keywords(submission.snapshot_sha256),
    )


def submission_pdf(submission: Submission, fetcher: NoFetch | None = None) -> bytes:
    """The submission's PDF, from its snapshot (the caller checks there is one); signed by
    the portal when the deployment has a certificate (DTI_SIGNING_PKCS12): the head's
    signature then comes second, on a file anyone can see the portal made. WeasyPrint is
    loaded here, by the request that draws a document (docs/deployment.md, "Memory")."""
    from portal.assessments.document_pdf import pdf_of

    document = document_of(submission)
    html = render_to_string("assessments/submission_document.html", {"doc": document})
    return signed_by_portal(pdf_of(html, fetcher))


def file_name(submission: Submission) -> str:
    """The PDF's file name: the unit's code and the year (ASCII, safe in any header)."""
    campaign_unit = submission.campaign_unit
    return f"tu-danh-gia-{campaign_unit.unit.code}-{campaign_unit.campaign.year}.pdf"
