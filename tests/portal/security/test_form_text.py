"""Control characters are refused where text comes in: every Django form of the portal and
the hand-written readers of the answer and scoring sheets. The refusal names the character
beside the field, and nothing is saved (the same on PostgreSQL, where a NUL would otherwise
answer 500)."""

from __future__ import annotations

import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.utils import translation

import portal
from portal.appraisals.models import Appraisal, EvidenceVerdict, Response
from portal.assessments.models import Answer, Evidence, Submission
from portal.campaigns.forms import ReportTextsForm
from portal.form_text import TextCheckedForm, control_character_message
from portal.units.models import Unit
from tests.portal.appraisals.conftest import evidence_root, team  # noqa: F401
from tests.portal.appraisals.test_scoring_sheet_views import page_fields, url
from tests.portal.appraisals.unit_fixtures import (
    appraised,  # noqa: F401
    respond_url,
    response_fields,
    results_url,
)
from tests.portal.assessments.conftest import save_fields
from tests.portal.conftest import Cast

CONTROL = [pytest.param("\x00", "U+0000", id="NUL"), pytest.param("\x0b", "U+000B", id="VT")]
REFUSED = "Có ký tự điều khiển không được phép ({})"


def portal_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations" not in module.name and not module.name.endswith(".wsgi"):
            importlib.import_module(module.name)
    found, queue = [], [forms.BaseForm]
    while queue:
        for subclass in queue.pop().__subclasses__():
            queue.append(subclass)
            if subclass.__module__.startswith("portal."):
                found.append(subclass)
    return found


def test_every_form_of_the_portal_checks_its_text():
    classes = portal_form_classes()
    assert len(classes) >= 20
    unchecked = [
        f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, TextCheckedForm)
    ]
    assert unchecked == []


@pytest.mark.parametrize(("character", "name"), CONTROL)
def test_a_note_with_a_control_character_is_refused_and_nothing_is_stored(
    cast: Cast, character, name
):
    values = {"value:cqs_ky_so": "50", "note:cqs_ky_so": f"Theo báo cáo{character} quý 3"}
    response = save_fields(cast.client(cast.lan), cast.noi_vu_campaign_unit, values)
    assert response.status_code == 400
    page = response.content.decode()
    error_at = page.index('data-error-for="note:cqs_ky_so"')
    assert REFUSED.format(name) in page[error_at : error_at + 300]
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(("character", "name"), CONTROL)
def test_a_unit_name_with_a_control_character_is_refused(cast: Cast, character, name):
    data = {"code": "xa-an-nhon", "name": f"UBND xã{character} An Nhơn", "level": "xa"}
    response = cast.client(cast.quang).post("/don-vi/tinh/tinh-mau/them/", data)
    assert response.status_code in (200, 400)
    assert REFUSED.format(name) in response.content.decode()
    assert not Unit.objects.filter(code="xa-an-nhon").exists()


def test_a_field_a_form_adds_for_itself_is_checked_too():
    level = SimpleNamespace(
        code="so", slots=[SimpleNamespace(key="so.nts", code="1", name="Nhận thức số")]
    )
    form = ReportTextsForm([level], data={"remark__so.nts": "Rất\x0b tốt", "title": "Báo\x1b cáo"})
    assert not form.is_valid()
    assert REFUSED.format("U+000B") in form.errors["remark__so.nts"][0]
    assert REFUSED.format("U+001B") in form.errors["title"][0]


@pytest.fixture
def scoring(team):  # type: ignore[no-untyped-def]  # noqa: F811
    team.move(1, "open_round")
    return team


@pytest.mark.parametrize("field", ["note:cqs_ky_so", "request:cqs_ky_so"])
def test_a_remark_or_a_supplement_request_with_a_control_character_is_refused(scoring, field):
    client = scoring.cast.client(scoring.mai)
    fields = page_fields(client, scoring, value__cqs_ky_so="60", supplement__cqs_ky_so="on")
    fields[field] = "Thiếu\x00 văn bản"
    response = client.post(url(scoring, "luu/"), fields)
    assert response.status_code == 400
    page = response.content.decode()
    error_at = page.index(f'data-error-for="{field}"')
    assert REFUSED.format("U+0000") in page[error_at : error_at + 300]
    assert Appraisal.objects.count() == 0


def test_a_units_reply_with_a_control_character_is_refused(appraised):  # noqa: F811
    client = appraised.cast.client(appraised.cast.lan)
    html = client.get(results_url(appraised.campaign_unit)).content.decode()
    fields = response_fields(html, "cqs_ky_so")
    fields |= {"kind:cqs_ky_so": "confirm", "reply:cqs_ky_so": "Đồng\x0b ý"}
    before = Response.objects.count()
    response = client.post(respond_url(appraised.campaign_unit), fields)
    assert response.status_code == 400
    assert REFUSED.format("U+000B") in response.content.decode()
    assert Response.objects.count() == before


def test_the_refusal_speaks_english_to_an_english_page():
    with translation.override("en"):
        message = control_character_message("Sở\x00Nội vụ")
    assert message is not None and message.startswith(
        "Contains a control character that is not allowed (U+0000)"
    )
    assert control_character_message("Sở Nội vụ\r\n\tdòng hai") is None


def test_a_verdict_note_with_a_control_character_is_refused(scoring):
    evidence = Evidence.objects.create(
        submission=Submission.objects.get(campaign_unit=scoring.campaign_unit),
        criterion="cqs_ky_so",
        url="https://vb.example.vn/ky-so",
        original_name="Danh sách văn bản ký số",
        uploaded_by=scoring.cast.lan,
    )
    client = scoring.cast.client(scoring.mai)
    fields = page_fields(client, scoring)
    fields[f"verdict:{evidence.pk}"] = "insufficient"
    fields[f"verdict_note:{evidence.pk}"] = "Thiếu\x0b quý IV"
    response = client.post(url(scoring, "luu/"), fields)
    assert response.status_code == 400
    assert REFUSED.format("U+000B") in response.content.decode()
    assert EvidenceVerdict.objects.count() == 0
