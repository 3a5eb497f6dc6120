"""End-to-end journeys in headless Chromium, through the pages only (the database is read to
check the outcome, and written only to move the clock's deadline): Lan fills in, saves,
attaches evidence and submits Sở Nội vụ's self-assessment and Minh approves it; Thảo of Sở
Tư pháp learns nothing of it; after the deadline the form is read-only and refuses saves."""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, Route, expect

from portal.assessments.models import Answer, Evidence, Submission
from portal.campaigns.models import Campaign
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import log_in, person_page
from tests.browser.test_guard_rails import confirm
from tests.portal.assessments.conftest import PDF, url
from tests.portal.conftest import Cast

pytestmark = pytest.mark.browser

# What Lan types, criterion by criterion, and the live self-score the page then shows.
TYPED = [
    ("cqs_ky_so", "87,5", "13,13", "13,13"),  # a percentage, typed the Vietnamese way
    ("nts_ke_hoach", "Có", "5", "18,13"),  # yes/no
    ("tcs_quy_che", "Ban hành đầy đủ", "10", "28,13"),  # a choice
    ("nts_tuyen_truyen", "4", "2", "30,13"),  # a count, 0,5 each
    ("cqs_so_hoa", "75", "10", "40,13"),  # bands
    ("xhs_danh_gia", "20", "20", "60,13"),  # the appraisers' criterion, self-scored
]
SAVED = {
    "cqs_ky_so": "87.5", "nts_ke_hoach": True, "tcs_quy_che": "day_du",
    "nts_tuyen_truyen": "4", "cqs_so_hoa": "75", "xhs_danh_gia": "20",
}  # fmt: skip


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path: Path) -> Path:
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def other_page(browser: Browser, live_server) -> Iterator[Page]:
    """A second person's browser: its own context, so no cookie is shared with `page`."""
    with person_page(browser, live_server.url) as page:
        yield page


def answer(page: Page, code: str, typed: str) -> None:
    criterion = page.locator(f"#tc-{code}")
    if criterion.locator("select").count():
        criterion.locator("select").select_option(label=typed)
    elif criterion.locator('input[type="radio"]').count():
        criterion.get_by_label(typed, exact=True).check()
    else:
        page.locator(f'[name="value:{code}"]').fill(typed)


def attach(page: Page, code: str, path: Path) -> None:
    criterion = page.locator(f"#tc-{code}")
    criterion.locator('input[type="file"]').set_input_files(path)
    criterion.get_by_role("button", name="Tải lên").click()
    # the outcome is said inside the criterion, where the page returns to, by no code
    expect(criterion.get_by_role("status")).to_have_text(f"Đã thêm tệp “{path.name}”.")
    assert page.evaluate("location.hash") == f"#tc-{code}"


def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "ke-hoach-cds-2025.pdf"
    path.write_bytes(PDF)
    return path


def press(page: Page, button: str, state: str) -> None:
    """Press a move's button and confirm it on the page that asks first."""
    page.get_by_role("button", name=button).click()
    confirm(page)
    expect(page.locator("#state")).to_have_text(state)


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width > 0 and height > 0


@pytest.mark.parametrize("width", [1366, 390])  # a laptop, and a commune's phone
def test_lan_fills_in_and_submits_then_minh_approves(
    page: Page, other_page: Page, cast: Cast, tmp_path: Path, width: int
):
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, "lan")
    assert_accessible(page)
    page.get_by_role("link", name="Sở Nội vụ").click()
    expect(page.get_by_role("heading", name="Tự đánh giá: Sở Nội vụ")).to_be_visible()
    for code, typed, score, total in TYPED:
        answer(page, code, typed)
        expect(page.locator(f'[data-score="{code}"]')).to_have_text(score)
        expect(page.locator('[data-summary="total"]')).to_have_text(total)
    expect(page.locator('[data-summary="ratio"]')).to_have_text("60,1%")
    expect(page.locator('[data-summary="class"]')).to_have_text("Trung bình")
    expect(page.locator('aside [data-index-score="hoat_dong_chinh_quyen_so"]')).to_have_text(
        "23,13"
    )
    expect(page.locator("aside #missing")).to_have_text("Đã trả lời đủ các tiêu chí.")
    assert_accessible(page)  # after the live score's swaps
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp (6 tiêu chí thay đổi).")
    expect(page.locator('[name="value:cqs_ky_so"]')).to_have_value("87,5")
    assert dict(Answer.objects.values_list("criterion", "value")) == SAVED

    attach(page, "nts_ke_hoach", pdf_file(tmp_path))
    expect(page.locator("#tc-nts_ke_hoach .evidence a")).to_have_text("ke-hoach-cds-2025.pdf")
    assert Evidence.objects.get().sha256 == hashlib.sha256(PDF).hexdigest()

    page.get_by_role("link", name="Kiểm tra và gửi phê duyệt →").click()
    expect(page.locator("#missing")).to_have_text("Không còn thiếu tiêu chí nào.")
    assert_accessible(page)
    press(page, "Gửi phê duyệt", "Đã gửi, chờ phê duyệt")

    log_in(other_page, "minh")
    other_page.get_by_role(
        "link", name=re.compile("^Phê duyệt: Sở Nội vụ")
    ).click()  # his start page
    expect(other_page.locator("#state")).to_have_text("Đã gửi, chờ phê duyệt")
    press(other_page, "Phê duyệt và ký", "Đã phê duyệt")
    sha256 = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).snapshot_sha256
    assert re.fullmatch(r"[0-9a-f]{64}", sha256)
    technical = other_page.locator(".card details.technical")  # the hash, behind a toggle
    expect(technical.locator("code")).to_be_hidden()
    technical.locator("summary").click()
    expect(technical.locator("code")).to_have_text(sha256)
    other_page.set_viewport_size({"width": 390, "height": 844})  # the hash wraps on a phone
    assert_accessible(other_page)

    screenshot = tmp_path / "approved.png"
    other_page.screenshot(path=screenshot, full_page=True)
    assert_png(screenshot)


