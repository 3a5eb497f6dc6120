"""Finalization computes every unit's result before its write transaction and stores them
only if nothing they come from changed meanwhile (portal.appraisals.final_results): a
change committed while the results were being computed is never lost under them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from portal.accounts.models import User
from portal.appraisals import finalization
from portal.appraisals.final_results import Prepared, prepared_results
from portal.appraisals.finalization import ATTEMPTS, campaign_finalize
from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.audit.verify import audit_log_verify
from portal.campaigns.models import Campaign, HistoricResult
from portal.units.models import Unit
from portal.workflow import CampaignState
from tests.portal.appraisals.conftest import OVERRIDE, Team
from tests.portal.appraisals.test_finalize_service import three_rounds


def computed_then(
    monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[int], None]
) -> list[list[Prepared]]:
    """Every computation of the results, in order; after the n-th (from 1), `meanwhile(n)`
    changes the database as another person's committed write would."""
    computed: list[list[Prepared]] = []

    def compute(campaign: Campaign, round_number: int, actor: User) -> list[Prepared]:
        results = prepared_results(campaign, round_number, actor)
        computed.append(results)
        meanwhile(len(computed))
        return results

    monkeypatch.setattr(finalization, "prepared_results", compute)
    return computed


def offers_online_services(team: Team, offers: bool) -> None:
    """Sở Tư pháp's attributes edited on the units page: whether cqs_dvctt applies to it."""
    Unit.objects.filter(pk=team.cast.tu_phap.pk).update(
        attributes={"has_online_public_services": offers}
    )


def tu_phap(results: list[Prepared]) -> dict[str, Any]:
    """Sở Tư pháp's result as computed, field by field."""
    return next(
        model_to_dict(p.result) for p in results if p.result.campaign_unit.unit.code == "so-tu-phap"
    )


def stored_tu_phap() -> HistoricResult:
    return HistoricResult.objects.get(campaign_unit__unit__code="so-tu-phap")


def test_a_unit_edited_while_computing_is_computed_again(team: Team, monkeypatch):
    three_rounds(team)
    computed = computed_then(
        monkeypatch, lambda n: offers_online_services(team, True) if n == 1 else None
    )
    campaign_finalize(campaign=team.campaign, actor=team.chair, override_reason=OVERRIDE)
    assert len(computed) == 2
    before, after = tu_phap(computed[0]), tu_phap(computed[1])
    assert before["applicable_max"] != after["applicable_max"]  # the edit changes the result
    assert stored_tu_phap().applicable_max == after["applicable_max"]
    assert AuditEntry.objects.filter(entity="result", action="finalize").count() == 2
    assert audit_log_verify().intact


def test_an_audited_change_of_the_campaign_while_computing_is_computed_again(
    team: Team, monkeypatch
):
    three_rounds(team)

    def meanwhile(n: int) -> None:
        if n == 1:  # any write of the campaign leaves its entry in the campaign's trail
            audit_record(
                actor=team.cast.quang,
                entity="campaign",
                action="note",
                campaign=team.campaign,
                reason="Ghi chú của văn phòng",
            )

    computed = computed_then(monkeypatch, meanwhile)
    campaign_finalize(campaign=team.campaign, actor=team.chair, override_reason=OVERRIDE)
    assert len(computed) == 2
    assert HistoricResult.objects.count() == 2


def test_a_campaign_that_keeps_changing_is_computed_under_the_lock(team: Team, monkeypatch):
    three_rounds(team)
    computed = computed_then(
        monkeypatch,
        lambda n: offers_online_services(team, n % 2 == 1) if n <= ATTEMPTS else None,
    )
    campaign_finalize(campaign=team.campaign, actor=team.chair, override_reason=OVERRIDE)
    assert len(computed) == ATTEMPTS + 1
    assert stored_tu_phap().applicable_max == tu_phap(computed[-1])["applicable_max"]
    assert Campaign.objects.get(pk=team.campaign.pk).state == CampaignState.FINALIZED


def test_a_round_reopened_while_computing_stores_nothing(team: Team, monkeypatch):
    three_rounds(team)
    computed_then(monkeypatch, lambda n: team.move(3, "reopen_round"))
    with pytest.raises(ValidationError, match="chưa được tổ thống nhất"):
        campaign_finalize(campaign=team.campaign, actor=team.chair, override_reason=OVERRIDE)
    assert not HistoricResult.objects.exists()
    assert not AuditEntry.objects.filter(entity="result").exists()
    assert Campaign.objects.get(pk=team.campaign.pk).state == CampaignState.IN_APPRAISAL
