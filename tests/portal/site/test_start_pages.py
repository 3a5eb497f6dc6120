"""The start page (/): a section per role the person holds, each task a link to the page
where it is done, soonest deadline first, late ones marked; an empty state that says what
will appear; a fixed number of queries however many units."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts.models import Membership
from portal.assessments.models import Answer, Submission, SubmissionEvent
from portal.campaigns.models import CampaignUnit
from portal.roles import Role
from portal.units.models import Unit
from portal.workflow import SubmissionState
from tests.portal.conftest import Cast


def home(cast: Cast, who: str) -> str:
    response = cast.client(getattr(cast, who)).get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, key: str) -> str:
    found = re.search(rf'<section[^>]*id="viec-{key}".*?</section>', html, re.S)
    assert found, f"no section {key}"
    return found.group(0)


def links(html: str) -> list[str]:
    return re.findall(r'<li class="task">\s*<a href="([^"]+)"', html)


def test_each_person_sees_the_sections_of_the_roles_he_holds(cast: Cast):
    assert 'id="viec-reporter"' in home(cast, "lan")
    assert 'id="viec-approver"' not in home(cast, "lan")
    assert 'id="viec-approver"' in home(cast, "minh")
    office = home(cast, "quang")
    assert 'id="viec-office"' in office and 'id="viec-reporter"' not in office
    assert 'id="viec-leadership"' in home(cast, "hoa")
    assert "Việc cần làm" not in cast.client(None).get("/").content.decode()


def test_the_reporter_is_sent_to_his_form_with_what_is_left(cast: Cast):
    html = section(home(cast, "lan"), "reporter")
    assert links(html) == [f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/"]
    left = int(re.search(r"Còn (\d+) tiêu chí chưa trả lời", html).group(1))
    deadline = timezone.localtime(cast.campaign.self_assessment_deadline)
    assert deadline.strftime("%d/%m/%Y %H:%M") in html
    assert "quá hạn" not in html
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    Answer.objects.create(
        submission=submission, criterion="nts_ke_hoach", value=True, updated_by=cast.lan
    )
    html = section(home(cast, "lan"), "reporter")
    assert f"Còn {left - 1} tiêu chí chưa trả lời" in html


def test_a_returned_draft_shows_the_approvers_reason(cast: Cast):
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    submission.state = SubmissionState.DRAFT
    submission.save()
    SubmissionEvent.objects.create(
        submission=submission, action="return", actor=cast.minh, note="Thiếu minh chứng ký số."
    )
    html = section(home(cast, "lan"), "reporter")
    assert "Thủ trưởng trả lại để sửa: Thiếu minh chứng ký số." in html


def test_a_late_self_assessment_is_marked(cast: Cast):
    cast.campaign.self_assessment_deadline = timezone.now() - timedelta(hours=1)
    cast.campaign.save()
    html = section(home(cast, "lan"), "reporter")
    assert "quá hạn" in html
    assert "Đã hết hạn: đề nghị Sở chủ trì gia hạn để hoàn thành." in html


def test_the_approver_sees_what_waits_for_him_and_an_empty_state_before(cast: Cast):
    html = section(home(cast, "minh"), "approver")
    assert links(html) == []
    assert 'class="empty"' in html and "gửi bản tự đánh giá" in html
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    html = section(home(cast, "minh"), "approver")
    assert links(html) == [f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/tinh-trang/"]
    # Sở Tư pháp's reporter is nobody's approver here: Thảo has no approver section
    assert 'id="viec-approver"' not in home(cast, "thao")


def test_the_office_sees_late_units_and_pending_approvals(cast: Cast):
    cast.campaign.self_assessment_deadline = timezone.now() - timedelta(hours=1)
    cast.campaign.save()
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    html = section(home(cast, "quang"), "office")
    assert links(html) == [f"/dot-danh-gia/{cast.campaign.pk}/?tre_han=1#tien-do"]
    assert "1 đơn vị trễ hạn chưa gửi." in html
    assert "1 bản chờ thủ trưởng phê duyệt." in html
    assert "quá hạn" in html
    assert "Chưa bắt đầu: 1" in html
    # another province's office admin sees nothing of it
    assert "Đánh giá chuyển đổi số năm 2025" not in home(cast, "khoa")


def test_leadership_sees_progress_then_results(cast: Cast):
    html = section(home(cast, "hoa"), "leadership")
    assert links(html) == [f"/dot-danh-gia/{cast.campaign.pk}/"]
    assert "Chưa bắt đầu: 2" in html
    cast.campaign.state = "published"
    cast.campaign.save()
    assert "xem bảng xếp hạng" in section(home(cast, "hoa"), "leadership")


def add_units(cast: Cast, count: int) -> None:
    for number in range(count):
        unit = Unit.objects.create(
            province=cast.province,
            code=f"so-them-{number}",
            name=f"Sở thêm {number}",
            level="so",
            attributes={"has_online_public_services": True},
        )
        campaign_unit = CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
        Submission.objects.create(campaign_unit=campaign_unit, state=SubmissionState.SUBMITTED)
        for role, person in ((Role.REPORTER, cast.lan), (Role.APPROVER, cast.minh)):
            Membership.objects.create(user=person, province=cast.province, role=role, unit=unit)


def count_queries(cast: Cast, who: str) -> int:
    client = cast.client(getattr(cast, who))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_start_page_reads_in_the_same_number_of_queries_for_3_and_30_units(cast: Cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.DRAFT
    )
    add_units(cast, 1)  # 3 units
    few = {who: count_queries(cast, who) for who in ("lan", "minh", "quang", "hoa")}
    for number in range(27):
        unit = Unit.objects.create(
            province=cast.province, code=f"so-nua-{number}", name=f"Sở nữa {number}", level="so"
        )
        campaign_unit = CampaignUnit.objects.create(campaign=cast.campaign, unit=unit, level="so")
        Submission.objects.create(campaign_unit=campaign_unit)
        for role, person in ((Role.REPORTER, cast.lan), (Role.APPROVER, cast.minh)):
            Membership.objects.create(user=person, province=cast.province, role=role, unit=unit)
    many = {who: count_queries(cast, who) for who in ("lan", "minh", "quang", "hoa")}
    assert many == few
    found = links(section(home(cast, "lan"), "reporter"))
    # Sở Nội vụ and the 27 not started to fill in; the sent one to follow on its status page
    assert len(found) == 29
    assert sum(link.endswith("/tinh-trang/") for link in found) == 1


def test_a_sent_self_assessment_shows_as_waiting_for_approval_with_its_status_page(cast: Cast):
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.SUBMITTED
    )
    html = section(home(cast, "lan"), "reporter")
    assert links(html) == [f"/tu-danh-gia/{cast.noi_vu_campaign_unit.pk}/tinh-trang/"]
    assert "Đã gửi, chờ phê duyệt: Sở Nội vụ" in html  # the state by its one name
    assert 'class="empty"' not in html and "Khi đợt đánh giá mở" not in html
    Submission.objects.filter(campaign_unit=cast.noi_vu_campaign_unit).update(
        state=SubmissionState.APPROVED
    )
    html = section(home(cast, "lan"), "reporter")
    assert links(html) == []
    assert "Đơn vị không có việc nào chờ bạn lúc này." in html


def test_the_office_is_asked_to_confirm_certificates_its_people_signed_with(cast: Cast):
    from portal.signatures.models import IdentityState
    from tests.portal.signatures.conftest import identity

    assert "Xác nhận chứng thư số" not in section(home(cast, "quang"), "office")
    identity(cast.minh, name="TRẦN VĂN MINH")
    identity(cast.lan, name="LÊ THỊ LAN")
    identity(cast.lan, name="LÊ THỊ LAN (ĐÃ XÁC NHẬN)", state=IdentityState.CONFIRMED)
    office = section(home(cast, "quang"), "office")
    assert "Xác nhận chứng thư số: 2 chứng thư chờ" in office
    assert f"/chu-ky-so/tinh/{cast.province.code}/" in links(office)
    assert "Xác nhận chứng thư số" not in home(cast, "hoa")  # leadership reads, decides not
