"""Two reporters of one unit saving the same criterion: optimistic locking with
Answer.version. The stale save is refused as a whole, shows the other person's value and
name, keeps what was typed, and a second press of Lưu nháp overwrites on purpose."""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import Membership, User
from portal.assessments.models import Answer
from portal.audit.models import AuditEntry
from portal.roles import Role
from tests.portal.assessments.conftest import form_fields, url
from tests.portal.conftest import Cast


@pytest.fixture
def huong(cast: Cast) -> User:
    user = User.objects.create_user(username="huong", password="x" * 16, full_name="Đỗ Thu Hương")
    Membership.objects.create(
        user=user, province=cast.province, role=Role.REPORTER, unit=cast.noi_vu
    )
    return user


def opened(client, cast: Cast) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return form_fields(client.get(url("form", cast.noi_vu_campaign_unit)))


def post(client, cast: Cast, fields: dict[str, str], **values: str):  # type: ignore[no-untyped-def]
    data = {**fields, **{f"value:{code}": text for code, text in values.items()}}
    return client.post(url("save", cast.noi_vu_campaign_unit), data)


def answer(code: str) -> tuple[object, int, str]:
    row = Answer.objects.select_related("updated_by").get(criterion=code)
    return row.value, row.version, row.updated_by.username


def test_a_stale_save_is_refused_with_the_other_persons_value(cast: Cast, huong: User):
    lan, other = cast.client(cast.lan), cast.client(huong)
    lan_page = opened(lan, cast)
    assert post(other, cast, opened(other, cast), cqs_ky_so="60").status_code == 302
    response = post(lan, cast, lan_page, cqs_ky_so="70")
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được người khác lưu" in page
    conflict = page[page.index('class="conflict"') :][:600]
    assert "Đỗ Thu Hương" in conflict
    assert "“60”" in conflict
    assert 'name="value:cqs_ky_so" value="70"' in page  # Lan's typing is not lost
    assert answer("cqs_ky_so") == ("60", 1, "huong")  # nor is Hương's


def test_saving_again_after_the_conflict_overwrites_on_purpose(cast: Cast, huong: User):
    lan, other = cast.client(cast.lan), cast.client(huong)
    lan_page = opened(lan, cast)
    post(other, cast, opened(other, cast), cqs_ky_so="60")
    refused = post(lan, cast, lan_page, cqs_ky_so="70")
    again = lan.post(url("save", cast.noi_vu_campaign_unit), form_fields(refused))
    assert again.status_code == 302
    assert answer("cqs_ky_so") == ("70", 2, "lan")


def test_a_conflict_saves_nothing_of_the_same_page(cast: Cast, huong: User):
    lan, other = cast.client(cast.lan), cast.client(huong)
    lan_page = opened(lan, cast)
    post(other, cast, opened(other, cast), cqs_ky_so="60")
    response = post(lan, cast, lan_page, cqs_ky_so="70", cqs_so_hoa="80")
    assert response.status_code == 409
    assert not Answer.objects.filter(criterion="cqs_so_hoa").exists()


def test_criteria_left_untouched_never_overwrite_someone_elses(cast: Cast, huong: User):
    lan, other = cast.client(cast.lan), cast.client(huong)
    lan_page = opened(lan, cast)  # cqs_ky_so empty on Lan's page
    post(other, cast, opened(other, cast), cqs_ky_so="60")
    assert post(lan, cast, lan_page, cqs_so_hoa="80").status_code == 302
    assert answer("cqs_ky_so") == ("60", 1, "huong")
    assert answer("cqs_so_hoa") == ("80", 1, "lan")


def test_typing_the_same_value_is_not_a_conflict(cast: Cast, huong: User):
    lan, other = cast.client(cast.lan), cast.client(huong)
    lan_page = opened(lan, cast)
    post(other, cast, opened(other, cast), cqs_ky_so="60")
    assert post(lan, cast, lan_page, cqs_ky_so="60").status_code == 302
    assert answer("cqs_ky_so") == ("60", 1, "huong")


