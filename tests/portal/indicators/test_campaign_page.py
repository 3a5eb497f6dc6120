"""The campaign's page of system values (/chi-so-he-thong/dot/<id>/): the office admin
imports there; appraisers and leadership read the values and the imports; the units'
reporters and approvers see their values on their self-assessment page instead; outsiders
learn nothing. Imports are taken while the campaign is open, closed for self-assessment or
in appraisal, never once its results are finalized."""

from __future__ import annotations

import pytest

from portal.campaigns.models import Campaign, CampaignUnit
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.portal.indicators.conftest import (
    GOOD_ROWS,
    REFUSED_WRITE,
    csv_bytes,
    page,
    person,
    stored,
    upload,
)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("khoa", 404, id="khoa-other-province"),
        pytest.param("lan", 403, id="lan-reporter"),
        pytest.param("minh", 403, id="minh-approver"),
        pytest.param("thao", 403, id="thao-reporter"),
        pytest.param("hung", 200, id="hung-appraiser"),
        pytest.param("hoa", 200, id="hoa-leadership"),
        pytest.param("quang", 200, id="quang-office-admin"),
    ],
)
def test_who_reads_the_page(cast, who, status):
    response = cast.client(person(cast, who)).get(page(cast.campaign))
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    if status == 200:
        can_import = 'enctype="multipart/form-data"' in response.content.decode()
        assert can_import == (who == "quang")


@pytest.mark.parametrize(("who", "status"), REFUSED_WRITE)
def test_only_the_office_admin_imports(cast, who, status):
    before = stored()
    response = upload(cast.client(person(cast, who)), cast.campaign, "a.csv", csv_bytes(GOOD_ROWS))
    assert response.status_code == status
    assert stored() == before


def test_an_unknown_campaign_is_not_found(cast):
    assert cast.client(cast.quang).get("/chi-so-he-thong/dot/999999/").status_code == 404


def test_the_page_takes_no_get_on_the_import_address(cast):
    assert cast.client(cast.quang).get(f"{page(cast.campaign)}nhap/").status_code == 405


@pytest.mark.parametrize(
    ("state", "taken"),
    [
        (CampaignState.DRAFT, False),
        (CampaignState.OPEN, True),
        (CampaignState.SELF_ASSESSMENT_CLOSED, True),
        (CampaignState.IN_APPRAISAL, True),
        (CampaignState.FINALIZED, False),
        (CampaignState.PUBLISHED, False),
    ],
)
def test_imports_follow_the_campaigns_state(cast, state, taken):
    Campaign.objects.filter(pk=cast.campaign.pk).update(state=state)
    client = cast.client(cast.quang)
    before = stored()
    response = upload(client, cast.campaign, "a.csv", csv_bytes(GOOD_ROWS))
    assert response.status_code == (302 if taken else 400)
    shown = client.get(page(cast.campaign)).content.decode()
    assert ('enctype="multipart/form-data"' in shown) == taken
    if not taken:
        assert stored() == before
        reason = "đã chốt kết quả" if state in ("finalized", "published") else "chưa mở"
        assert reason in response.content.decode()
        assert reason in shown


def test_it_lists_each_applicable_value_and_the_gaps(cast):
    upload(cast.client(cast.quang), cast.campaign, "a.csv", csv_bytes(GOOD_ROWS))
    shown = cast.client(cast.hung).get(page(cast.campaign)).content.decode()
    table = shown[shown.index('id="values"') : shown.index('id="batches"')]
    assert "Sở Nội vụ" in table and "Số hồ sơ trực tuyến: 1200; Tổng số hồ sơ: 2000" in table
    assert "Sở Tư pháp" not in table  # no online public services: the criterion does not apply
    assert "Có 1/1 giá trị" in shown


def test_the_page_reads_a_large_campaign_in_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    for number in range(30):
        unit = Unit.objects.create(
            province=cast.province,
            code=f"so-{number}",
            name=f"Sở số {number}",
            level="so",
            attributes={"has_online_public_services": True},
        )
        CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
    rows = [
        (f"so-{n}", "cqs_dvctt", name, "10", "30/06/2025", "")
        for n in range(30)
        for name in ("online", "total")
    ]
    client = cast.client(cast.quang)
    assert upload(client, cast.campaign, "a.csv", csv_bytes(rows)).status_code == 302
    # session, user, campaign, roles (permission), roles (can import), levels, values,
    # units, batches, and the layout's own (memberships, unread notifications): as many
    # for 3 units as for 300
    with django_assert_max_num_queries(11):
        response = client.get(page(cast.campaign))
    assert "Có 30/31 giá trị" in response.content.decode()


def test_the_index_lists_the_campaigns_and_token_pages_one_may_reach(cast):
    quang = cast.client(cast.quang).get("/chi-so-he-thong/").content.decode()
    assert page(cast.campaign) in quang
    assert f"/chi-so-he-thong/tinh/{cast.province.pk}/ma-truy-cap/" in quang
    hung = cast.client(cast.hung).get("/chi-so-he-thong/").content.decode()
    assert page(cast.campaign) in hung and "ma-truy-cap" not in hung
    for outsider in (cast.khoa, cast.lan):
        shown = cast.client(outsider).get("/chi-so-he-thong/").content.decode()
        assert page(cast.campaign) not in shown
    assert cast.client(None).get("/chi-so-he-thong/").status_code == 302


def test_the_import_checks_the_csrf_token(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.portal.conftest import sign_in

    client = Client(enforce_csrf_checks=True)
    sign_in(client, cast.quang)
    before = stored()
    file = SimpleUploadedFile("a.csv", csv_bytes(GOOD_ROWS))
    response = client.post(f"{page(cast.campaign)}nhap/", {"file": file, "source": "X"})
    assert response.status_code == 403
    assert stored() == before
