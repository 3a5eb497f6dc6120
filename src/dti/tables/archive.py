"""Looking inside an XLSX before any parser opens it.

An XLSX is a zip of XML parts. A file of 167 KB may hold a sheet that unpacks to hundreds of
megabytes (300,000 rows compress to almost nothing), or thousands of entries, and openpyxl
would read all of it. The zip's directory declares each entry's unpacked size, and Python's
zipfile never reads an entry past its declared size, so the declared sizes bound the work:
checking them (the total, the largest ratio to the packed size, the number of entries) is
enough to refuse a bomb before a single XML byte is parsed. Entity expansion inside the XML
("billion laughs") is refused by defusedxml, which openpyxl uses when it is installed.

The limits suit every workbook the DTI reads: score tables, system values, framework and
unit registries are at most a few megabytes of XML.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from dti.tables.raw import thousands

MAX_ENTRIES = 1_000
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
# Sheet XML of repeated rows compresses about 20–60 times; past this ratio it is a bomb.
MAX_RATIO = 200
NOT_XLSX = "Tệp không phải là tệp Excel (.xlsx) đọc được."


@dataclass(frozen=True)
class ArchiveLimits:
    entries: int = MAX_ENTRIES
    unpacked_bytes: int = MAX_UNPACKED_BYTES
    ratio: int = MAX_RATIO


DEFAULT_LIMITS = ArchiveLimits()


def xlsx_archive_problem(data: bytes, limits: ArchiveLimits = DEFAULT_LIMITS) -> str | None:
    """Why `data` is no XLSX to open (in Vietnamese), or None when it may be opened."""
    return archive_problem(data, "xl/workbook.xml", "Tệp Excel", NOT_XLSX, limits)


def archive_problem(
    data: bytes, entry: str, name: str, foreign: str, limits: ArchiveLimits = DEFAULT_LIMITS
) -> str | None:
    """Why `data` is no Office file to open, or None: `foreign` when it is no zip holding
    `entry`; else the first limit its zip directory breaks, naming the file as `name`
    ("Tệp Excel", "Tệp Word")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return foreign  # NotImplementedError: an entry needing a later zip version
    if entry not in {member.filename for member in members}:
        return foreign
    if len(members) > limits.entries:
        return f"{name} có {len(members)} phần, tối đa {limits.entries}: không đọc."
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.unpacked_bytes:
        return (
            f"{name} giải nén ra quá lớn ({thousands(unpacked)} byte, tối đa "
            f"{thousands(limits.unpacked_bytes)}): không đọc."
        )
    for member in members:
        if member.file_size > limits.ratio * max(member.compress_size, 1024):
            return (
                f"{name} có phần “{member.filename[:80]}” nén quá mức "
                f"(giải nén gấp hơn {limits.ratio} lần): không đọc."
            )
    return None
