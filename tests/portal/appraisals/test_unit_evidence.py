"""Evidence supplemented in answer to a returned round: files checked exactly as the
self-assessment's (size, type by content), links; filed as assessments.Evidence with the
round, so the team sees it with the unit's evidence; only this round's may be deleted;
refused after the deadline and to everyone but the unit's reporter, leaving nothing behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.assessments.models import Evidence
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification
from tests.portal.appraisals.unit_fixtures import *  # noqa: F403
from tests.portal.appraisals.unit_fixtures import SUPPLEMENT_DUE, Appraised, results_url
from tests.portal.assessments.conftest import EXE, PDF, PNG, criterion_block, notice_in_block


def base(appraised: Appraised, number: int = 1) -> str:
    return f"/tham-dinh/don-vi/{appraised.campaign_unit.pk}/vong/{number}/minh-chung"


def upload(client, appraised: Appraised, name: str, content: bytes, code: str = "cqs_ky_so"):  # type: ignore[no-untyped-def]
    target = f"{base(appraised)}/{code}/tai-len/"
    return client.post(target, {"file": SimpleUploadedFile(name, content)}, follow=True)


def stored_files(root) -> list:  # type: ignore[no-untyped-def]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def state() -> tuple[int, int, int]:
    return Evidence.objects.count(), AuditEntry.objects.count(), Notification.objects.count()


def test_a_file_is_filed_with_the_round_audited_and_announced(appraised: Appraised, evidence_root):
    cast = appraised.cast
    html = upload(cast.client(cast.lan), appraised, "danh-sach.pdf", PDF).content.decode()
    assert 'role="status">Đã thêm tệp “danh-sach.pdf”.' in criterion_block(html, "cqs_ky_so")
    added = Evidence.objects.get(original_name="danh-sach.pdf")
    assert (added.round, added.criterion, added.uploaded_by) == (
        appraised.rounds[1],
        "cqs_ky_so",
        cast.lan,
    )
    assert added.submission.campaign_unit == appraised.campaign_unit
    [path] = stored_files(evidence_root)
    assert path.read_bytes() == PDF
    audit_entry = AuditEntry.objects.get(entity="evidence")
    assert (
        audit_entry.action,
        audit_entry.criterion,
        audit_entry.new["round"],
        audit_entry.new["name"],
    ) == (
        "add",
        "cqs_ky_so",
        1,
        "danh-sach.pdf",
    )
    assert Notification.objects.get().user == cast.hung
    row = html[html.index('id="tc-cqs_ky_so"') :]
    assert "bổ sung vòng này" in row[: row.index("</article>")]


def test_the_team_sees_the_new_evidence_with_the_units_evidence(appraised: Appraised):
    cast = appraised.cast
    upload(cast.client(cast.lan), appraised, "danh-sach.pdf", PDF)
    sheet = (
        cast.client(cast.hung).get(f"/tu-danh-gia/{appraised.campaign_unit.pk}/").content.decode()
    )
    assert "danh-sach.pdf" in sheet


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", EXE, "Tệp “bao-cao.pdf” không phải PDF (không nhận ra nội dung)"),
        ("anh.png", PDF, "Tệp “anh.png” không phải PNG (nội dung là PDF)"),
        ("virus.exe", EXE, "Chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_changes(
    appraised: Appraised, evidence_root, name, content, message
):
    before = state()
    html = upload(appraised.cast.client(appraised.cast.lan), appraised, name, content)
    assert message in html.content.decode()
    assert state() == before
    assert stored_files(evidence_root) == []


def test_a_file_over_the_limit_is_refused(appraised: Appraised, settings, evidence_root):
    settings.EVIDENCE_MAX_BYTES = len(PNG) - 1
    before = state()
    html = upload(appraised.cast.client(appraised.cast.lan), appraised, "anh.png", PNG)
    assert "Tệp quá lớn" in html.content.decode()
    assert state() == before
    assert stored_files(evidence_root) == []


def test_a_link_is_filed_with_the_round(appraised: Appraised):
    client = appraised.cast.client(appraised.cast.lan)
    response = client.post(
        f"{base(appraised)}/cqs_ky_so/lien-ket/",
        {"url": "https://vb.example.vn/quy-4", "name": "Văn bản quý IV"},
        follow=True,
    )
    notice_in_block(response, "cqs_ky_so", "Đã thêm liên kết.", ok=True)
    added = Evidence.objects.get(url="https://vb.example.vn/quy-4")
    assert (added.round, added.original_name) == (appraised.rounds[1], "Văn bản quý IV")


def test_a_system_sourced_criterion_takes_no_evidence(appraised: Appraised):
    before = state()
    html = upload(appraised.cast.client(appraised.cast.lan), appraised, "a.pdf", PDF, "cqs_dvctt")
    assert "đơn vị chỉ giải trình, không bổ sung minh chứng" in html.content.decode()
    assert state() == before


def test_only_evidence_of_this_round_may_be_deleted(appraised: Appraised, evidence_root):
    client = appraised.cast.client(appraised.cast.lan)
    upload(client, appraised, "danh-sach.pdf", PDF)
    added = Evidence.objects.get(original_name="danh-sach.pdf")
    signed = client.post(f"{base(appraised)}/{appraised.evidence.pk}/xoa/", follow=True)
    assert "Chỉ xoá được minh chứng đã bổ sung trong vòng thẩm định này." in (
        signed.content.decode()
    )
    assert Evidence.objects.filter(pk=appraised.evidence.pk).exists()
    deleted = client.post(f"{base(appraised)}/{added.pk}/xoa/", follow=True)
    assert "Đã xoá minh chứng “danh-sach.pdf”." in deleted.content.decode()
    assert not Evidence.objects.filter(pk=added.pk).exists()
    audit_entry = AuditEntry.objects.filter(entity="evidence").last()
    assert (audit_entry.action, audit_entry.old["name"], audit_entry.new) == (
        "delete",
        "danh-sach.pdf",
        None,
    )


def test_after_the_deadline_no_evidence_is_added(appraised: Appraised, evidence_root):
    with time_machine.travel(SUPPLEMENT_DUE + timedelta(minutes=1), tick=False):
        before = state()
        client = appraised.cast.client(appraised.cast.lan)
        html = upload(client, appraised, "danh-sach.pdf", PDF).content.decode()
        assert "hạn 20/05/2099 17:00" in html
        assert state() == before
        assert stored_files(evidence_root) == []
        page = client.get(results_url(appraised.campaign_unit)).content.decode()
    row = page[page.index('id="tc-cqs_ky_so"') :]
    assert "tai-len" not in row[: row.index("</article>")]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("minh", 403), ("quang", 403), ("hoa", 403), ("hung", 403), ("chinh", 403),
        ("ngoai", 403), ("thao", 404), ("khoa", 404), ("anon", 302),
    ],
)  # fmt: skip
def test_only_the_units_reporter_adds_or_deletes_evidence(appraised: Appraised, who, status):
    client = appraised.cast.client(appraised.person(who))
    before = state()
    posts = [
        (f"{base(appraised)}/cqs_ky_so/tai-len/", {"file": SimpleUploadedFile("a.pdf", PDF)}),
        (f"{base(appraised)}/cqs_ky_so/lien-ket/", {"url": "https://vb.example.vn/x"}),
        (f"{base(appraised)}/{appraised.evidence.pk}/xoa/", {}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == status
    assert state() == before


def _round_closed(appraised: Appraised) -> None:
    from portal.campaigns.models import AppraisalRound
    from portal.workflow import RoundState

    AppraisalRound.objects.filter(pk=appraised.rounds[1].pk).update(state=RoundState.CLOSED)


def _campaign_finalized(appraised: Appraised) -> None:
    from portal.campaigns.models import Campaign
    from portal.workflow import CampaignState

    campaign = appraised.campaign_unit.campaign_id
    Campaign.objects.filter(pk=campaign).update(state=CampaignState.FINALIZED)


@pytest.mark.parametrize("moved", [_round_closed, _campaign_finalized])
def test_a_round_or_campaign_moved_while_the_file_is_checked_refuses_it_and_removes_it(
    appraised: Appraised, evidence_root, monkeypatch, moved
):
    """The file is checked and stored before the round is locked (evidence_files.add_upload),
    and the request read the campaign before that: the write reads both again under the
    lock, refuses the file, and the stored file goes."""
    from portal.assessments import evidence_files

    store = evidence_files.store

    def stored_then_moved(file):  # type: ignore[no-untyped-def]
        result = store(file)
        moved(appraised)
        return result

    monkeypatch.setattr(evidence_files, "store", stored_then_moved)
    before = state()
    cast = appraised.cast
    html = upload(cast.client(cast.lan), appraised, "danh-sach.pdf", PDF).content.decode()
    assert "Đã thêm tệp" not in html
    assert state() == before
    assert stored_files(evidence_root) == []
