"""The office admin's "Kiểm tra tính toàn vẹn" button: it walks the whole chain and says on
its job's page whether it holds (the worker walks it). Nobody else may press it; an entry of another province
where the chain breaks is named by its number only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.audit.services import audit_record
from portal.campaigns.models import Campaign
from tests.portal.audit.conftest import Log, tamper
from tests.portal.conftest import Cast
from tests.portal.jobs import job_of, run_jobs

pytestmark = pytest.mark.django_db


def check_url(cast: Cast) -> str:
    return reverse("audit:check", args=[cast.campaign.pk])


def checked(cast: Cast) -> str:
    """Press the button as the office admin, let the worker walk the chain, read the job's
    page; it leads back to the log."""
    client = cast.client(cast.quang)
    job = job_of(client.post(check_url(cast)))
    run_jobs()
    page = client.get(f"/viec/{job.pk}/").content.decode()
    assert f'href="{reverse("audit:campaign", args=[cast.campaign.pk])}"' in page
    return page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("khoa", 404, id="khoa-other-province"),
        pytest.param("lan", 403, id="lan-reporter"),
        pytest.param("minh", 403, id="minh-approver"),
        pytest.param("thao", 403, id="thao-reporter"),
        pytest.param("hung", 403, id="hung-appraiser"),
        pytest.param("hoa", 403, id="hoa-leadership"),
    ],
)
def test_only_the_office_admin_checks_the_chain(cast: Cast, log: Log, who, status):
    response = cast.client(getattr(cast, who) if who else None).post(check_url(cast))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "has_button"),
    [("quang", True), ("hoa", False), ("hung", False), ("lan", False), ("thao", False)],
)
def test_the_button_shows_for_the_office_admin_only(cast: Cast, who, has_button):
    page = cast.client(getattr(cast, who)).get(reverse("audit:campaign", args=[cast.campaign.pk]))
    assert ('id="integrity"' in page.content.decode()) is has_button


def test_the_button_is_a_post(cast: Cast, log: Log):
    assert cast.client(cast.quang).get(check_url(cast)).status_code == 405


def test_an_intact_chain_is_said_on_the_page(cast: Cast, log: Log):
    page = checked(cast)
    assert "Nhật ký toàn vẹn: 7 mục" in page
    assert '<p class="ok">' in page


def test_a_broken_chain_names_the_entry(cast: Cast, log: Log):
    tamper("UPDATE {table} SET reason = %s WHERE id = %s", ["sửa tay", log.ids[1]])
    page = checked(cast)
    assert f"chuỗi gãy tại mục #{log.ids[1]}" in page
    assert "Nguyễn Thị Lan, Giá trị tự đánh giá: lưu nháp, đơn vị Sở Nội vụ" in page
    assert '<p class="error">' in page


def test_an_entry_of_another_province_is_named_by_its_number_only(cast: Cast, log: Log):
    elsewhere = Campaign.objects.create(province=cast.other_province, year=2025, title="Khác")
    other = audit_record(actor=cast.khoa, entity="campaign", action="open", campaign=elsewhere)
    tamper("UPDATE {table} SET reason = %s WHERE id = %s", ["sửa tay", other.pk])
    page = checked(cast)
    assert f"chuỗi gãy tại mục #{other.pk}" in page
    assert "Bùi Đăng Khoa" not in page
