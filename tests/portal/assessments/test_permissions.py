"""Who may do what on Sở Nội vụ's self-assessment, view by view and role by role: outsiders
(Thảo of Sở Tư pháp, Khoa of another province) get 404 everywhere, read-only roles get 403 on
writes, anonymous visitors go to the login page; and no refused request changes anything."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.accounts.models import User
from portal.assessments import services
from portal.assessments.models import Answer, Evidence, Submission, SubmissionEvent
from portal.assessments.permissions import get_campaign_unit_for_user
from portal.workflow import SubmissionState
from tests.portal.assessments.conftest import (
    COMPLETE,
    CONFIRMED,
    PDF,
    form_fields,
    save_fields,
    url,
)
from tests.portal.conftest import Cast

READERS = ["lan", "minh", "quang", "hung", "hoa"]
OUTSIDERS = ["thao", "khoa"]
ALL = [*READERS, *OUTSIDERS, None]


def expected(allowed: dict[str | None, int], default: int) -> list[tuple[str | None, int]]:
    """Outsiders 404, anonymous to the login page, the rest as given."""
    table = {who: allowed.get(who, default) for who in READERS}
    table.update({"thao": 404, "khoa": 404, None: 302})
    return list(table.items())


def with_evidence(cast: Cast) -> Evidence:
    upload = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    return services.evidence_add_file(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.lan,
        criterion="nts_ke_hoach",
        upload=upload,
    )


def state(cast: Cast) -> tuple[object, ...]:
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    return (
        submission.state,
        Answer.objects.count(),
        list(Answer.objects.values_list("criterion", "value", "version")),
        Evidence.objects.count(),
        SubmissionEvent.objects.count(),
    )


def request(cast: Cast, who: str | None, view: str):  # type: ignore[no-untyped-def]
    user = getattr(cast, who) if who else None
    client = cast.client(user)
    campaign_unit = cast.noi_vu_campaign_unit
    evidence = Evidence.objects.first()
    if view == "form":
        return client.get(url("form", campaign_unit))
    if view == "status":
        return client.get(url("status", campaign_unit))
    if view == "score":
        return client.post(
            url("score", campaign_unit), {"version:cqs_ky_so": "0", "value:cqs_ky_so": "50"}
        )
    if view == "save":
        return client.post(
            url("save", campaign_unit), {"version:cqs_ky_so": "0", "value:cqs_ky_so": "50"}
        )
    if view == "evidence_upload":
        upload = SimpleUploadedFile("them.pdf", PDF)
        return client.post(url("evidence_upload", campaign_unit, "nts_ke_hoach"), {"file": upload})
    if view == "evidence_link":
        data = {"url": "https://example.org/ke-hoach"}
        return client.post(url("evidence_link", campaign_unit, "nts_ke_hoach"), data)
    if view == "evidence_delete":
        return client.post(url("evidence_delete", campaign_unit, evidence.pk), CONFIRMED)
    if view == "evidence_download":
        return client.get(url("evidence_download", campaign_unit, evidence.pk))
    if view in ("submit", "approve"):
        return client.post(url(view, campaign_unit), CONFIRMED)
    if view in ("return", "reopen"):
        data = {"note": "Bổ sung minh chứng", **CONFIRMED}
        return client.post(url(view, campaign_unit), data)
    raise AssertionError(view)


CASES = [
    *(("form", who, status) for who, status in expected({}, 200)),
    *(("status", who, status) for who, status in expected({}, 200)),
    *(("score", who, status) for who, status in expected({}, 200)),
    *(("evidence_download", who, status) for who, status in expected({}, 200)),
    *(("save", who, status) for who, status in expected({"lan": 302}, 403)),
    *(("evidence_upload", who, status) for who, status in expected({"lan": 302}, 403)),
    *(("evidence_link", who, status) for who, status in expected({"lan": 302}, 403)),
    *(("evidence_delete", who, status) for who, status in expected({"lan": 302}, 403)),
    *(("submit", who, status) for who, status in expected({"lan": 302}, 403)),
    *(("approve", who, status) for who, status in expected({"minh": 302}, 403)),
    *(("return", who, status) for who, status in expected({"minh": 302}, 403)),
    *(("reopen", who, status) for who, status in expected({"quang": 302}, 403)),
]


@pytest.mark.parametrize(("view", "who", "status"), CASES, ids=lambda x: str(x))
def test_it_answers_each_role(cast: Cast, view, who, status):
    with_evidence(cast)
    before = state(cast)
    response = request(cast, who, view)
    assert response.status_code == status, response.content.decode()[:500]
    if who is None:
        assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")
    if status in (403, 404, 302) and (who is None or status != 302):
        assert state(cast) == before  # refused: nothing changed


@pytest.mark.parametrize("who", ["thao", "khoa"])
def test_outsiders_cannot_download_evidence_even_with_its_number(cast: Cast, who):
    evidence = with_evidence(cast)
    response = cast.client(getattr(cast, who)).get(
        url("evidence_download", cast.noi_vu_campaign_unit, evidence.pk)
    )
    assert response.status_code == 404
    assert PDF not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_evidence_is_only_reachable_through_its_own_unit(cast: Cast):
    """Thảo may see Sở Tư pháp's entry, but not Sở Nội vụ's file through it."""
    evidence = with_evidence(cast)
    response = cast.client(cast.thao).get(
        url("evidence_download", cast.tu_phap_campaign_unit, evidence.pk)
    )
    assert response.status_code == 404


def test_the_reporter_edits_and_the_approver_only_reads(cast: Cast):
    assert (
        get_campaign_unit_for_user(cast.lan, cast.noi_vu_campaign_unit.pk, write=True)
        == cast.noi_vu_campaign_unit
    )
    assert (
        get_campaign_unit_for_user(cast.minh, cast.noi_vu_campaign_unit.pk)
        == cast.noi_vu_campaign_unit
    )


def test_an_unknown_entry_is_404(cast: Cast):
    response = cast.client(cast.quang).get("/tu-danh-gia/999999/")
    assert response.status_code == 404


def test_a_second_reporter_of_the_unit_may_edit(cast: Cast):
    from portal.accounts.models import Membership
    from portal.roles import Role

    huong = User.objects.create_user(username="huong", password="x-" * 8, full_name="Đỗ Thu Hương")
    Membership.objects.create(
        user=huong, province=cast.province, role=Role.REPORTER, unit=cast.noi_vu
    )
    response = request(cast, None, "form")  # anonymous still goes to login
    assert response.status_code == 302
    response = cast.client(huong).post(
        url("save", cast.noi_vu_campaign_unit), {"version:cqs_ky_so": "0", "value:cqs_ky_so": "50"}
    )
    assert response.status_code == 302
    assert (
        Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit).state
        == SubmissionState.DRAFT
    )


@pytest.mark.parametrize(("who", "status"), expected({"lan": 302}, 403))
def test_a_save_that_changes_nothing_is_refused_to_whom_a_change_is(cast: Cast, who, status):
    """Lan's page posted again as it stands (a replayed POST, or another person's): the save
    that writes nothing takes no lock, but stands behind the same checks as one that writes."""
    campaign_unit = cast.noi_vu_campaign_unit
    lan = cast.client(cast.lan)
    save_fields(lan, campaign_unit, COMPLETE)
    fields = form_fields(lan.get(url("form", campaign_unit)))
    before = state(cast)
    response = cast.client(getattr(cast, who) if who else None).post(
        url("save", campaign_unit), fields
    )
    assert response.status_code == status
    assert state(cast) == before


def test_a_save_that_changes_nothing_replayed_after_sending_is_refused(cast: Cast):
    """The draft sent for approval: the page's unchanged POST replayed is not "saved"."""
    campaign_unit = cast.noi_vu_campaign_unit
    lan = cast.client(cast.lan)
    save_fields(lan, campaign_unit, COMPLETE)
    fields = form_fields(lan.get(url("form", campaign_unit)))
    assert lan.post(url("submit", campaign_unit), CONFIRMED).status_code == 302
    before = state(cast)
    assert before[0] == SubmissionState.SUBMITTED
    page = lan.post(url("save", campaign_unit), fields, follow=True).content.decode()
    # neither "saved" nor "nothing new to save, the page is saved"
    assert "Đã lưu nháp" not in page
    assert "Không có gì mới để lưu" not in page
    assert state(cast) == before
