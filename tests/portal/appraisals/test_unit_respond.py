"""Responding through the results page: one form holds every criterion's reply ("Lưu tất
cả", "Xác nhận tất cả"); each confirms or supplements, the new value typed into the
self-assessment's own inputs and read the Vietnamese way; bad input and late answers are
refused with a clear message next to the criterion, every typed reply kept and nothing
written; two reporters saving one criterion: the second sees the first one's answer, and
may then overwrite on purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from portal.appraisals.models import Response
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import (
    SUPPLEMENT_DUE,
    Appraised,
    respond_url,
    response_fields,
    results_url,
)
from tests.portal.assessments.conftest import set_source


def opened(client, appraised: Appraised, code: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    html = client.get(results_url(appraised.campaign_unit)).content.decode()
    return response_fields(html, code)


def post(client, appraised: Appraised, code: str, fields: dict[str, str], **changes: str):  # type: ignore[no-untyped-def]
    data = {**fields, **{name.replace("__", ":"): value for name, value in changes.items()}}
    return client.post(respond_url(appraised.campaign_unit), data)


def block(html: str, code: str) -> str:
    """The criterion's own block on the page."""
    start = html.index(f'id="tc-{code}"')
    return html[start : html.index("</article>", start)]


def written() -> tuple[int, int, int]:
    return Response.objects.count(), AuditEntry.objects.count(), Notification.objects.count()


def test_the_reporter_confirms_through_the_page(appraised: Appraised):
    client = appraised.cast.client(appraised.cast.lan)
    fields = opened(client, appraised, "cqs_ky_so")
    response = post(client, appraised, "cqs_ky_so", fields, kind__cqs_ky_so="confirm")
    assert response.status_code == 302
    assert response.url.endswith("?vong=1")
    saved = Response.objects.get()
    assert (saved.kind, saved.value, saved.criterion) == ("confirm", None, "cqs_ky_so")
    html = client.get(response.url).content.decode()
    assert "Đã lưu phản hồi: 1 tiêu chí thay đổi." in html
    assert "Đồng ý với kết quả thẩm định" in html


