"""DOCX, XLSX, PPTX and ZIP: judged from the central directory, before anything is extracted.

An Office file is a zip. Its directory declares every entry's name and sizes, so a zip bomb
(gigabytes of zeros in kilobytes), a path that climbs out of a folder (`../`), a program or a
macro project is seen without unpacking a byte. An archive inside (a chart's workbook inside
a DOCX) is opened one level deep, its size bounded while it is read, and judged the same way;
an archive inside that, or one we cannot read (RAR, 7z, CAB ...), is refused.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO
from pathlib import PurePosixPath

from dti.evidence.limits import Limits, megabytes

OFFICE_EXTENSIONS = {".docx", ".xlsx", ".pptx"}
PROGRAMS = {
    ".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".js", ".jse", ".vbs", ".vbe", ".ps1",
    ".sh", ".jar", ".msi", ".msp", ".apk", ".hta", ".wsf", ".lnk", ".cpl", ".pif", ".reg",
}  # fmt: skip
ZIPPED = {".zip", ".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".pptm"}
OPAQUE = {".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".cab", ".iso", ".arj", ".lzh"}
# VBA projects (Word, Excel, PowerPoint) and Excel 4.0 macro sheets.
MACRO_NAMES = {"vbaproject.bin", "vbaprojectsignature.bin"}
MACRO_FOLDERS = {"macrosheets"}
# What zipfile raises on a broken, encrypted or unsupported entry.
UNREADABLE = (
    zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, zlib.error,
    NotImplementedError, RuntimeError,
)  # fmt: skip


def zip_refusal(name: str, data: bytes, limits: Limits) -> str | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return _archive_refusal(name, archive, limits, nested=False)
    except UNREADABLE:
        return f"Tệp “{name}” là tệp nén hỏng, không đọc được nên không được chấp nhận."


def _archive_refusal(
    name: str, archive: zipfile.ZipFile, limits: Limits, *, nested: bool
) -> str | None:
    entries = archive.infolist()
    structure = _size_refusal(name, entries, limits)
    if structure:
        return structure
    office = PurePosixPath(name).suffix.lower() in OFFICE_EXTENSIONS
    if office and not nested and "[Content_Types].xml" not in archive.namelist():
        return (
            f"Tệp “{name}” không có cấu trúc của tài liệu Office (thiếu "
            "[Content_Types].xml), không được chấp nhận."
        )
    for entry in entries:
        reason = _entry_refusal(name, entry) or _inner_archive(name, archive, entry, limits, nested)
        if reason:
            return reason
    return None


def _size_refusal(name: str, entries: list[zipfile.ZipInfo], limits: Limits) -> str | None:
    if len(entries) > limits.max_entries:
        return (
            f"Tệp “{name}” chứa quá nhiều tệp bên trong ({len(entries)}; tối đa "
            f"{limits.max_entries}), không được chấp nhận."
        )
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if unpacked > limits.max_unpacked:
        return (
            f"Tệp “{name}” khi giải nén lên tới {megabytes(unpacked)} (tối đa "
            f"{megabytes(limits.max_unpacked)}), có thể là “bom nén”, không được chấp nhận."
        )
    if unpacked > limits.ratio_floor and unpacked > packed * limits.max_ratio:
        return (
            f"Tệp “{name}” nén bất thường (giải nén lớn gấp {unpacked // packed} lần, tối đa "
            f"{limits.max_ratio} lần), có thể là “bom nén”, không được chấp nhận."
        )
    return None


def _entry_refusal(name: str, entry: zipfile.ZipInfo) -> str | None:
    path = entry.filename.replace("\\", "/")
    parts = PurePosixPath(path).parts
    if path.startswith("/") or ".." in parts or (len(path) > 1 and path[1] == ":"):
        return (
            f"Tệp “{name}” có đường dẫn không an toàn bên trong (“{entry.filename}”), không "
            "được chấp nhận."
        )
    leaf = PurePosixPath(path)
    if leaf.name.lower() in MACRO_NAMES or MACRO_FOLDERS & {p.lower() for p in parts[:-1]}:
        return (
            f"Tệp “{name}” có macro (mã VBA), không được chấp nhận. Hãy lưu lại thành tệp "
            "không có macro (.docx, .xlsx) rồi tải lên."
        )
    if leaf.suffix.lower() in PROGRAMS:
        return (
            f"Tệp “{name}” có chứa chương trình chạy được (“{entry.filename}”), không được "
            "chấp nhận."
        )
    return None


def _inner_archive(
    name: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: Limits, nested: bool
) -> str | None:
    suffix = PurePosixPath(entry.filename).suffix.lower()
    if suffix not in ZIPPED | OPAQUE:
        return None
    refused = (
        f"Tệp “{name}” có tệp nén lồng bên trong (“{entry.filename}”) không kiểm tra được, "
        "không được chấp nhận."
    )
    if nested or suffix in OPAQUE:
        return refused
    try:
        with archive.open(entry) as inner:
            content = inner.read(limits.max_unpacked + 1)  # a lying directory stops here too
        if len(content) > limits.max_unpacked:
            return refused
        with zipfile.ZipFile(BytesIO(content)) as inner_archive:
            reason = _archive_refusal(entry.filename, inner_archive, limits, nested=True)
    except UNREADABLE:
        return refused
    return f"Tệp “{name}”: {reason[0].lower()}{reason[1:]}" if reason else None
