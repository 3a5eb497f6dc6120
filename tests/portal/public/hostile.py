"""A province whose published results carry what an attacker would type: unit names with
HTML and JavaScript, with spreadsheet formulas, a very long one; a framework, a level, a main
index and the campaign's title likewise; the office's remarks and texts with HTML. All of it
goes through the real path: units as stored, the framework document, the historic import of
a printed table and the office's publication."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO

from tests.portal.public.conftest import (
    BLOCK_MAX,
    LEVEL,
    SERVICES,
    _main,
    agencies_framework,
    make_province,
    score,
)

from portal.campaigns.historic import historic_campaign_import
from portal.campaigns.models import Campaign
from portal.campaigns.report_texts import report_texts_save
from portal.campaigns.selectors import remark_slots
from portal.frameworks.models import FrameworkVersion
from portal.publication.services import publication_request
from portal.units.models import Unit

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
SVG = "<svg onload=alert(3)>"
FORMULAS = ['=HYPERLINK("http://x.example","y")', "+cmd", "-1+1", "@SUM(A1)"]
# As long as a unit's name may be (PostgreSQL refuses longer; the registry's forms too).
LONG = ("Sở " + "Rất Dài " * 40)[: Unit._meta.get_field("name").max_length].strip()
NAMES = [SCRIPT, IMAGE, *FORMULAS, LONG, "Sở Bình Thường"]
INDEX_NAMES = [SVG + "Nhận thức", "=SUM(1)+Thể chế"]
YEAR = 2024


@dataclass
class Hostile:
    campaign: Campaign
    units: list[Unit]
    index_codes: list[str]

    def url(self, tail: str = "") -> str:
        return f"/ket-qua/{self.campaign.province.code}/{YEAR}/{tail}"


def hostile_publication(code: str = "tinh-doc") -> Hostile:
    province, admin = make_province(code, "Tỉnh <b>Độc</b>")
    units = [
        Unit.objects.create(
            province=province,
            code=f"dv-{number}",
            name=name,
            level=LEVEL,
            attributes={SERVICES: number % 2 == 0},
        )
        for number, name in enumerate(NAMES)
    ]
    document = agencies_framework()
    document["name"] = '=cmd|"/c calc"!A0 <b>bộ chỉ số</b>'
    indices = _main(document)
    for node, name in zip(indices, INDEX_NAMES, strict=False):
        node["name"] = name
    framework = FrameworkVersion.objects.create(
        province=province,
        year=YEAR,
        level=LEVEL,
        code=f"{code}-{YEAR}",
        name=document["name"],
        document=document,
    )
    campaign = historic_campaign_import(
        province=province,
        year=YEAR,
        title="<i>Kết quả</i> =1+1",
        level=LEVEL,
        level_name="<u>Sở</u>",
        framework=framework,
        table_bytes=_table(units, indices),
        file_name="ket-qua.tsv",
        user=admin,
    )
    slots = [slot.key for level in remark_slots(campaign) for slot in level.slots]
    report_texts_save(
        campaign=campaign,
        user=admin,
        texts={"process": f"{SCRIPT}\n=1+1"},
        remarks={slots[0]: SCRIPT, slots[1]: FORMULAS[0]},
    )
    publication_request(campaign=campaign, user=admin)
    return Hostile(campaign, units, [node["code"] for node in indices[:2]])


def _table(units: list[Unit], indices: list[dict[str, object]]) -> bytes:
    """The printed table, tab-separated, names quoted as a spreadsheet would save them."""
    out = StringIO()
    writer = csv.writer(out, delimiter="\t")
    writer.writerow(["STT", "Đơn vị", *(str(node["name"]) for node in indices)])
    for number, unit in enumerate(units, start=1):
        cells = [str(number), unit.name]
        for node in indices:
            top = BLOCK_MAX.get(str(node["code"]))
            maximum = Decimal(str(node["max"]))
            if top is not None:
                maximum = top[0] if unit.attributes[SERVICES] else top[1]
            cells.append(str(score(maximum, number)))
        writer.writerow(cells)
    return out.getvalue().encode()
