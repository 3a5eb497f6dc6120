"""Every irreversible step of a self-assessment asks first (portal.workflow.confirm): the
button's post shows what will happen and to whom, and changes nothing; only the post of the
confirmation page (with confirmed=1) submits, approves, returns, reopens or deletes."""

from __future__ import annotations

import pytest

from portal.assessments import services
from portal.assessments.models import Evidence, Submission, SubmissionEvent
from portal.workflow import SubmissionState
from tests.portal.assessments.conftest import url
from tests.portal.assessments.test_submission import ready  # noqa: F401  (the fixture)
from tests.portal.conftest import Cast


def state(cast: Cast) -> tuple[object, ...]:
    row = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    return row.state, row.snapshot_sha256, SubmissionEvent.objects.count(), Evidence.objects.count()


def at(cast: Cast, state: str) -> None:
    """Sở Nội vụ's submission moved to `state` by the services."""
    if state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
        services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    if state == SubmissionState.APPROVED:
        services.submission_approve(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.minh)


@pytest.mark.parametrize(
    ("action", "who", "start", "data", "says"),
    [
        ("submit", "lan", SubmissionState.DRAFT, {}, "được gửi cho thủ trưởng phê duyệt"),
        ("approve", "minh", SubmissionState.SUBMITTED, {}, "bản được khoá và gửi Sở chủ trì"),
        ("return", "minh", SubmissionState.SUBMITTED, {"note": "Thiếu quyết định"},
         "được trả lại cho cán bộ đầu mối để sửa, kèm lý do: “Thiếu quyết định”"),
        ("reopen", "quang", SubmissionState.APPROVED, {"note": "Sai số liệu"},
         "Bản đã phê duyệt của Sở Nội vụ được mở lại"),
    ],
)  # fmt: skip
def test_a_move_asks_first_and_changes_nothing_until_confirmed(
    ready: Cast,  # noqa: F811
    action: str,
    who: str,
    start: str,
    data: dict[str, str],
    says: str,
):
    at(ready, start)
    before = state(ready)
    client = ready.client(getattr(ready, who))
    response = client.post(url(action, ready.noi_vu_campaign_unit), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="card confirm"' in html and says in html
    assert 'name="confirmed" value="1"' in html and 'class="danger"' in html
    for name, value in data.items():
        assert f'name="{name}" value="{value}"' in html  # the first post's fields, repeated
    assert f'href="{url("status", ready.noi_vu_campaign_unit)}">Quay lại</a>' in html
    assert state(ready) == before
    client.post(url(action, ready.noi_vu_campaign_unit), data | {"confirmed": "1"})
    assert state(ready) != before


def test_a_missing_reason_is_said_before_anything_is_asked(ready: Cast):  # noqa: F811
    at(ready, SubmissionState.SUBMITTED)
    response = ready.client(ready.minh).post(
        url("return", ready.noi_vu_campaign_unit), {"note": ""}, follow=True
    )
    assert "Ghi rõ lý do trả lại" in response.content.decode()
    assert 'class="card confirm"' not in response.content.decode()


def test_deleting_evidence_asks_first(ready: Cast):  # noqa: F811
    evidence = Evidence.objects.get()
    before = state(ready)
    target = url("evidence_delete", ready.noi_vu_campaign_unit, evidence.pk)
    html = ready.client(ready.lan).post(target).content.decode()
    assert "Minh chứng “ke-hoach.pdf” của tiêu chí" in html and "không khôi phục được" in html
    assert state(ready) == before
    response = ready.client(ready.lan).post(target, {"confirmed": "1"}, follow=True)
    assert "Đã xoá minh chứng “ke-hoach.pdf”." in response.content.decode()
    assert not Evidence.objects.exists()