@pytest.mark.parametrize(
    ("code", "typed", "stored"),
    [
        ("nts_ke_hoach", "no", False),
        ("nts_tuyen_truyen", "6", "6"),
        ("tcs_quy_che", "mot_phan", "mot_phan"),
        ("cqs_ky_so", "92,5", "92.5"),
        ("cqs_so_hoa", "80", "80"),
        ("xhs_danh_gia", "22,5", "22.5"),
    ],
)
def test_the_reporter_supplements_each_kind_of_value_as_typed(
    appraised: Appraised, code, typed, stored
):
    client = appraised.cast.client(appraised.cast.lan)
    html = client.get(results_url(appraised.campaign_unit)).content.decode()
    assert f'name="value:{code}"' in html  # the self-assessment's own input for the rule
    fields = response_fields(html, code)
    data = {f"kind:{code}": "supplement", f"value:{code}": typed, f"reply:{code}": "Số liệu mới."}
    assert (
        post(
            client, appraised, code, fields, **{k.replace(":", "__"): v for k, v in data.items()}
        ).status_code
        == 302
    )
    saved = Response.objects.get()
    assert (saved.kind, saved.value, saved.reply) == ("supplement", stored, "Số liệu mới.")
    html = client.get(results_url(appraised.campaign_unit)).content.decode()
    row = html[html.index(f'id="tc-{code}"') :]
    assert "Số liệu mới." in row[: row.index("</article>")]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.200", "không rõ là số nghìn hay số thập phân"),
        ("mười", "“mười” không phải là số: gõ số, ví dụ 87,5."),
        ("-5", "Không được là số âm"),
    ],
)
def test_a_bad_value_is_refused_as_the_self_assessment_refuses_it(
    appraised: Appraised, typed, message
):
    client = appraised.cast.client(appraised.cast.lan)
    fields = opened(client, appraised, "cqs_ky_so")
    response = post(
        client,
        appraised,
        "cqs_ky_so",
        fields,
        kind__cqs_ky_so="supplement",
        value__cqs_ky_so=typed,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in block(html, "cqs_ky_so")
    assert "Chưa lưu phản hồi nào" in html
    assert f'value="{typed}"' in html  # what was typed stays
    assert written() == (0, 0, 0)


def test_a_reply_needs_its_kind_said_next_to_its_criterion(appraised: Appraised):
    client = appraised.cast.client(appraised.cast.lan)
    fields = opened(client, appraised, "cqs_ky_so")
    response = post(client, appraised, "cqs_ky_so", fields, reply__cqs_ky_so="Giải trình.")
    assert response.status_code == 400
    row = block(response.content.decode(), "cqs_ky_so")
    assert "Chọn “Đồng ý” hoặc “Giải trình, bổ sung” cho tiêu chí này." in row
    assert 'role="alert"' in row and "cqs_ky_so</" not in row
    assert written() == (0, 0, 0)


def test_nothing_chosen_anywhere_saves_nothing(appraised: Appraised):
    client = appraised.cast.client(appraised.cast.lan)
    response = client.post(
        respond_url(appraised.campaign_unit), opened(client, appraised, "cqs_ky_so")
    )
    assert response.status_code == 302
    assert written() == (0, 0, 0)
    assert "Chưa có phản hồi nào để lưu" in client.get(response.url).content.decode()


def test_all_replies_are_saved_at_once(appraised: Appraised):
    client = appraised.cast.client(appraised.cast.lan)
    response = post(
        client,
        appraised,
        "cqs_ky_so",
        opened(client, appraised, "cqs_ky_so"),
        kind__cqs_ky_so="supplement",
        value__cqs_ky_so="92,5",
        reply__cqs_ky_so="Số liệu mới.",
        kind__nts_ke_hoach="confirm",
        kind__cqs_so_hoa="confirm",
    )
    assert response.status_code == 302
    saved = {r.criterion: (r.kind, r.value) for r in Response.objects.all()}
    assert saved == {
        "cqs_ky_so": ("supplement", "92.5"),
        "nts_ke_hoach": ("confirm", None),
        "cqs_so_hoa": ("confirm", None),
    }
    html = client.get(response.url).content.decode()
    assert "Đã lưu phản hồi: 3 tiêu chí thay đổi." in html
    assert html.count('value="confirm" checked') == 2  # the page shows every saved reply


def test_saving_one_reply_keeps_what_was_typed_in_another(appraised: Appraised):
    """The bug this page had: each criterion saved by its own form lost the others' typing."""
    client = appraised.cast.client(appraised.cast.lan)
    first = post(
        client,
        appraised,
        "cqs_ky_so",
        opened(client, appraised, "cqs_ky_so"),
        kind__cqs_ky_so="supplement",
        reply__cqs_ky_so="Lý do A.",
        kind__cqs_so_hoa="supplement",
        value__cqs_so_hoa="abc",  # refused: nothing is saved, all typing stays
        reply__cqs_so_hoa="Lý do B.",
    )
    assert first.status_code == 400
    html = first.content.decode()
    assert "Lý do A." in block(html, "cqs_ky_so") and "Lý do B." in block(html, "cqs_so_hoa")
    assert "“abc” không phải là số" in block(html, "cqs_so_hoa")
    assert 'value="abc"' in block(html, "cqs_so_hoa")
    assert written() == (0, 0, 0)
    again = client.post(
        respond_url(appraised.campaign_unit),
        response_fields(html, "cqs_so_hoa") | {"value:cqs_so_hoa": "80"},
    )
    assert again.status_code == 302
    saved = {r.criterion: (r.value, r.reply) for r in Response.objects.all()}
    assert saved == {"cqs_ky_so": (None, "Lý do A."), "cqs_so_hoa": ("80", "Lý do B.")}


def test_confirm_all_agrees_to_every_criterion_not_chosen(appraised: Appraised):
    client = appraised.cast.client(appraised.cast.lan)
    html = client.get(results_url(appraised.campaign_unit)).content.decode()
    assert "Lưu tất cả" in html and "Xác nhận tất cả" in html
    fields = response_fields(html, "cqs_ky_so") | {
        "kind:cqs_ky_so": "supplement",
        "reply:cqs_ky_so": "Bổ sung.",
        "confirm_all": "1",
    }
    assert client.post(respond_url(appraised.campaign_unit), fields).status_code == 302
    kinds = {r.criterion: r.kind for r in Response.objects.all()}
    assert kinds.pop("cqs_ky_so") == "supplement"
    assert kinds and set(kinds.values()) == {"confirm"}
    assert "cqs_dvctt" in kinds and "nts_ke_hoach" in kinds


def test_a_system_sourced_criterion_has_no_value_input_and_takes_a_reply(appraised: Appraised):
    client = appraised.cast.client(appraised.cast.lan)
    fields = opened(client, appraised, "cqs_dvctt")
    assert not [name for name in fields if name.startswith("value:cqs_dvctt")]
    response = post(
        client,
        appraised,
        "cqs_dvctt",
        fields,
        kind__cqs_dvctt="supplement",
        reply__cqs_dvctt="Cổng DVC chưa đồng bộ quý IV.",
    )
    assert response.status_code == 302
    assert Response.objects.get().reply == "Cổng DVC chưa đồng bộ quý IV."
    forced = post(
        client,
        appraised,
        "cqs_dvctt",
        opened(client, appraised, "cqs_dvctt"),
        kind__cqs_dvctt="supplement",
        value__cqs_dvctt__online="9",
        reply__cqs_dvctt="Lần 2.",
    )
    assert forced.status_code == 302
    assert (Response.objects.get().value, Response.objects.get().reply) == (None, "Lần 2.")


def test_the_second_of_two_reporters_sees_the_first_ones_answer(appraised: Appraised, huong):
    lan, other = appraised.cast.client(appraised.cast.lan), appraised.cast.client(huong)
    lan_fields = opened(lan, appraised, "cqs_ky_so")
    first = post(
        other,
        appraised,
        "cqs_ky_so",
        opened(other, appraised, "cqs_ky_so"),
        kind__cqs_ky_so="supplement",
        value__cqs_ky_so="91",
        reply__cqs_ky_so="Hương bổ sung.",
    )
    assert first.status_code == 302
    before = written()
    refused = post(
        lan,
        appraised,
        "cqs_ky_so",
        lan_fields,
        kind__cqs_ky_so="supplement",
        value__cqs_ky_so="95",
        reply__cqs_ky_so="Lan bổ sung.",
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    conflict = html[html.index('class="conflict"') :][:700]
    assert "Đỗ Thu Hương" in conflict and "“91”" in conflict and "Hương bổ sung." in conflict
    assert 'name="value:cqs_ky_so" value="95"' in html  # Lan's typing is not lost
    assert written() == before
    assert Response.objects.get().value == "91"
    again = lan.post(respond_url(appraised.campaign_unit), response_fields(html, "cqs_ky_so"))
    assert again.status_code == 302  # pressed again, knowingly
    assert (Response.objects.get().value, Response.objects.get().version) == ("95", 2)


def test_after_the_deadline_the_response_is_refused_and_nothing_changes(appraised: Appraised):
    with time_machine.travel(SUPPLEMENT_DUE - timedelta(hours=1), tick=False):
        client = appraised.cast.client(appraised.cast.lan)
        fields = opened(client, appraised, "cqs_ky_so")
    with time_machine.travel(SUPPLEMENT_DUE + timedelta(minutes=1), tick=False):
        client = appraised.cast.client(appraised.cast.lan)
        response = post(client, appraised, "cqs_ky_so", fields, kind__cqs_ky_so="confirm")
        html = client.get(response.url).content.decode()
    assert "Đã hết hạn giải trình, bổ sung tiêu chí này (hạn 20/05/2099 17:00)" in block(
        html, "cqs_ky_so"
    )
    assert "Phản hồi các tiêu chí đó chưa lưu." in html
    assert 'id="response-cqs_ky_so"' not in html  # its fields are gone
    assert 'id="response-cqs_so_hoa"' in html  # the team gave this one a later deadline
    assert written() == (0, 0, 0)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("minh", 403), ("quang", 403), ("hoa", 403), ("hung", 403), ("chinh", 403),
        ("ngoai", 403), ("thao", 404), ("khoa", 404), ("anon", 302),
    ],
)  # fmt: skip
def test_only_the_units_reporter_may_respond(appraised: Appraised, who, status):
    client = appraised.cast.client(appraised.person(who))
    response = client.post(
        respond_url(appraised.campaign_unit),
        {
            "kind:cqs_ky_so": "confirm",
            "version:cqs_ky_so": "0",
        },
    )
    assert response.status_code == status
    assert written() == (0, 0, 0)


