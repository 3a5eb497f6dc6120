"""Hostile names published through the real path (tests/portal/public/hostile.py) are shown
as text on every public page and in every chart: no element, no attribute, no script comes
from published data."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client
from tests.portal.public.hostile import IMAGE, SCRIPT, Hostile, hostile_publication

TAILS = [
    "",
    "phuong-phap/",
    "dinh-chinh/",
    "so/",
    "so/chi-so-{index}/",
    "so/nhom-co_dvctt/",
    "so/don-vi/dv-0/",
    "so/don-vi/dv-1/",
    "so/so-sanh/?don-vi=dv-0&don-vi=dv-1&nhom=co_dvctt",
]
ABOVE = ["/ket-qua/", "/ket-qua/tinh-doc/", "/ket-qua/tim-kiem/?q=script"]


@pytest.fixture
def hostile(db: None) -> Hostile:
    return hostile_publication()


def _pages(hostile: Hostile) -> list[str]:
    index = hostile.index_codes[0]
    return ABOVE + [hostile.url(tail.format(index=index)) for tail in TAILS]


def test_no_published_name_becomes_markup(hostile: Hostile):
    client = Client()
    for url in _pages(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        root = lxml.html.fromstring(html)
        assert root.xpath("//script") == [], url
        assert root.xpath("//img | //b | //i | //u") == [], url
        handlers = [name for e in root.iter() for name in e.attrib if name.startswith("on")]
        assert handlers == [], url
        assert SCRIPT not in html and IMAGE not in html, url


def test_the_names_are_shown_as_typed(hostile: Hostile):
    html = Client().get(hostile.url("so/don-vi/dv-0/")).content.decode()
    text = lxml.html.fromstring(html).text_content()
    assert SCRIPT in text  # the name, and the office's remark, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
