"""The deadline-day benchmark at a tiny size: its scene signs reporters in and its check of
the database finds a lost or a wrong write; the whole benchmark runs in a process of its own
(database, gunicorn, clients) with every save acknowledged, nothing lost and the trail
verified. No timing assertions: timing belongs in the benchmark. The last test is slow (a
separate process that migrates a database and starts servers)."""

from __future__ import annotations

from types import ModuleType

import pytest

from portal.answers import PostedAnswer
from portal.assessments.saving import answers_save
from portal.campaigns.models import CampaignUnit
from tests.bench.test_bench_public_smoke import _load, bench_run


@pytest.fixture(scope="module")
def scene() -> ModuleType:
    for name in ("bench_engine", "bench_ledger", "office_pages", "bench_writes"):
        _load(name)
    return _load("save_scene")


@pytest.fixture(scope="module")
def costs(scene) -> ModuleType:
    _load("public_load")
    return _load("save_costs")


@pytest.fixture(scope="module")
def saves(costs) -> ModuleType:
    _load("bench_public")
    return _load("bench_saves")


def answering(status: str):
    """A WSGI application that answers every request with `status` (a redirect: to the page
    a save redirects to, its form's)."""

    def application(environ, start_response):
        start_response(status, redirected(environ) if status.startswith("302") else [])
        return [b""]

    return application


def redirected(environ) -> list[tuple[str, str]]:
    """Where the portal sends a save once saved: back to its form's page."""
    return [("Location", environ["PATH_INFO"].removesuffix("luu-nhap/"))]


def test_a_save_sent_to_sign_in_is_no_save(costs, scene):
    """A session the portal does not accept is redirected to the sign-in page, a 302 as a
    save's is: the measure stops there, and nothing is counted as saved."""
    reporter = scene.Reporter(province=0, campaign_unit=7, session="s", csrf="c")

    def sign_in_first(environ, start_response):
        start_response("302 Found", [("Location", "/tai-khoan/dang-nhap/?next=/tu-danh-gia/7/")])
        return [b""]

    commune = costs.Commune(reporter, version=2, value="1")
    with pytest.raises(RuntimeError, match=r"sent to .*dang-nhap"):
        costs.Portal(sign_in_first, 8000).save(commune, change=True)
    assert (commune.version, commune.value) == (2, "1")


def test_a_request_answered_otherwise_than_expected_stops_the_measure(costs, scene):
    reporter = scene.Reporter(province=0, campaign_unit=7, session="s", csrf="c")
    commune = costs.Commune(reporter, version=2, value="1")
    refused = costs.Portal(answering("403 Forbidden"), 8000)
    with pytest.raises(RuntimeError, match="POST /tu-danh-gia/7/luu-nhap/: 403 Forbidden"):
        refused.save(commune, change=True)
    assert (commune.version, commune.value) == (2, "1")  # not acknowledged: not expected
    with pytest.raises(RuntimeError, match="GET /healthz: 503"):
        costs.Portal(answering("503 Service Unavailable"), 8000).health()


def test_an_acknowledged_change_moves_what_the_check_expects(costs, scene):
    reporter = scene.Reporter(province=0, campaign_unit=7, session="s", csrf="c")
    portal = costs.Portal(answering("302 Found"), 8000)
    commune = costs.Commune(reporter, version=2, value="1")
    portal.save(commune, change=False)
    assert (commune.version, commune.value) == (2, "1")  # posted again: nothing written
    portal.save(commune, change=True)
    assert (commune.version, commune.value) == (3, "2")
    never = costs.Commune(reporter, version=0, value=None)
    with pytest.raises(ValueError, match="nothing stored yet"):
        portal.save(never, change=False)  # nothing stored to post again


def test_saves_encoded_ahead_are_posted_as_the_earlier_ones_will_leave_the_commune(costs, scene):
    """A round's saves are encoded before it is timed; a commune met twice in a round is
    posted the second time at the version and value its first save leaves, and is moved
    only as each is acknowledged."""
    reporter = scene.Reporter(province=0, campaign_unit=7, session="s", csrf="c")
    posted = []

    def application(environ, start_response):
        posted.append(environ["wsgi.input"].read().decode())
        start_response("302 Found", redirected(environ))
        return [b""]

    commune = costs.Commune(reporter, version=2, value="1")
    sends = costs.Portal(application, 8000).posts(iter([commune, commune]), 2, change=True)
    assert (commune.version, commune.value) == (2, "1") and posted == []  # nothing sent yet
    sends[0]()
    assert (commune.version, commune.value) == (3, "2")
    sends[1]()
    assert (commune.version, commune.value) == (4, "1")
    code = scene.CODES[0]
    assert [
        (f"version%3A{code}={version}" in body, f"value%3A{code}={value}" in body)
        for body, version, value in zip(posted, (2, 3), ("2", "1"), strict=True)
    ] == [(True, True), (True, True)]