def test_responding_to_a_round_being_scored_is_refused(appraised: Appraised):
    client = appraised.cast.client(appraised.cast.lan)
    response = client.post(
        respond_url(appraised.campaign_unit, number=2),
        {"kind:cqs_ky_so": "confirm", "version:cqs_ky_so": "0"},
        follow=True,
    )
    assert "Tổ đang chấm" in response.content.decode()
    assert written() == (0, 0, 0)


def test_a_formula_criterion_declared_by_the_unit_takes_one_number_per_input(
    appraised: Appraised,
):
    set_source(appraised.cast, "cqs_dvctt", "unit")  # online, total: declared, not imported
    client = appraised.cast.client(appraised.cast.lan)
    html = client.get(results_url(appraised.campaign_unit)).content.decode()
    assert 'name="value:cqs_dvctt:online"' in html and 'name="value:cqs_dvctt:total"' in html
    response = post(
        client,
        appraised,
        "cqs_dvctt",
        response_fields(html, "cqs_dvctt"),
        kind__cqs_dvctt="supplement",
        value__cqs_dvctt__online="600",
        value__cqs_dvctt__total="1000",
    )
    assert response.status_code == 302
    assert Response.objects.get().value == {"online": "600", "total": "1000"}


def test_a_page_claiming_a_reply_never_saved_is_answered_with_the_criterions_message(
    appraised: Appraised,
):
    """A hand-made body (or a page from another round) posting a version no reply ever had:
    the page again, the criterion's own message in its block, nothing written."""
    client = appraised.cast.client(appraised.cast.lan)
    fields = opened(client, appraised, "cqs_ky_so")
    response = post(
        client, appraised, "cqs_ky_so", fields, kind__cqs_ky_so="confirm", version__cqs_ky_so="7"
    )
    assert response.status_code == 400
    assert "Tải lại trang rồi trả lời lại." in block(response.content.decode(), "cqs_ky_so")
    assert written() == (0, 0, 0)
