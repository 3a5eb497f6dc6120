"""Reading a published report as offices publish it (DOCX, PDF, XLSX, HTML, markdown or
plain text, or a folder of loose tables) into one sequence of blocks: the paragraphs of its
narrative and its tables, in reading order, each with where it is (paragraph, page, sheet).

`read_document` decides the format by content, not by the file's name. What the blocks mean
(which table is which ranking, which sentence states what) is worked out elsewhere
(`dti.audit.document`).
"""

from dti.documents.model import Block, Document, DocumentReadError, Location, Paragraph, Table
from dti.documents.read import read_document, read_document_bytes

__all__ = [
    "Block",
    "Document",
    "DocumentReadError",
    "Location",
    "Paragraph",
    "Table",
    "read_document",
    "read_document_bytes",
]