def test_thao_learns_nothing_of_so_noi_vu(page: Page, other_page: Page, cast: Cast, tmp_path):
    campaign_unit = cast.noi_vu_campaign_unit
    log_in(other_page, "lan")
    other_page.goto(url("form", campaign_unit))
    attach(other_page, "nts_ke_hoach", pdf_file(tmp_path))
    download = other_page.locator("#tc-nts_ke_hoach .evidence a").get_attribute("href")
    assert other_page.request.get(download).body() == PDF  # Lan's own file: she gets it

    log_in(page, "thao")
    page.goto("/tu-danh-gia/")
    expect(page.locator("table.my-entries")).to_contain_text("Sở Tư pháp")
    expect(page.get_by_text("Sở Nội vụ")).to_have_count(0)
    assert_accessible(page)
    for path in (url("form", campaign_unit), url("status", campaign_unit), download):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.locator("body")).not_to_contain_text("Sở Nội vụ")
    api = page.request.get(f"/api/campaign-units/{campaign_unit.pk}/answers")
    assert api.status == 404
    assert api.json() == {"detail": "Không tìm thấy."}


def posted_fields(page: Page) -> dict[str, str]:
    """What the answers form would post now (the CSRF token included)."""
    return page.evaluate(
        "() => Object.fromEntries(new FormData(document.getElementById('answers')))"
    )


def test_after_the_deadline_the_form_is_read_only_and_refuses_saves(page: Page, cast: Cast):
    campaign_unit = cast.noi_vu_campaign_unit
    log_in(page, "lan")
    page.goto(url("form", campaign_unit))
    answer(page, "cqs_ky_so", "87,5")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp (1 tiêu chí thay đổi).")
    stale = posted_fields(page) | {"value:cqs_ky_so": "50"}  # a page left open too long
    deadline = timezone.now() - timedelta(hours=1)
    Campaign.objects.filter(pk=cast.campaign.pk).update(self_assessment_deadline=deadline)

    page.reload()
    expect(page.locator("p.readonly")).to_contain_text("Đã hết hạn tự đánh giá (hạn ")
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)
    expect(page.locator('input[type="file"]')).to_have_count(0)
    expect(page.locator('[form="answers"]')).not_to_have_count(0)
    changeable = page.eval_on_selector_all(
        '[form="answers"]', "els => els.filter(e => !e.readOnly && !e.disabled).map(e => e.name)"
    )
    assert changeable == []
    assert_accessible(page)
    expect(page.locator('[name="value:cqs_ky_so"]')).to_have_value("87,5")

    response = page.request.post(url("save", campaign_unit), form=stale)
    assert "Đã hết hạn tự đánh giá" in response.text()
    assert list(Answer.objects.values_list("criterion", "value")) == [("cqs_ky_so", "87.5")]

    page.goto(url("status", campaign_unit))
    expect(page.locator(".card .error")).to_contain_text("Đã hết hạn tự đánh giá")
    expect(page.get_by_role("button", name="Gửi phê duyệt")).to_have_count(0)


def test_what_a_slow_phone_typed_before_the_scripts_ran_is_scored(page: Page, cast: Cast):
    """The live score comes with the page's scripts; a commune's phone may show the form well
    before they run. What was typed meanwhile is scored once they have."""
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)  # the request waits until released below

    page.route("**/htmx.min.js", hold)
    log_in(page, "lan")
    page.goto(url("form", cast.noi_vu_campaign_unit), wait_until="commit")
    answer(page, "cqs_ky_so", "87,5")
    expect(page.locator('[data-score="cqs_ky_so"]')).to_have_text("0")
    assert held, "the form asked for no script"
    for route in held:
        route.continue_()
    expect(page.locator('[data-score="cqs_ky_so"]')).to_have_text("13,13")
    expect(page.locator("#dirty-note")).to_be_visible()  # and it is not yet saved


