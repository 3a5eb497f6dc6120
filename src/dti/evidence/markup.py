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
    """Markup anywhere in a PNG or JPEG: compressed pixels never spell `<script`, so it was
    put there, usually after the image's end marker where viewers stop reading."""
    found = MARKUP.search(data)
    if found is None:
        return None
    end = data.find(PNG_END) if data.startswith(b"\x89PNG") else data.rfind(JPEG_END)
    if 0 <= end < found.start():
        return (
            f"Tệp “{name}” có mã trang web (HTML, script) gắn thêm sau phần ảnh, không được "
            "chấp nhận. Hãy lưu lại ảnh bằng chương trình xem ảnh rồi tải lên."
        )
    return _polyglot(name)


def _polyglot(name: str) -> str:
    return (
        f"Tệp “{name}” có mã trang web (HTML, script) lẫn vào nội dung, không được chấp "
        "nhận. Hãy xuất lại tệp từ chương trình gốc rồi tải lên."
    )
