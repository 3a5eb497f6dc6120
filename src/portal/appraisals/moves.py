"""Which round may make which move, given the others: portal.workflow's round rules asked
with the campaign's rounds (no query). Read by the round moves (rounds.py), the chair's start
page (selectors.py) and the dashboard (pages.py)."""

from __future__ import annotations

from portal.campaigns.models import AppraisalRound
from portal.workflow import RoundFacts, round_move_refusal


def round_facts(round: AppraisalRound) -> RoundFacts:
    """What portal.workflow's round rules read of a round."""
    return RoundFacts(
        number=round.number,
        state=round.state,
        final=round.final,
        supplement_due_set=round.supplement_due is not None,
    )


def move_block_reason(round: AppraisalRound, action: str, rounds: dict[int, AppraisalRound]) -> str:
    """Why this round cannot make this move, beyond the workflow table ('' when it can):
    portal.workflow's round rules, asked with this round and the one before it."""
    previous = rounds.get(round.number - 1)
    return round_move_refusal(
        action, round_facts(round), round_facts(previous) if previous is not None else None
    )
