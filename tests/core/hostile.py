"""Evidence files built from bytes in the tests: real PDFs (cross-reference table and all,
so pypdf reads them strictly), PDFs hiding an action in a compressed object stream, zip
bombs from runs of zeros, Office files with macros or programs, images with a page appended."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PAGES = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
)


def pdf_of(*objects: bytes) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with its xref table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root 1 0 R >>" % (len(objects) + 1)
    return out + b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)


def pdf_with(catalog_extra: bytes = b"", *more: bytes) -> bytes:
    """A one-page PDF whose catalog carries `catalog_extra`; `more` are objects 4, 5, ..."""
    return pdf_of(b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog_extra, *PAGES, *more)


PLAIN_PDF = pdf_with()


def object_stream_pdf(hidden: bytes) -> bytes:
    """A PDF 1.5 whose catalog opens object 4, `hidden`, kept in a compressed object stream
    (object 5) and found through a cross-reference stream (object 6): its names are never
    written plainly in the file."""
    header = b"4 0 "
    packed = zlib.compress(header + hidden)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        *PAGES,
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(header), len(packed), packed),
    ]
    out = b"%PDF-1.5\n"
    offsets = {}
    for number, body in zip((1, 2, 3, 5), objects, strict=True):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 7):
        if number == 4:
            rows.append(struct.pack(">BIH", 2, 5, 0))  # in object stream 5, index 0
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s"
        b"\nendstream\nendobj\n" % (len(table), table)
    )
    return out + b"startxref\n%d\n%%%%EOF\n" % offsets[6]


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def office_of(part: str, **more: bytes) -> bytes:
    """A DOCX (part "word") or XLSX (part "xl") with `more` entries (names with / as __)."""
    name = "word/document.xml" if part == "word" else "xl/workbook.xml"
    members = {"[Content_Types].xml": b'<?xml version="1.0"?><Types/>', name: b"<document/>"}
    members.update({key.replace("__", "/"): value for key, value in more.items()})
    return zip_of(members)


def zip_bomb(part: str, unpacked: int) -> bytes:
    """An Office file with `unpacked` bytes of zeros: a few KB on disk, streamed while built."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        info = zipfile.ZipInfo(f"{part}/sheet.xml", date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as target:
            zeros = bytes(1024 * 1024)
            for _ in range(unpacked // len(zeros)):
                target.write(zeros)
    return buffer.getvalue()


PNG = (  # one red pixel: IHDR, IDAT, IEND, each with its CRC
    b"\x89PNG\r\n\x1a\n"
    + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    + b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    + b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
# SOI, a JFIF segment, an EXIF segment whose thumbnail ends in FFD9, a scan, EOI.
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xe1\x00\x0cExif\x00\x00\xff\xd8\xff\xd9"
    + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\xff\x00\x34\xff\xd0\x56"
    + b"\xff\xd9"
)