def test_the_form_alone_is_the_saves_body_posted_to_the_language_switch(costs, scene):
    reporter = scene.Reporter(province=0, campaign_unit=7, session="s", csrf="c")
    posted = []

    def application(environ, start_response):
        posted.append((environ["PATH_INFO"], environ["wsgi.input"].read().decode()))
        start_response("302 Found", redirected(environ))
        return [b""]

    portal = costs.Portal(application, 8000)
    commune = costs.Commune(reporter, version=2, value="1")
    portal.forms_only(iter([commune]), 1)[0]()
    portal.save(commune, change=False)
    (form_path, form_body), (_, save_body) = posted
    assert form_path == costs.FORM_ONLY and form_body == save_body
    assert (commune.version, commune.value) == (2, "1")  # nothing saved: nothing expected
    with pytest.raises(ValueError, match="nothing stored yet"):
        portal.forms_only(iter([costs.Commune(reporter, version=0, value=None)]), 1)


@pytest.mark.django_db
def test_the_saves_form_posted_to_the_language_switch_is_redirected_and_saves_nothing(
    costs, scene, settings
):
    """What the measure calls the form alone, through the portal's own handler and
    middleware: the reporter's session and CSRF token accepted, the 321 fields parsed, a
    redirect back to the form's page, and nothing written."""
    from django.contrib.sessions.models import Session
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from portal.assessments.models import Answer
    from portal.audit.models import AuditEntry

    settings.ALLOWED_HOSTS = [costs.HOST]
    (reporter,) = scene.build(1, 1)
    campaign_unit = CampaignUnit.objects.get(pk=reporter.campaign_unit)
    actor = campaign_unit.unit.memberships.get().user
    answers = {code: PostedAnswer("2", "", 0, "") for code in scene.CODES}
    answers_save(campaign_unit=campaign_unit, actor=actor, answers=answers)
    before = (
        list(Answer.objects.order_by("pk").values_list("value", "version", "updated_at")),
        AuditEntry.objects.count(),
        Session.objects.get(pk=reporter.session).session_data,
    )
    portal = costs.Portal(WSGIHandler(), 8000)
    responses = []
    portal.handler = _recording(portal.handler, responses)
    # the test's transaction holds the connection: not closed at the request's start and end
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        portal.forms_only(iter([costs.Commune(reporter, version=1, value="2")]), 1)[0]()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    assert responses == [("302 Found", f"https://{portal.host}/tu-danh-gia/{campaign_unit.pk}/")]
    after = (
        list(Answer.objects.order_by("pk").values_list("value", "version", "updated_at")),
        AuditEntry.objects.count(),
        Session.objects.get(pk=reporter.session).session_data,
    )
    assert after == before and len(after[0]) == len(scene.CODES)


def _recording(handler, responses):
    """`handler`, noting each response's status and where it redirects."""

    def application(environ, start_response):
        def noted(status, headers, *rest):
            responses.append((status, dict(headers).get("Location")))
            return start_response(status, headers, *rest)

        return handler(environ, noted)

    return application


@pytest.mark.django_db(transaction=True)
def test_each_save_is_timed_holding_the_audit_trails_head_on_postgresql(costs, scene, settings):
    """Through the portal's own handler: each save that writes is timed from the statement
    that locks the head to its commit; a save that writes nothing takes no such lock, and
    fails the measure. On SQLite nothing is sent: its writers hold the database's own
    lock."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    settings.ALLOWED_HOSTS = [costs.HOST]
    (reporter,) = scene.build(1, 1)
    portal = costs.Portal(WSGIHandler(), 8000)
    commune = costs.Commune(reporter, version=0, value=None)
    encoded = []

    def three_saves():  # the first also moves the submission: two entries, one lock
        encoded.append(True)
        return portal.posts(iter([commune] * 3), 3, change=True)

    held = costs.head_held(three_saves)
    if connection.vendor != "postgresql":
        assert held is None and encoded == [] and commune.version == 0
        return
    assert held is not None and 0 < held < 5 and commune.version == 3
    with pytest.raises(RuntimeError, match="1 saves locked the audit trail's head 0 times"):
        costs.head_held(lambda: [lambda: portal.save(commune, change=False)])


def test_the_report_says_what_the_heads_hold_allows(saves, costs):
    cost = costs.Cost(0.001, 0.002)
    held = costs.Costs(3, cost, cost, cost, cost, head=0.0016)
    (line, _) = saves._head(held)
    assert "was held 1.60 ms by a save of 80 changes (the median of 3 more" in line
    assert "at most about 625 saves a second for all its app servers together" in line
    assert saves._head(costs.Costs(3, cost, cost, cost, cost)) == []  # SQLite


def failing_after(saves: int):
    """/healthz answered 200; the first `saves` posts 302, the next 500."""
    posted = []

    def application(environ, start_response):
        if environ["REQUEST_METHOD"] == "GET":
            start_response("200 OK", [])
        else:
            posted.append(environ["PATH_INFO"])
            if len(posted) <= saves:
                start_response("302 Found", redirected(environ))
            else:
                start_response("500 Error", [])
        return [b""]

    return application


def test_the_check_afterwards_expects_every_save_acknowledged_before_a_failure(saves, scene):
    """Two communes saved once each, one never: the measure first saves that one, then
    posts the others' answers again three times and changes them; the sixth post fails."""
    a, b, c = (
        scene.Reporter(province=0, campaign_unit=n, session="s", csrf="c") for n in (1, 2, 3)
    )
    surge = saves.Surge(saves.Run(), {1: 1, 2: 1, 3: 0}, {1: "1", 2: "1"}, {})
    with pytest.raises(RuntimeError, match="500 Error"):
        saves.request_costs(8000, [a, b, c], surge, 2, handler=failing_after(5))
    # c first saved (post 1); posted again: a, b, c (posts 2-4); changed: a (post 5); b failed
    assert surge.acknowledged == {1: 2, 2: 1, 3: 1}
    assert surge.values == {1: "2", 2: "1", 3: "2"}


