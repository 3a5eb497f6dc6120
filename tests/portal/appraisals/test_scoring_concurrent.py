"""Two appraisers pressing "Lưu" on the same criterion at the same moment, each from the
sheet he loaded: real threads, real connections (the round's row is locked while a save
runs). One save wins; the other gets HTTP 409 with the winner's value on the page; the
database holds exactly the winner's value, with one entry in the audit trail."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from portal.appraisals.models import Appraisal
from portal.appraisals.team import assignment_add
from portal.audit.models import AuditEntry
from tests.portal.assessments.conftest import FormFields

VALUES = {"hung": ("2", "Chỉ 2 tin có minh chứng."), "chair": ("3", "Có 3 tin.")}


@pytest.mark.django_db(transaction=True)
def test_two_appraisers_saving_one_criterion_at_once(team):  # type: ignore[no-untyped-def]
    assignment_add(member=team.members["chair"], index="nhan_thuc_so", actor=team.cast.quang)
    team.move(1, "open_round")
    sheet = f"/tham-dinh/don-vi/{team.campaign_unit.pk}/vong/1/"
    clients = {who: team.cast.client(team.person(who)) for who in VALUES}
    pages = {}
    for who, client in clients.items():
        parser = FormFields("answers")
        parser.feed(client.get(sheet).content.decode())
        pages[who] = parser.fields
    barrier = threading.Barrier(len(clients))
    status: dict[str, int] = {}
    bodies: dict[str, str] = {}

    def save(who: str) -> None:
        value, remark = VALUES[who]
        data = {**pages[who], "value:nts_tuyen_truyen": value, "note:nts_tuyen_truyen": remark}
        try:
            barrier.wait(timeout=10)
            response = clients[who].post(f"{sheet}luu/", data)
            status[who], bodies[who] = response.status_code, response.content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(who,)) for who in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(status.values()) == [302, 409], status
    winner = next(who for who, code in status.items() if code == 302)
    loser = next(who for who in status if who != winner)
    row = Appraisal.objects.get(criterion="nts_tuyen_truyen")
    assert (row.value, row.remark, row.version) == (*VALUES[winner], 1)
    assert row.updated_by == team.person(winner)
    assert VALUES[winner][1] in bodies[loser]  # the loser sees the winner's remark
    assert AuditEntry.objects.filter(entity="appraisal", criterion="nts_tuyen_truyen").count() == 1
