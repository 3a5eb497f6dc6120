"""Garbage in, a clear answer out: the whole-report audit on mangled reports never raises
anything but DocumentReadError (an unreadable file); a readable one always gives findings."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dti.audit.document import audit_documents
from dti.campaign import load_campaign
from dti.documents import DocumentReadError, read_document_bytes
from tests.core.seeds import BINHDINH, BINHPHUOC
from tests.core.test_audit_documents import BINHDINH_REPORT, BINHPHUOC_REPORT

CAMPAIGNS = {BINHPHUOC: load_campaign(BINHPHUOC), BINHDINH: load_campaign(BINHDINH)}
TEXTS = {
    BINHPHUOC: BINHPHUOC_REPORT.read_text("utf-8"),
    BINHDINH: BINHDINH_REPORT.read_text("utf-8"),
}
PIECES = ["\t", "\n", ",", ".", "%", "/", "05", "1,2.3,4", "9" * 40, "-", "(*)", "**", "Tốt",
          "so với năm 2023", "điểm trung bình đạt ", "Có 3/0 cơ quan đạt điểm trung bình trở lên",
          "Đối với các 03 đơn vị (", "nhóm tiêu chí số (99) là 1e9 điểm", "NaN", "∞", "\u202e",
          "Nhóm đạt mức Khá 99999999999999999999 đơn vị: ", "chiếm 1.2.3%", "dẫn đầu là ",
          "Bảng 1.1", "PHỤ LỤC", "Đơn vị", "MAX", "Chỉ số", "|", "| --- |"]  # fmt: skip


def audit_text(campaign, text: str) -> None:
    try:
        document = read_document_bytes(text.encode("utf-8", "surrogatepass"), source="x.txt")
    except DocumentReadError:
        return
    result = audit_documents(CAMPAIGNS[campaign], [document])
    assert all(f.message for f in result.findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    campaign=st.sampled_from(list(CAMPAIGNS)),
    seed=st.integers(0, 2**32 - 1),
    edits=st.integers(1, 40),
)
def test_a_mangled_report_gives_findings_never_a_crash(campaign, seed, edits):
    rng = random.Random(seed)  # noqa: S311  # reproducible edits, not secrets
    text = TEXTS[campaign]
    for _ in range(edits):
        at = rng.randrange(len(text))
        if rng.random() < 0.5:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        else:
            text = text[:at] + text[at + rng.randrange(1, 30) :]
    audit_text(campaign, text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=60))
def test_a_report_of_random_pieces_gives_findings_never_a_crash(pieces):
    audit_text(BINHPHUOC, "".join(pieces))
