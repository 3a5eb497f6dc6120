"""The snapshot's hash is stable: the same answers give the same bytes whatever the order of
the rows, after a round trip through the database, and any change of an answer, note or
evidence changes it."""

from __future__ import annotations

import hashlib

from portal.accounts.models import User
from portal.assessments.models import Answer, Evidence, Submission
from portal.assessments.selectors import framework_for
from portal.assessments.snapshot import build_snapshot, canonical_json, snapshot_sha256
from tests.portal.conftest import Cast

ROWS = [
    ("nts_ke_hoach", True, ""),
    ("cqs_ky_so", "87.5", "Theo QLVB"),
    ("tcs_quy_che", "day_du", ""),
]


def answers(submission: Submission, user: User, rows) -> list[Answer]:  # type: ignore[no-untyped-def]
    return [
        Answer(submission=submission, criterion=code, value=value, note=note, updated_by=user)
        for code, value, note in rows
    ]


def evidence(submission: Submission, user: User) -> list[Evidence]:
    return [
        Evidence(
            submission=submission,
            criterion="nts_ke_hoach",
            stored_name="ab/x",
            original_name="b.pdf",
            size=10,
            sha256="b" * 64,
            uploaded_by=user,
        ),
        Evidence(
            submission=submission,
            criterion="nts_ke_hoach",
            url="https://example.org/a",
            original_name="a",
            uploaded_by=user,
        ),
    ]


def test_the_same_answers_in_any_order_give_the_same_hash(cast: Cast):
    campaign_unit, sub = cast.noi_vu_campaign_unit, cast.noi_vu_campaign_unit.submission
    framework = framework_for(campaign_unit)
    one = build_snapshot(
        campaign_unit, framework, answers(sub, cast.lan, ROWS), evidence(sub, cast.lan)
    )
    two = build_snapshot(
        campaign_unit, framework, answers(sub, cast.lan, ROWS[::-1]), evidence(sub, cast.lan)[::-1]
    )
    assert canonical_json(one) == canonical_json(two)
    assert snapshot_sha256(one) == snapshot_sha256(two)


def test_the_hash_survives_a_round_trip_through_the_database(cast: Cast):
    campaign_unit, sub = cast.noi_vu_campaign_unit, cast.noi_vu_campaign_unit.submission
    snapshot = build_snapshot(
        campaign_unit, framework_for(campaign_unit), answers(sub, cast.lan, ROWS), []
    )
    sub.snapshot, sub.snapshot_sha256 = snapshot, snapshot_sha256(snapshot)
    sub.save()
    reloaded = Submission.objects.get(pk=sub.pk)
    assert snapshot_sha256(reloaded.snapshot) == reloaded.snapshot_sha256


def test_canonical_json_is_sorted_compact_utf8(cast: Cast):
    assert (
        canonical_json({"b": 1, "a": ["Sở Nội vụ", True, None]})
        == '{"a":["Sở Nội vụ",true,null],"b":1}'.encode()
    )
    assert snapshot_sha256({"a": 1}) == hashlib.sha256(b'{"a":1}').hexdigest()


def test_any_change_changes_the_hash(cast: Cast):
    campaign_unit, sub = cast.noi_vu_campaign_unit, cast.noi_vu_campaign_unit.submission
    framework = framework_for(campaign_unit)
    base = snapshot_sha256(
        build_snapshot(
            campaign_unit, framework, answers(sub, cast.lan, ROWS), evidence(sub, cast.lan)
        )
    )
    changed_note = [*ROWS[:1], ("cqs_ky_so", "87.5", "Theo QLVB."), ROWS[2]]
    changed_value = [*ROWS[:1], ("cqs_ky_so", "87.50", "Theo QLVB"), ROWS[2]]
    others = [
        build_snapshot(
            campaign_unit, framework, answers(sub, cast.lan, changed_note), evidence(sub, cast.lan)
        ),
        build_snapshot(
            campaign_unit, framework, answers(sub, cast.lan, changed_value), evidence(sub, cast.lan)
        ),
        build_snapshot(
            campaign_unit, framework, answers(sub, cast.lan, ROWS), evidence(sub, cast.lan)[:1]
        ),
    ]
    assert base not in {snapshot_sha256(other) for other in others}


def test_the_snapshot_holds_the_computed_scores(cast: Cast):
    campaign_unit, sub = cast.noi_vu_campaign_unit, cast.noi_vu_campaign_unit.submission
    snapshot = build_snapshot(
        campaign_unit, framework_for(campaign_unit), answers(sub, cast.lan, ROWS), []
    )
    assert snapshot["scores"]["nodes"]["nts_ke_hoach"] == "5.0000"
    assert snapshot["scores"]["nodes"]["the_che_so"] == "10.0000"
    assert snapshot["scores"]["total"] == "28.1300"
    assert snapshot["unit"] == {"code": "so-noi-vu", "name": "Sở Nội vụ"}
