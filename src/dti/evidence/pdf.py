"""PDF: the actions a reader runs, and the files it carries.

Two readings, so that hiding from one is not enough. pypdf parses the file and walks every
object reachable from its trailer (object streams and compressed cross-references resolved),
finding the keys and action types below; a raw scan of the bytes finds the same names where
they are written plainly, also in objects nothing refers to. A file pypdf cannot parse is
refused: we will not store what we could not read.
"""

from __future__ import annotations

import logging
import re
from io import BytesIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

from dti.evidence.limits import Limits

# The name (as written, without the slash) → what it is, in the message.
_JAVASCRIPT = "chứa mã JavaScript"
_LAUNCH = "chứa lệnh mở chương trình khác (Launch)"
_EMBEDDED = "có tệp đính kèm bên trong"
_RICH_MEDIA = "chứa nội dung đa phương tiện nhúng (Flash, video)"
_XFA = "là biểu mẫu động (XFA) có thể chạy mã"
_AUTOMATIC = "chứa hành động tự chạy khi mở tệp hoặc khi xem trang"
# A link to a file elsewhere (a network share): opening it can make a reader connect to
# another machine and hand it the person's Windows credentials.
_REMOTE = "chứa liên kết mở tệp hoặc dữ liệu ở máy khác"
HOSTILE_NAMES = {
    "JavaScript": _JAVASCRIPT,
    "JS": _JAVASCRIPT,
    "Launch": _LAUNCH,
    "EmbeddedFile": _EMBEDDED,
    "EmbeddedFiles": _EMBEDDED,
    "EF": _EMBEDDED,
    "RichMedia": _RICH_MEDIA,
    "XFA": _XFA,
    "AA": _AUTOMATIC,
    "GoToR": _REMOTE,
    "GoToE": _REMOTE,
    "ImportData": _REMOTE,
}
_ORDER = [_JAVASCRIPT, _LAUNCH, _EMBEDDED, _RICH_MEDIA, _XFA, _AUTOMATIC, _REMOTE]
# A PDF name: a slash then regular characters; #xx writes any byte (/J#61vaScript).
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}\x00]+)")
_HEX = re.compile(r"#([0-9A-Fa-f]{2})")
_STREAM_DATA = re.compile(rb"(?<![a-z])stream\r?\n.*?endstream", re.DOTALL)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a hostile file's warnings are not ours


class TooManyObjects(Exception):
    """The walk passed Limits.max_pdf_objects."""


def pdf_refusal(name: str, data: bytes, limits: Limits) -> str | None:
    found = raw_names(data)
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return (
                f"Tệp “{name}” có mật khẩu nên không kiểm tra được nội dung, không được chấp "
                "nhận. Hãy bỏ mật khẩu rồi tải lên."
            )
        found |= parsed_names(reader, limits.max_pdf_objects)
    except TooManyObjects:
        return (
            f"Tệp “{name}” có quá nhiều thành phần (hơn {limits.max_pdf_objects}) để kiểm tra, "
            "không được chấp nhận. Hãy in lại thành PDF hoặc chia nhỏ tệp rồi tải lên."
        )
    # pypdf raises many kinds of errors on broken or hostile input (PdfReadError, ValueError,
    # KeyError, RecursionError, ...): any of them means we could not read the file.
    except Exception:
        return (
            f"Tệp “{name}” không đọc được như một tệp PDF (hỏng hoặc không đúng chuẩn), không "
            "được chấp nhận. Hãy in lại thành PDF rồi tải lên."
        )
    return _message(name, found)


def raw_names(data: bytes) -> set[str]:
    """The hostile names written in the bytes outside stream data, #xx escapes decoded.
    Stream data (images, fonts, compressed pages) is skipped: its bytes are not PDF syntax,
    and 20 MB of them spell `/JS` or `/AA` by chance; the streams that do hold objects
    (object streams) are read by the parsed walk."""
    outside = _STREAM_DATA.sub(b"stream endstream", data)
    names = {_decode(match.group(1)) for match in _NAME.finditer(outside)}
    return names & HOSTILE_NAMES.keys()


def parsed_names(reader: PdfReader, max_objects: int) -> set[str]:
    """The hostile keys and action types of every object reachable from the trailer;
    TooManyObjects past `max_objects` of them."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject | None] = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > max_objects:
                raise TooManyObjects
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found |= _hostile_in(item)
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def _hostile_in(dictionary: DictionaryObject) -> set[str]:
    keys = {str(key).lstrip("/") for key in dictionary}
    kinds = {str(dictionary.get(key, "")).lstrip("/") for key in ("/S", "/Type", "/Subtype")}
    return (keys | kinds) & HOSTILE_NAMES.keys()


def _decode(raw: bytes) -> str:
    text = raw.decode("latin-1")
    return _HEX.sub(lambda match: chr(int(match.group(1), 16)), text)


def _message(name: str, found: set[str]) -> str | None:
    problems = {HOSTILE_NAMES[n] for n in found}
    for problem in _ORDER:
        if problem in problems:
            return (
                f"Tệp “{name}” {problem}, không được chấp nhận. "
                "Hãy in lại thành PDF thường rồi tải lên."
            )
    return None
