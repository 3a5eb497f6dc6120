"""The submission's document drawn as a PDF by WeasyPrint, fetching nothing: imported by
portal.assessments.documents when a document is drawn, so a process that never draws one
does not load WeasyPrint (docs/deployment.md, "Memory")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

STYLESHEET = Path(__file__).parent / "static" / "assessments" / "submission_document.css"


class NoFetch(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types: its base is Any
    """WeasyPrint's URL fetcher that fetches nothing; `refused` keeps what it was asked for."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        self.refused.append(url)
        raise ValueError("the submission document fetches nothing")


def pdf_of(html: str, fetcher: NoFetch | None = None) -> bytes:
    """HTML to PDF with the document's stylesheet, fetching nothing."""
    fetcher = fetcher or NoFetch()
    css = weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    page = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    pdf: bytes = page.write_pdf(stylesheets=[css])
    return pdf
