"""Hostile evidence files: what a file carries besides what it shows.

A unit's evidence is opened later by appraisers, in their browser and in Office. A file can
be what its name says (a real PDF, a real DOCX) and still carry something that runs there:
JavaScript or a launch action in a PDF, HTML hidden in an image or a PDF that a browser would
render, a macro in a document, a program or a "zip bomb" in an Office file. `refusal` reads
the bytes (never trusting the name) and answers why the file is refused, in plain Vietnamese
naming the file, or None when nothing hostile is found. It does not decide whether the type
is accepted at all: the portal does that first.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from dti.evidence.archive import zip_refusal
from dti.evidence.limits import Limits
from dti.evidence.markup import image_refusal, page_refusal, polyglot_refusal

__all__ = ["Limits", "refusal"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
ZIP_SIGNATURE = b"PK\x03\x04"
# Archives whose contents we cannot read with the standard library: never inspected, refused.
OPAQUE_ARCHIVES = {
    b"Rar!\x1a\x07": "RAR",
    b"7z\xbc\xaf\x27\x1c": "7z",
}
OPAQUE_EXTENSIONS = {".rar": "RAR", ".7z": "7z"}
DEFAULT_LIMITS = Limits()


def refusal(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why the file `name` with content `data` is refused, or None when it may be stored."""
    reason = page_refusal(name, data) or _opaque_archive(name, data)
    if reason:
        return reason
    if data.startswith((PNG_SIGNATURE, JPEG_SIGNATURE)):
        return image_refusal(name, data)
    reason = polyglot_refusal(name, data)
    if reason:
        return reason
    if data.startswith(b"%PDF-"):
        # pypdf (some 23 MB of a process) loaded by the first PDF a process inspects
        from dti.evidence.pdf import pdf_refusal

        return pdf_refusal(name, data, limits)
    if data.startswith(ZIP_SIGNATURE):
        return zip_refusal(name, data, limits)
    return None


def _opaque_archive(name: str, data: bytes) -> str | None:
    kind = OPAQUE_EXTENSIONS.get(PurePosixPath(name).suffix.lower())
    kind = kind or next((k for magic, k in OPAQUE_ARCHIVES.items() if data.startswith(magic)), None)
    if kind is None:
        return None
    return (
        f"Tệp “{name}” là tệp nén {kind}, không kiểm tra được nội dung bên trong nên không "
        "được chấp nhận. Hãy tải từng tệp lên riêng."
    )
