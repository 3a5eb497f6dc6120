"""WordprocessingML that python-docx has no API for: document-wide fonts, the font table
entry that maps Liberation Serif to Times New Roman, repeated table header rows, rows that
do not split across pages, cell shading, borderless tables, a short rule under a heading
line, and the PAGE field."""

from __future__ import annotations

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

FONT = "Liberation Serif"
_FONT_ENTRY = (
    f'<w:font {nsdecls("w")} w:name="{FONT}">'
    '<w:altName w:val="Times New Roman"/>'
    '<w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
)
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def use_font(document: Document, size_pt: int) -> None:
    """Liberation Serif everywhere: document defaults and every style, theme fonts removed
    (theme fonts would bring Calibri and Cambria back), Vietnamese as the language."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    assert defaults is not None
    run_defaults = defaults.find(qn("w:rPrDefault"))
    assert run_defaults is not None
    properties = run_defaults.find(qn("w:rPr"))
    assert properties is not None
    for fonts in styles.iter(qn("w:rFonts")):
        _explicit(fonts)
    for tag, value in (("w:sz", size_pt * 2), ("w:szCs", size_pt * 2)):
        element = properties.find(qn(tag))
        if element is not None:
            element.set(qn("w:val"), str(value))
    language = properties.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "vi-VN")
    _font_table_entry(document)


def _explicit(fonts: BaseOxmlElement) -> None:
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _font_table_entry(document: Document) -> None:
    """Word without Liberation Serif (Windows) falls back to its altName, Times New Roman,
    whose metrics are the same: the layout does not move."""
    for relationship in document.part.rels.values():
        if relationship.reltype == RT.FONT_TABLE:
            part = relationship.target_part
            table = parse_xml(part.blob)
            table.append(parse_xml(_FONT_ENTRY))
            # A font table is a plain Part in python-docx: its bytes are all there is.
            part._blob = serialize_part_xml(table)
            return


# Word refuses elements out of the schema's order: each is inserted before its successors.
_AFTER_ROW_FLAGS = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
_AFTER_SHADING = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign")
_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
_AFTER_PARAGRAPH_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:outlineLvl",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def repeat_header(row: _Row) -> None:
    """Repeat this row at the top of every page the table runs on (w:tblHeader)."""
    row._tr.get_or_add_trPr().insert_element_before(OxmlElement("w:tblHeader"), *_AFTER_ROW_FLAGS)


def keep_row_together(row: _Row) -> None:
    flag = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().insert_element_before(
        flag, "w:trHeight", "w:tblHeader", *_AFTER_ROW_FLAGS
    )


def shade(row: _Row, fill: str) -> None:
    for cell in row.cells:
        shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
        cell._tc.get_or_add_tcPr().insert_element_before(shading, *_AFTER_SHADING)


def no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_BORDERS)


def rule_below(paragraph: Paragraph) -> None:
    """A thin line under the paragraph, as long as its indented width (the short rule under
    the issuing body and the motto)."""
    properties = paragraph._p.get_or_add_pPr()
    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
        'w:color="auto"/></w:pBdr>'
    )
    properties.insert_element_before(border, *_AFTER_PARAGRAPH_BORDER)


def page_field(paragraph: Paragraph) -> None:
    """The current page number, as a field Word and LibreOffice both update."""
    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
