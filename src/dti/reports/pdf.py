"""DOCX to PDF with LibreOffice headless.

Each conversion runs in its own temporary directory with its own LibreOffice profile
(`-env:UserInstallation`): two conversions sharing a profile block each other, and the
second one silently writes nothing. The process group is killed on timeout, and the output
is checked to exist and to be a PDF; every failure is a PdfError with a Vietnamese message.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 180.0
_KEYWORDS = "/Keywords"  # the /Info entry


class PdfError(RuntimeError):
    """The PDF could not be made; the message says why, in Vietnamese."""


def find_soffice() -> str:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError(
        "Không tìm thấy LibreOffice (lệnh soffice) để chuyển báo cáo sang PDF. Cài gói Debian "
        "libreoffice-writer-nogui (`make test` cài gói này), hoặc xuất DOCX rồi tự chuyển."
    )


def convert_to_pdf(docx: bytes, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF of a DOCX document, as LibreOffice Writer prints it."""
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="dti-pdf-") as folder:
        work = Path(folder)
        source = work / "bao-cao.docx"
        source.write_bytes(docx)
        out = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out),
            str(source),
        ]
        returncode, errors = _run(command, timeout)
        return _checked(out / "bao-cao.pdf", returncode, errors)


def _run(command: list[str], timeout: float) -> tuple[int, str]:
    """Run in a new process group, so a timeout ends soffice and the children it forks."""
    process = subprocess.Popen(  # noqa: S603  (LibreOffice and paths this module built; no shell)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfError(
            f"LibreOffice không chuyển xong báo cáo sang PDF trong {timeout:g} giây."
        ) from None
    return process.returncode, errors.decode("utf-8", "replace")


def _checked(output: Path, returncode: int, errors: str) -> bytes:
    if not output.is_file():
        detail = errors.strip().splitlines()[-1] if errors.strip() else "không có thông báo"
        raise PdfError(f"LibreOffice không tạo được tệp PDF (mã thoát {returncode}; {detail}).")
    data = output.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise PdfError("Tệp LibreOffice tạo ra không phải tệp PDF.")
    return data


def with_keywords(pdf: bytes, keywords: str) -> bytes:
    """The PDF with its /Keywords set to `keywords`, exactly, as an incremental update (the
    bytes LibreOffice wrote are kept as they are, the update appended).

    LibreOffice does not carry a DOCX's keywords into the PDF as written: it reads them as a
    list of words, split at spaces, commas, semicolons and colons, and writes them joined by
    ", " ("dti-sha256:ab…" becomes "dti-sha256, ab…"). A keyword that must survive exactly,
    such as the hash of the figures a signature is to cover, is therefore set here, after
    the conversion. PdfError when the PDF cannot be read. pyHanko is loaded here, by the
    reports that are made, not by every process that names PdfError."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError

    name = generic.NameObject(_KEYWORDS)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        info = writer.trailer_view.get("/Info")
        if info is None:  # no /Info yet: one with the keywords alone
            entries = generic.DictionaryObject()  # type: ignore[no-untyped-call]  # pyHanko leaves __init__ unannotated
            entries[name] = generic.TextStringObject(keywords)
            writer.set_info(entries)
        else:
            entries = info.get_object()
            entries[name] = generic.TextStringObject(keywords)
            writer.update_container(entries)  # the update holds the new /Info
        out = io.BytesIO()
        writer.write(out)  # type: ignore[no-untyped-call]  # pyHanko leaves write() unannotated
    except (PdfReadError, ValueError) as error:
        raise PdfError(f"Không ghi được từ khóa vào tệp PDF ({error}).") from error
    return out.getvalue()


def keywords_of(pdf: bytes) -> str:
    """The PDF's /Keywords as its latest revision states them ('' when none). PdfError
    when the PDF cannot be read."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        info = reader.trailer_view.get("/Info")
        return str(info.get_object().get(_KEYWORDS, "")) if info is not None else ""
    except (PdfReadError, ValueError) as error:
        raise PdfError(f"Không đọc được tệp PDF ({error}).") from error
