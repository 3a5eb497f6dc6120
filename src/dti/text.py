"""Text as people type it and as spreadsheets read it: control characters and formulas.

Two hazards travel inside ordinary strings. A control character (NUL, a form feed, a lone
surrogate from a broken JSON escape) is stored happily by SQLite, refused with a 500 by
PostgreSQL (NUL) and makes an XLSX that no spreadsheet opens. A cell that begins with `=`,
`+`, `-` or `@` (or a tab or carriage return before one) becomes a live formula when a CSV or
XLSX export is opened: "spreadsheet formula injection" (OWASP's CSV injection).

`control_characters` finds the first for a clear refusal at input; `clean_text` removes them
from what is already stored before it is written out; `spreadsheet_text` neutralises a
formula by prefixing an apostrophe, as spreadsheet programs themselves do, so the text is
shown as typed and never evaluated.
"""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone surrogates;
# the two non-characters U+FFFE and U+FFFF. XML 1.0 (and so XLSX and DOCX) allows none of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def control_characters(text: str) -> str | None:
    """The first forbidden control character in `text`, as U+XXXX, or None when clean."""
    match = _CONTROL.search(text)
    return f"U+{ord(match.group()):04X}" if match else None


def clean_text(text: str) -> str:
    """`text` without the control characters XML and PostgreSQL refuse."""
    return _CONTROL.sub("", text)


def spreadsheet_text(text: str) -> str:
    """`text` cleaned, and made inert when a spreadsheet would read it as a formula."""
    cleaned = clean_text(text)
    return "'" + cleaned if cleaned.startswith(_FORMULA_START) else cleaned


def spreadsheet_cell(value: object) -> object:
    """A cell as an export writes it: text through `spreadsheet_text`; numbers, dates and
    empty cells unchanged (a number stays a number the spreadsheet computes with)."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def typed_text(cell: str) -> str:
    """The text `spreadsheet_text` made inert, as it was typed: the apostrophe before a
    formula start taken off, so a workbook exported and imported again keeps its names."""
    inert = cell.startswith("'") and cell[1:].startswith(_FORMULA_START)
    return cell[1:] if inert else cell


def file_label(name: str) -> str:
    """An uploaded file's name as the label it is kept under (the file itself is stored under
    a random name): any folder part and control characters removed, the rest kept, at most
    255 characters. A NUL in a name would make PostgreSQL refuse the row (a 500), and a
    control character would break the XLSX exports that list it."""
    base = clean_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    return base[-255:]