# A save tapped, then tapped again and sent by Enter once it has the fields' values, by the
# page's own script: while the page waits for the save's answer Playwright waits too (for
# the navigation). What it saw is noted where the next page can read it (sessionStorage,
# kept across the tab's pages): the button's and the note's words, whether the field
# named waited, and which of the three submits were sent.
TWO_TAPS = """(name) => {
    const form = document.getElementById("answers");
    const button = document.getElementById("save-answers");
    const note = document.getElementById("dirty-note");
    const field = form.elements.namedItem(name);
    const seen = {sent: []};
    const keep = () => sessionStorage.setItem("seen", JSON.stringify(seen));
    form.addEventListener("submit", (event) => { seen.sent.push(!event.defaultPrevented); keep(); });
    button.click();  // the save
    seen.saying = [button.textContent, button.getAttribute("aria-disabled"),
                   note.textContent, note.hidden];
    keep();
    setTimeout(() => {  // once the save has the fields' values
        seen.waiting = field.disabled;
        button.click();  // a thumb
        form.requestSubmit();  // Enter
        seen.taps = true;
        keep();
    }, 0);
}"""


def assert_two_taps_sent_one_save(page: Page) -> None:
    """What TWO_TAPS noted, read on the page the save's answer brought: the save said so
    and its field waited, and neither the second tap nor Enter was sent."""
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('seen'))")
    assert seen["taps"] is True
    assert seen["sent"] == [True, False, False]  # the save, then neither of the others
    button, disabled, note, hidden = seen["saying"]
    assert (button, disabled, hidden) == ("Đang lưu…", "true", False)
    assert note.startswith("Đang lưu, xin chờ")
    assert seen["waiting"] is True  # the field taken by the save waited with it


def test_a_save_under_way_says_so_and_a_second_tap_sends_nothing(page: Page, cast: Cast):
    """On deadline day a save can wait its turn for seconds. The button and the note say it
    is saving, the fields wait with it, and a second tap or Enter meanwhile sends no second
    save: that one would make the browser drop the first one's answer, the page that says
    what was saved."""
    campaign_unit = cast.noi_vu_campaign_unit
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)  # the save waits until released below

    def score(route: Route) -> None:
        scored.append(len(held))  # how many saves had been sent by then
        route.continue_()

    scored: list[int] = []
    page.route(f"**{url('save', campaign_unit)}", hold)
    page.route(f"**{url('score', campaign_unit)}", score)
    log_in(page, "lan")
    page.goto(url("form", campaign_unit))
    answer(page, "cqs_ky_so", "87,5")  # its live score asked for 300 ms later: after the tap
    page.evaluate(TWO_TAPS, "value:cqs_ky_so")
    page.wait_for_timeout(1000)  # the save is held meanwhile; the second taps come at once
    assert len(held) == 1
    # no live score while the save waits: it would be sent without the field that waits
    assert scored == []
    held[0].continue_()
    # the first save's answer is the page shown: a second save sent meanwhile would have
    # taken its place, and stayed held
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp (1 tiêu chí thay đổi).")
    assert len(held) == 1
    assert Answer.objects.get(criterion="cqs_ky_so").value == "87.5"
    assert_two_taps_sent_one_save(page)


def test_a_save_that_never_answers_can_be_sent_again(page: Page, cast: Cast):
    """A save whose answer never comes (a stalled connection, a save stopped): after 30
    seconds the button says "Lưu nháp" again, the fields can be changed, the changes are
    said to be unsaved since whether they were stored is not known, and saving again
    works."""
    campaign_unit = cast.noi_vu_campaign_unit
    held: list[Route] = []

    def lose(route: Route) -> None:
        held.append(route)
        if len(held) == 1:
            route.abort("aborted")  # no answer; the page stays, as after a save stopped
        else:
            route.continue_()

    page.clock.install()  # the page's timers, moved on below rather than waited for
    page.route(f"**{url('save', campaign_unit)}", lose)
    log_in(page, "lan")
    page.goto(url("form", campaign_unit))
    answer(page, "cqs_ky_so", "87,5")
    field = page.locator('[name="value:cqs_ky_so"]')
    button = page.locator("#save-answers")
    button.click()
    expect(button).to_have_text("Đang lưu…")
    expect(field).to_be_disabled()
    page.clock.run_for(25_000)  # the clock also runs on by itself: five seconds to spare
    expect(button).to_have_text("Đang lưu…")
    button.click(force=True)  # too early: nothing sent
    page.clock.run_for(5_000)
    expect(button).to_have_text("Lưu nháp")
    expect(button).not_to_have_attribute("aria-disabled", "true")
    expect(field).to_be_enabled()
    expect(page.locator("#dirty-note")).to_have_text(re.compile("^Chưa có trả lời"))
    expect(page.locator("#dirty-note")).to_be_visible()
    assert len(held) == 1
    button.click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp (1 tiêu chí thay đổi).")
    assert len(held) == 2
    assert Answer.objects.get(criterion="cqs_ky_so").value == "87.5"
