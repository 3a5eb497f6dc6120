"""Cloning, editing and deleting a version: the office admin only; a version used by a
campaign that has left the draft state is frozen (edits and deletion refused, cloning the
way forward)."""

from __future__ import annotations

import pytest

from portal.campaigns.models import Campaign, CampaignLevel
from portal.frameworks.documents import dump_yaml, exact_document
from portal.frameworks.models import FrameworkVersion
from portal.frameworks.services import FROZEN
from portal.workflow import CampaignState
from tests.portal.conftest import Cast
from tests.portal.frameworks.conftest import LOGIN, READ_ONLY


def clone_url(version: FrameworkVersion) -> str:
    return f"/bo-chi-so/{version.pk}/nhan-ban/"


def edit_url(version: FrameworkVersion) -> str:
    return f"/bo-chi-so/{version.pk}/sua/"


def delete_url(version: FrameworkVersion) -> str:
    return f"/bo-chi-so/{version.pk}/xoa/"


def edit_form(version: FrameworkVersion, **changes: str) -> dict[str, str]:
    text = dump_yaml(exact_document(version.document))
    return {"year": str(version.year), "level": version.level, "text": text} | changes


CLONE = {"year": "2026", "level": "so", "code": "mau-2026-so-moi", "name": "Bộ chỉ số cấp sở 2026"}


def test_it_sends_anonymous_visitors_to_the_login_page(cast: Cast, draft, unchanged):
    client = cast.client(None)
    for response in (
        client.get(clone_url(draft)),
        client.post(clone_url(draft), CLONE),
        client.get(edit_url(draft)),
        client.post(edit_url(draft), edit_form(draft)),
        client.get(delete_url(draft)),
        client.post(delete_url(draft)),
    ):
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("who", "status"), [*((r, 403) for r in READ_ONLY), ("khoa", 404)])
def test_it_refuses_everyone_but_the_office_admin(cast: Cast, draft, unchanged, who, status):
    client = cast.client(getattr(cast, who))
    for response in (
        client.get(clone_url(draft)),
        client.post(clone_url(draft), CLONE),
        client.get(edit_url(draft)),
        client.post(edit_url(draft), edit_form(draft)),
        client.get(delete_url(draft)),
        client.post(delete_url(draft)),
    ):
        assert response.status_code == status


# ---- clone --------------------------------------------------------------------------


def test_the_clone_form_proposes_next_year(cast: Cast):
    page = cast.client(cast.quang).get(clone_url(cast.framework)).content.decode()
    assert 'value="2026"' in page and 'value="mau-2026-so"' in page
    assert 'value="Bộ chỉ số chuyển đổi số cấp sở 2026"' in page


def test_a_frozen_version_clones_into_an_editable_one(cast: Cast):
    response = cast.client(cast.quang).post(clone_url(cast.framework), CLONE)
    copy = FrameworkVersion.objects.get(code="mau-2026-so-moi")
    assert response["Location"] == edit_url(copy)
    assert (copy.year, copy.level, copy.name, copy.cloned_from) == (
        2026,
        "so",
        "Bộ chỉ số cấp sở 2026",
        cast.framework,
    )
    copy.refresh_from_db()
    document = exact_document(copy.document)
    assert (document["code"], document["name"]) == ("mau-2026-so-moi", "Bộ chỉ số cấp sở 2026")
    original = exact_document(cast.framework.document)
    assert document["nodes"] == original["nodes"] and document["ranking"] == original["ranking"]
    assert not copy.frozen


@pytest.mark.parametrize(("changes", "message"), [
    ({"code": "mau-2025-so"}, "Tỉnh đã có bộ chỉ số mã “mau-2025-so”: hãy chọn mã khác."),
    ({"code": "mã mới"}, "framework.code: &#x27;mã mới&#x27; không đúng dạng mã"),
    ({"year": "3000"}, "Năm phải từ 2000 đến 2100."),
])  # fmt: skip
def test_a_bad_clone_is_refused_and_changes_nothing(cast: Cast, unchanged, changes, message):
    response = cast.client(cast.quang).post(clone_url(cast.framework), CLONE | changes)
    assert response.status_code == 200 and message in response.content.decode()


