"""HTML, SVG and script: what a browser runs. An SVG or HTML file executes when opened; a
"polyglot" is a PDF, an image or an Office file that is also a web page, because markup sits
where a browser sniffing the content would find it (the first bytes) or is appended after
the image's end, where image viewers never look."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# Tags and declarations that make a browser render or run the bytes as a page.
MARKUP = re.compile(
    rb"<(?:html|script|svg|iframe|body|object|embed|!doctype\s+html|\?php)(?![a-z0-9_-])",
    re.IGNORECASE,
)
MARKUP_EXTENSIONS = {".svg", ".svgz", ".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht"}
SNIFFED = 1024  # browsers and our own type check decide from the first bytes
PNG_END = b"IEND\xaeB`\x82"
JPEG_END = b"\xff\xd9"


def page_refusal(name: str, data: bytes) -> str | None:
    """An SVG or HTML file, by its name or by its first character, is refused outright."""
    starts_as_markup = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if PurePosixPath(name).suffix.lower() in MARKUP_EXTENSIONS or starts_as_markup:
        return (
            f"Tệp “{name}” là trang web hoặc ảnh SVG, có thể chạy mã khi mở bằng trình duyệt, "
            "không được chấp nhận. Hãy lưu thành PDF hoặc ảnh PNG, JPEG rồi tải lên."
        )
    return None


def polyglot_refusal(name: str, data: bytes) -> str | None:
    """Markup in the first or last KiB of a PDF or an Office file."""
    if MARKUP.search(data[:SNIFFED]) or MARKUP.search(data[-SNIFFED:]):
        return _polyglot(name)
    return None


def image_refusal(name: str, data: bytes) -> str | None:
    """Markup after the image's real end (where viewers stop reading and a browser sniffing
    the file would find a page), or in its first or last KiB. Compressed pixels are never
    searched: 20 MB of them spell `<svg ` by chance now and then."""
    end = png_end(data) if data.startswith(b"\x89PNG") else jpeg_end(data)
    if MARKUP.search(data, end):
        return (
            f"Tệp “{name}” có mã trang web (HTML, script) gắn thêm sau phần ảnh, không được "
            "chấp nhận. Hãy lưu lại ảnh bằng chương trình xem ảnh rồi tải lên."
        )
    return polyglot_refusal(name, data)


def png_end(data: bytes) -> int:
    """Where the PNG's IEND chunk ends, walking its chunks by their lengths; where the walk
    broke down for a malformed file (all after that is judged as appended)."""
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return min(position, len(data))
    return min(position, len(data))


def jpeg_end(data: bytes) -> int:
    """Where the JPEG's end-of-image marker (FFD9) ends: segments are skipped by their
    lengths (so a thumbnail's FFD9 inside EXIF is not taken for the end), entropy-coded
    data up to the next marker (FF followed by anything but 00 or a restart FFD0-FFD7)."""
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xD9:
            return position + 2
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xDA:  # start of scan: coded data until the next real marker
            position = _next_marker(data, position)
    if data[position : position + 2] == b"\xff\xd9":
        return position + 2
    return min(position, len(data))


def _next_marker(data: bytes, position: int) -> int:
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)
        following = data[position + 1]
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return position
        position += 2


def _polyglot(name: str) -> str:
    return (
        f"Tệp “{name}” có mã trang web (HTML, script) lẫn vào nội dung, không được chấp "
        "nhận. Hãy xuất lại tệp từ chương trình gốc rồi tải lên."
    )
