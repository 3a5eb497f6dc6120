"""The one-page brief for a unit's head (dti.reports.unit_brief): one A4 page whatever the
lists, Vietnamese text as given, markup and control characters inert."""

from __future__ import annotations

import io

from pypdf import PdfReader

from dti.reports.unit_brief import BriefLoss, UnitBrief, render_unit_brief


def brief(losses: int = 7, steps: int = 3, unit: str = "Sở Nội vụ") -> UnitBrief:
    return UnitBrief(
        title="Đánh giá chuyển đổi số năm 2023 (2023) · Bình Định · Sở, ban, ngành",
        unit=unit,
        standing="Hạng 3/21, 98,0%.",
        losses=tuple(
            BriefLoss(f"Chỉ số chính {i}", "32,5/40", "7,5", "81,3%", "100,0% (Sở Tài chính)")
            for i in range(losses)
        ),
        target="Để lên hạng 1, đơn vị cần thêm 4,29 điểm.",
        steps=tuple(
            f"Hạ tầng số {i}: từ 30 lên ít nhất 34,29 điểm (thêm 4,29)." for i in range(steps)
        ),
        note="Lộ trình tính từ kết quả đã chốt.",
    )


def text_of(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), " ".join(page.extract_text() or "" for page in reader.pages)


def test_the_brief_is_one_page_with_the_unit_its_losses_and_its_path():
    pages, text = text_of(render_unit_brief(brief()))
    assert pages == 1
    for expected in ("Sở Nội vụ", "Hạng 3/21, 98,0%.", "Chỉ số chính 6", "cần thêm 4,29 điểm"):
        assert expected in text


def test_long_lists_are_cut_and_still_fit_one_page():
    pages, text = text_of(render_unit_brief(brief(losses=40, steps=60)))
    assert pages == 1
    assert "… và 28 chỉ số khác" in text and "… và 50 tiêu chí khác" in text


def test_markup_and_control_characters_in_a_name_stay_inert():
    pages, text = text_of(render_unit_brief(brief(unit="Sở <b>Nội</b> vụ\x07 & Co")))
    assert pages == 1
    assert "Sở <b>Nội</b> vụ & Co" in text