# ---- edit ---------------------------------------------------------------------------


def test_the_edit_form_shows_the_document_as_yaml(cast: Cast, draft):
    page = cast.client(cast.quang).get(edit_url(draft)).content.decode()
    assert "points_each: 0.5" in page and "code: mau-2026-so" in page


def test_the_office_admin_edits_an_unfrozen_version(cast: Cast, draft):
    text = (
        edit_form(draft)["text"]
        .replace("max: 25", "max: 30")
        .replace("name: Bộ chỉ số cấp sở 2026 (dự thảo)", "name: Bộ chỉ số cấp sở 2026")
    )
    response = cast.client(cast.quang).post(
        edit_url(draft), edit_form(draft, text=text, year="2027")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.build().max == 105
    assert (draft.name, draft.year) == ("Bộ chỉ số cấp sở 2026", 2027)


@pytest.mark.parametrize(("replace", "message"), [
    (("    max: 25\n", "    max: 25\n    max: 26\n"), "nội dung bộ chỉ số: dòng 85, cột 5: lỗi cú pháp YAML: khoá &#x27;max&#x27; bị lặp lại"),
    (("type: yes_no", "type: co_khong"), "nội dung bộ chỉ số: framework.nodes[nhan_thuc_so].children[nts_ke_hoach].rule: loại &#x27;co_khong&#x27; không hợp lệ"),
    (("  name: Nhận thức số\n", "  name: Nhận thức số\n  max: 10\n"), "framework.nodes[nhan_thuc_so].max: điểm tối đa 10 khác tổng điểm tối đa của các tiêu chí con (15)"),
    (("code: mau-2026-so\n", "code: mau-2025-so\n"), "Tỉnh đã có bộ chỉ số mã “mau-2025-so”"),
])  # fmt: skip
def test_a_bad_edit_shows_every_problem_and_changes_nothing(
    cast: Cast, draft, unchanged, replace, message
):
    text = edit_form(draft)["text"].replace(*replace)
    response = cast.client(cast.quang).post(edit_url(draft), edit_form(draft, text=text))
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("state", [s for s in CampaignState if s != CampaignState.DRAFT])
def test_a_version_is_frozen_once_its_campaign_leaves_draft(cast: Cast, unchanged, state):
    cast.campaign.state = state
    cast.campaign.save()
    client = cast.client(cast.quang)
    for response in (
        client.get(edit_url(cast.framework)),
        client.post(edit_url(cast.framework), edit_form(cast.framework)),
        client.post(delete_url(cast.framework)),
    ):
        assert (
            response.status_code == 302
            and response["Location"] == f"/bo-chi-so/{cast.framework.pk}/"
        )
    page = client.get(f"/bo-chi-so/{cast.framework.pk}/").content.decode()
    assert FROZEN in page


def test_a_version_of_a_draft_campaign_may_be_edited(cast: Cast):
    cast.campaign.state = CampaignState.DRAFT
    cast.campaign.save()
    assert cast.client(cast.quang).get(edit_url(cast.framework)).status_code == 200


# ---- delete -------------------------------------------------------------------------


def test_the_office_admin_deletes_an_unused_version(cast: Cast, draft):
    assert cast.client(cast.quang).get(delete_url(draft)).status_code == 200
    response = cast.client(cast.quang).post(delete_url(draft))
    assert response["Location"] == "/bo-chi-so/"
    assert not FrameworkVersion.objects.filter(pk=draft.pk).exists()


def test_a_version_attached_to_a_draft_campaign_is_not_deleted(cast: Cast, draft, unchanged):
    campaign = Campaign.objects.create(province=cast.province, year=2026, title="Đợt 2026")
    CampaignLevel.objects.create(campaign=campaign, level="so", name="Sở", framework=draft)
    client = cast.client(cast.quang)
    response = client.post(delete_url(draft))
    assert response["Location"] == f"/bo-chi-so/{draft.pk}/"
    assert "gỡ khỏi đợt đó trước khi xoá" in client.get(response["Location"]).content.decode()
