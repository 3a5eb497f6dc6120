"""The report's robustness annex: asked for by the office (ReportTexts.robustness), one per
level after the per-index rankings, the published ranks beside the draws' typical rank and
range, the same on every run, and in every format."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader

from dti.framework.documents import DocumentError
from dti.reports.data import build_report
from dti.reports.direct_pdf import render_pdf
from dti.reports.docx import render_docx
from dti.reports.robustness_annex import DRAWS, SEED
from dti.reports.texts import ReportTexts, texts_from_mapping
from dti.reports.xlsx import render_xlsx
from dti.robustness import Uncertainty, rank_spread
from tests.core.reports import campaign, results
from tests.core.seeds import BINHDINH

TITLE = "ĐỘ TIN CẬY CỦA THỨ HẠNG CHUNG KHỐI SỞ, BAN, NGÀNH NĂM 2023"


def annexed(spread: int = 10):
    return build_report(campaign(BINHDINH), results(BINHDINH), texts=ReportTexts(robustness=spread))


def test_each_level_ends_with_the_annex_of_its_general_ranking():
    report = annexed()
    for level in report.levels:
        annex = level.appendices[-1]
        assert annex.title.startswith("ĐỘ TIN CẬY CỦA THỨ HẠNG CHUNG")
        table = annex.tables[0]
        general = results(BINHDINH)[level.code].general
        assert [row[0].value for row in table.rows] == [int(r) for r in general.rank]
        for row in table.rows:
            low, _, high = str(row[3].value).partition("–")
            assert int(low) <= row[0].value <= int(high or low)
        assert "±10%" in table.note and "90% số lần tính" in table.note


def test_the_annex_is_the_cores_and_the_same_on_every_run():
    table = annexed().levels[0].appendices[-1].tables[0]
    assert table == annexed().levels[0].appendices[-1].tables[0]
    result = results(BINHDINH)["so"]
    uncertainty = Uncertainty(weight_spread=Decimal("0.1"), draws=DRAWS, seed=SEED)
    drawn = rank_spread(result.scores, result.general, uncertainty)
    assert [row[2].value for row in table.rows] == [int(m) for m in drawn.median]


def test_without_the_office_asking_there_is_no_annex():
    report = build_report(campaign(BINHDINH), results(BINHDINH))
    assert not any("ĐỘ TIN CẬY" in a.title for level in report.levels for a in level.appendices)


def test_the_annex_is_in_the_docx_the_xlsx_and_the_pdf():
    report = annexed()
    document = Document(io.BytesIO(render_docx(report, charts=False)))
    assert TITLE in "\n".join(p.text for p in document.paragraphs)
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    sheet = report.levels[0].appendices[-1].tables[0].sheet
    assert sheet in workbook.sheetnames
    pages = PdfReader(io.BytesIO(render_pdf(report, charts=False))).pages
    text = " ".join(page.extract_text() or "" for page in pages)
    assert TITLE in " ".join(text.split())


@pytest.mark.parametrize("value", [95, -1, "10", True, 1.5])
def test_a_spread_out_of_bounds_is_refused_in_the_texts_file(value):
    with pytest.raises(DocumentError, match="robustness"):
        texts_from_mapping({"robustness": value}, "van-ban.yaml")


def test_a_spread_in_bounds_is_read():
    assert texts_from_mapping({"robustness": 15}, "van-ban.yaml").robustness == 15
