"""The portal speaks Vietnamese by default and English through Django i18n (docs/i18n.md):
the language comes from the switcher's cookie or the browser's Accept-Language, msgids are
the Vietnamese strings themselves, and the English catalogue is complete and compiled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from portal.units.models import Lineage
from portal.units.workbook import KIND_LABELS
from portal.workflow import (
    ACTION_LABELS,
    CAMPAIGN_STATE_LABELS,
    CampaignState,
    Machine,
    WorkflowError,
    check,
)
from tests.portal.conftest import Cast

LOCALE = Path(settings.LOCALE_PATHS[0])
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Proper names and codes that read the same in English: an empty msgstr is right for them.
UNTRANSLATED = {"DTI"}


@pytest.fixture(autouse=True)
def no_language_left_behind() -> Iterator[None]:
    """LocaleMiddleware activates a language for the thread and never resets it: without
    this, the next test on this worker would build its messages in English."""
    yield
    translation.deactivate()


def page(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return str(response.content.decode())


# ---- the catalogue ---------------------------------------------------------------------


def test_it_has_the_english_messages_compiled():
    assert MO.exists(), f"{MO} is missing: run make (it compiles the messages)"
    assert MO.stat().st_mtime >= PO.stat().st_mtime, f"{MO} is older than {PO}: run make"


def _po_entries(text: str) -> Iterator[tuple[str, str, str, str]]:
    """(flags, msgctxt, msgid, msgstr) of every entry of a .po file; plurals joined."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        parts: dict[str, str] = {}
        key = ""
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                parts[key] = match.group(2)
            elif line.startswith('"'):
                parts[key] += line[1:-1]
        if parts.get("msgid"):
            strings = [value for name, value in parts.items() if name.startswith("msgstr")]
            msgstr = "" if "" in strings else " ".join(strings)
            yield flags, parts.get("msgctxt", ""), parts["msgid"].replace('\\"', '"'), msgstr


ENTRIES = list(_po_entries(PO.read_text(encoding="utf-8"))) if PO.exists() else []


def test_every_marked_string_has_an_english_translation():
    assert len(ENTRIES) > 300  # the whole interface, not a sample
    empty = [msgid for _, _, msgid, msgstr in ENTRIES if not msgstr and msgid not in UNTRANSLATED]
    assert empty == []
    assert [msgid for flags, _, msgid, _ in ENTRIES if "fuzzy" in flags] == []


def test_the_catalogue_has_every_string_the_templates_mark():
    """What makemessages would add: run it (docs/i18n.md) after marking a new string."""
    known = {(context, msgid) for _, context, msgid, _ in ENTRIES}
    tag = re.compile(r'\{% translate "([^"]+)"(?: context "([^"]+)")? %\}')
    marked = {
        (match.group(2) or "", match.group(1))
        for template in Path(settings.BASE_DIR, "src", "portal").rglob("templates/**/*.html")
        for match in tag.finditer(template.read_text(encoding="utf-8"))
    }
    assert len(marked) > 200
    assert sorted(marked - known) == []


def test_the_registry_workbook_keeps_the_vietnamese_words_of_the_model():
    """The workbook is a Vietnamese file format whatever the page's language."""
    with translation.override("vi"):
        assert {kind: str(label) for kind, label in Lineage.Kind.choices} == KIND_LABELS
    with translation.override("en"):
        assert str(Lineage.Kind.MERGED_INTO.label) == "Merged into"


def test_the_vietnamese_msgids_come_back_unchanged_in_vietnamese():
    with translation.override("vi"):
        assert str(CAMPAIGN_STATE_LABELS[CampaignState.OPEN]) == "Đang tự đánh giá"
        assert translation.gettext("Đăng nhập") == "Đăng nhập"
    with translation.override("en"):
        assert str(CAMPAIGN_STATE_LABELS[CampaignState.OPEN]) == "Self-assessment open"
        assert translation.gettext("Đăng nhập") == "Log in"


def test_the_workflow_table_keeps_its_keys_and_explains_itself_in_the_active_language():
    assert set(ACTION_LABELS) >= {"open", "submit", "approve", "return", "reopen"}
    with translation.override("en"), pytest.raises(WorkflowError, match="Publish"):
        check(Machine.CAMPAIGN, CampaignState.OPEN, "publish", set())
    with translation.override("vi"), pytest.raises(WorkflowError, match="Công bố"):
        check(Machine.CAMPAIGN, CampaignState.OPEN, "publish", set())


# ---- choosing the language -------------------------------------------------------------


def test_it_speaks_vietnamese_by_default(client, db):
    html = page(client.get("/tai-khoan/dang-nhap/"))
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html
    assert "Username" not in html


def test_it_speaks_english_to_a_browser_that_asks_for_it(client, db):
    html = page(client.get("/tai-khoan/dang-nhap/", **ENGLISH))
    assert '<html lang="en">' in html
    assert "Username" in html
    assert "Password" in html
    assert "Tên đăng nhập" not in html


def test_it_keeps_vietnamese_for_a_language_it_does_not_have(client, db):
    html = page(client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Tên đăng nhập" in html


def test_every_page_offers_the_switcher(client, db):
    html = page(client.get("/", follow=True))  # a visitor lands on the public results
    assert 'action="/i18n/setlang/"' in html
    assert "Tiếng Việt" in html
    assert "English" in html


def test_the_switcher_sets_the_language_until_switched_back(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in" in page(client.get("/", follow=True))
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đăng nhập" in page(client.get("/", follow=True))


def test_the_switcher_wins_over_the_browser(client, db):
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đăng nhập" in page(client.get("/", follow=True, **ENGLISH))


# ---- the pages in English --------------------------------------------------------------


def test_the_home_page_reads_in_english(cast: Cast):
    html = page(cast.client(cast.lan).get("/", **ENGLISH))
    for text in ("Self-assessment", "Campaigns", "Log out", "Self-assessment open"):
        assert text in html
    for text in ("Đăng xuất", "Trạng thái", "Đang tự đánh giá"):
        assert text not in html
    assert "Đánh giá chuyển đổi số năm 2025" in html  # data stays as typed


def test_a_campaign_page_reads_in_english_to_the_office_admin(cast: Cast):
    html = page(cast.client(cast.quang).get(f"/dot-danh-gia/{cast.campaign.pk}/", **ENGLISH))
    for text in ("Deadlines", "Self-assessment progress", "Close self-assessment", "Add units"):
        assert text in html
    for text in ("Thời hạn", "Tiến độ tự đánh giá", "Đóng tự đánh giá", "Thêm đơn vị"):
        assert text not in html


def test_the_self_assessment_form_reads_in_english_to_the_reporter(cast: Cast):
    url = f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/"
    html = page(cast.client(cast.lan).get(url, **ENGLISH))
    for text in ("Self-assessment: Sở Nội vụ", "Save draft", "Evidence", "Explanation"):
        assert text in html
    for text in ("Lưu nháp", "Tài liệu kiểm chứng", "Thuyết minh"):
        assert text not in html


def test_a_message_after_a_move_is_in_the_language_of_the_request(cast: Cast):
    client = cast.client(cast.quang)
    url = f"/dot-danh-gia/{cast.campaign.pk}/trang-thai/"
    data = {"action": "close_self_assessment", "confirmed": "1", "override": "1"}
    data["override_reason"] = "Hết hạn theo kế hoạch"
    response = client.post(url, data, follow=True, **ENGLISH)
    assert "Done: Close self-assessment." in page(response)