def test_after_a_failed_surge_the_costs_are_not_measured(saves, scene):
    reporter = scene.Reporter(province=0, campaign_unit=1, session="s", csrf="c")
    failed = saves.Run()
    failed.add(saves.Sample(500, 0.1))
    surge = saves.Surge(failed, {1: 1}, {1: "1"}, {})
    assert saves.request_costs(8000, [reporter], surge, 2, handler=failing_after(0)) is None
    assert surge.acknowledged == {1: 1}
    assert saves._costs(None)[0].startswith("What each request costs with no queue: not measured")


@pytest.mark.django_db
def test_the_check_finds_what_the_database_lacks_of_the_acknowledged_saves(scene):
    reporters = scene.build(1, 2)
    assert {r.province for r in reporters} == {0} and len({r.session for r in reporters}) == 2
    first, second = (CampaignUnit.objects.get(pk=r.campaign_unit) for r in reporters)
    actor = first.unit.memberships.get().user
    codes = scene.CODES
    answers = {code: PostedAnswer("2", "", 0, "") for code in codes}
    answers_save(campaign_unit=first, actor=actor, answers=answers)
    assert scene.lost_writes({first.pk: 1}, {first.pk: "2"}) == []
    assert scene.lost_writes({first.pk: 1}, {first.pk: "1"}) == [
        f"campaign unit {first.pk}: 80 answers not as last saved"
    ]
    assert scene.lost_writes({first.pk: 2}, {first.pk: "2"})  # a second save acknowledged
    assert scene.lost_writes({second.pk: 1}, {second.pk: "2"}) == [
        f"campaign unit {second.pk}: 0 answers, not 80"
    ]
    # a save the client gave up waiting for may or may not have been stored: both hold
    assert scene.lost_writes({first.pk: 0}, {}, {first.pk: (1, "2")}) == []
    assert scene.lost_writes({second.pk: 0}, {}, {second.pk: (1, "2")}) == []
    assert scene.lost_writes({first.pk: 0}, {}, {first.pk: (1, "1")})  # but not another value
    fields = scene.form_fields(1, "1", "2")
    assert fields[f"version:{codes[0]}"] == "1" and fields[f"value:{codes[-1]}"] == "1"
    assert len(fields) == 4 * len(codes)


@pytest.mark.slow
def test_the_deadline_benchmark_runs_and_writes_its_report(tmp_path):
    # Exit 0: every save acknowledged, every answer as last saved, the trail intact.
    report = bench_run(
        "bench_saves.py",
        tmp_path,
        *("--provinces", "1", "2", "--units", "3", "--saves", "7", "--clients", "3"),
        *("--workers", "2", "--costs", "3"),
    )
    assert "# Deadline day: concurrent saves (sqlite)" in report
    assert "production settings) on SQLite (WAL, `synchronous=FULL`)" in report
    assert "- 1 province(s): " in report and "- 2 province(s): " in report
    assert "- 2 provinces at once: " in report and "of one province's alone" in report
    assert "| saves of 80 answers | 7 |" in report and "| saves of 80 answers | 14 |" in report
    assert "| … of province 2 | 7 |" in report
    assert report.count("- Problems afterwards: none") == 2  # the saves sent one by one too
    assert report.count("| a save of 80 changes | ") == 2
    assert report.count("| the save's form, nothing saved (language switch) | ") == 2
    assert "(median of 3 rounds of 3 each)" in report
    assert "audit trail's head" not in report  # SQLite's writers hold the database's lock
    assert not list(tmp_path.glob("dti-bench-saves-*"))  # its database and logs removed
