"""WordprocessingML that python-docx has no API for: document-wide fonts, the font table
entry that maps Liberation Serif to Times New Roman, borderless tables, a short rule under
a heading line, the PAGE and NUMPAGES fields, outline levels and the table of contents."""

from __future__ import annotations

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table
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
_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
_AFTER_PARAGRAPH_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:outlineLvl",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


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


def field(paragraph: Paragraph, instruction: str, shown: str = "1") -> None:
    """A field Word and LibreOffice both update (PAGE, NUMPAGES), showing `shown` until
    they do."""
    run = paragraph.add_run()
    for kind, content in (
        ("begin", None),
        (None, f" {instruction} "),
        ("separate", None),
        (None, shown),
        ("end", None),
    ):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif content == f" {instruction} ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = content
        else:
            element = OxmlElement("w:t")
            element.text = content
        run._r.append(element)


def page_of_pages(paragraph: Paragraph) -> None:
    """'Trang x/y': the current page and the number of pages, as fields."""
    paragraph.add_run("Trang ")
    field(paragraph, "PAGE")
    paragraph.add_run("/")
    field(paragraph, "NUMPAGES")


_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def outline_level(paragraph: Paragraph, depth: int) -> None:
    """The paragraph is an entry of the table of contents (and of Word's navigation pane)
    at `depth` (0 = top)."""
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(depth))
    paragraph._p.get_or_add_pPr().insert_element_before(element, *_AFTER_OUTLINE)


def contents_field(paragraph: Paragraph, entries: list[tuple[int, str]]) -> None:
    """A TOC field over the paragraphs' outline levels (\\u), three deep, linked (\\h).
    Until Word or LibreOffice updates it (the document asks Word to, on opening: see
    update_fields_on_open) it shows the entries without their pages."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = ' TOC \\o "1-3" \\h \\z \\u '
    run._r.append(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    for depth, text in entries:
        line = paragraph.add_run("    " * depth + text)
        line.add_break()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def update_fields_on_open(document: Document) -> None:
    """Word refreshes the fields (the contents' page numbers) when it opens the file."""
    settings = document.settings.element
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    settings.insert_element_before(element, *_AFTER_UPDATE_FIELDS)


_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip
