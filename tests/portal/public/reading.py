"""Reading the public pages as a visitor's browser would: the main content, a table's rows
by column header, and the Vietnamese numbers written in them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import lxml.html
from django.test import Client

UNIT_LINK = re.compile(r"/don-vi/([^/]+)/$")


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def text(html: str) -> str:
    """The main content's visible words, spaces collapsed."""
    root = lxml.html.fromstring(main(html))
    return re.sub(r"\s+", " ", root.text_content()).strip()


def _table(html: str, number: int) -> Any:
    tables = lxml.html.fromstring(main(html)).xpath(".//table")
    return tables[number]


def headers(html: str, number: int = 0) -> list[str]:
    """The column headers of the page's table `number` (0: the first)."""
    return [_clean(th.text_content()) for th in _table(html, number).xpath("./thead//th")]


def rows(html: str, number: int = 0) -> list[dict[str, str]]:
    """Each body row of the page's table `number`: header -> cell text, and "_unit" -> the
    code in the row's link to a unit page."""
    table = _table(html, number)
    names = headers(html, number)
    found = []
    for tr in table.xpath("./tbody/tr"):
        cells = [_clean(cell.text_content()) for cell in tr if cell.tag in ("td", "th")]
        row = dict(zip(names, cells, strict=False))
        for anchor in tr.xpath(".//a[@href]"):
            match = UNIT_LINK.search(anchor.get("href"))
            if match:
                row["_unit"] = match.group(1)
        found.append(row)
    return found


def number(cell: str) -> Decimal:
    """'99,3' or '481,45' or '99,3%' as a Decimal."""
    return Decimal(cell.replace(",", ".").rstrip("%").strip())


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("▲", "").replace("▼", "")).strip()
