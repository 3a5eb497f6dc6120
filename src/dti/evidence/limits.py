"""The caps an archive (a DOCX, an XLSX or a ZIP) must stay under, and sizes as people read
them in messages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dti.fixedpoint import format_vi, round_half_up

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The caps of an archive, read from its central directory before anything is
    extracted, and of a PDF's objects, counted while they are read.

    A real DOCX or XLSX unpacks to a few times its size; a zip bomb declares gigabytes for
    kilobytes. The ratio is only judged past `ratio_floor` bytes: a small file of blank
    cells compressing well hurts nobody."""

    max_unpacked: int = 100 * MB
    max_ratio: int = 100
    ratio_floor: int = 1 * MB
    max_entries: int = 10_000
    # pypdf reads some 10 000 objects a second: a 20 MB file of tiny objects would hold a
    # worker for a minute. A 500-page document exported from Word has a few thousand.
    max_pdf_objects: int = 50_000


def megabytes(size: int) -> str:
    """Sizes for messages: 20 MB, 1,5 MB."""
    value = round_half_up(Decimal(size) / MB, 1)
    whole = value == value.to_integral_value()
    return f"{format_vi(value.quantize(Decimal(1)) if whole else value)} MB"