def test_a_note_saved_by_someone_else_is_shown_in_the_conflict(cast: Cast, huong: User):
    lan, other = cast.client(cast.lan), cast.client(huong)
    lan_page = opened(lan, cast)
    fields = {**opened(other, cast), "note:cqs_ky_so": "Theo báo cáo quý IV"}
    other.post(url("save", cast.noi_vu_campaign_unit), fields)
    response = lan.post(
        url("save", cast.noi_vu_campaign_unit), {**lan_page, "note:cqs_ky_so": "Khác"}
    )
    assert response.status_code == 409
    assert "Theo báo cáo quý IV" in response.content.decode()
    assert Answer.objects.get(criterion="cqs_ky_so").note == "Theo báo cáo quý IV"


def test_a_replayed_save_writes_nothing_twice(cast: Cast, huong: User):
    """The same POST sent again (a double press, a replay): what it posts is stored already,
    so it writes nothing, no new version and no audit entry; replayed after someone else
    saved, it is a conflict, never an overwrite."""
    lan = cast.client(cast.lan)
    fields = {**opened(lan, cast), "value:cqs_ky_so": "70"}
    first = lan.post(url("save", cast.noi_vu_campaign_unit), fields, follow=True)
    assert first.redirect_chain[0][1] == 302  # its message read on the page it leads to
    entries = AuditEntry.objects.count()
    again = lan.post(url("save", cast.noi_vu_campaign_unit), fields, follow=True)
    assert again.redirect_chain[0][1] == 302
    assert answer("cqs_ky_so") == ("70", 1, "lan")
    assert AuditEntry.objects.count() == entries
    # said as it is: nothing new, the page's answers saved (not "0 criteria changed")
    said = [str(message) for message in again.context["messages"]]
    assert said == ["Không có gì mới để lưu: các câu trả lời trên trang đã được lưu."]
    other = cast.client(huong)
    assert post(other, cast, opened(other, cast), cqs_ky_so="60").status_code == 302
    assert lan.post(url("save", cast.noi_vu_campaign_unit), fields).status_code == 409
    assert answer("cqs_ky_so") == ("60", 2, "huong")


@pytest.mark.parametrize(
    "loaded",
    ["", "x" * 10_000, "\x00\x1b[2J", '{"note": "", "value": null}', "AAAAAAAAAAAAAAAAAAAAAA"],
    ids=["blank", "huge", "control-characters", "the-old-canonical-text", "a-made-up-digest"],
)
def test_a_page_posting_any_other_loaded_answer_gets_a_conflict_not_an_overwrite(
    cast: Cast, huong: User, loaded: str
):
    """Whatever a crafted page says it loaded, a criterion someone saved since is shown as
    a conflict (409) and theirs is kept: `loaded:` only ever tells the save whether the
    person touched the field, and no text but the digest of what was stored says no."""
    lan, other = cast.client(cast.lan), cast.client(huong)
    lan_page = opened(lan, cast)
    assert post(other, cast, opened(other, cast), cqs_ky_so="60").status_code == 302
    crafted = {**lan_page, "loaded:cqs_ky_so": loaded}  # the field itself left as loaded
    response = lan.post(url("save", cast.noi_vu_campaign_unit), crafted)
    assert response.status_code == 409
    assert answer("cqs_ky_so") == ("60", 1, "huong")


def test_the_loaded_answers_travel_in_hidden_fields_only(cast: Cast):
    """The digest is for the save, not for the person: never shown on the page."""
    page = cast.client(cast.lan).get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    fields = re.findall(r'<input[^>]*name="loaded:[^"]+"[^>]*>', page)
    assert fields
    assert all('type="hidden"' in field for field in fields)
    digests = {re.search(r'value="([^"]*)"', field).group(1) for field in fields}  # type: ignore[union-attr]
    visible = re.sub(r"<[^>]*>", " ", page)
    assert not any(digest and digest in visible for digest in digests)
