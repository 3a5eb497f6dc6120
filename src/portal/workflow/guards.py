"""The guard rails of the workflow: beyond who may move what from which state (`table`),
what must be true before a move is made. Each move's guard is a function of plain facts
(dataclasses the apps fill from their models, in a few queries for every unit at once)
returning every blocker, in words a civil servant reads, with the names of the units
concerned. A blocker is hard (the move is refused) or may be overridden: the chair or the
office goes on only by ticking "Vẫn thực hiện" and giving a reason, which the audit trail
keeps with the move (`enforce`).

    move                    blockers
    close_self_assessment   units not submitted, not approved, still within their deadline
    start_appraisal         no appraisal round, no team chair (hard)
    return_results, agree   units with criteria the team never scored
    close_round             the supplement deadline not passed; requests unanswered
    finalize                units with criteria never scored (the final round: hard, rules)
    publish                 units without a result (hard)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext

from portal.moments import moment_text

# How many names a blocker lists before it says "và N đơn vị khác".
NAMES_SHOWN = 5


@dataclass(frozen=True)
class Blocker:
    """One reason a move should not be made now; `hard`: it cannot be overridden."""

    text: str
    hard: bool = False


class MoveBlocked(ValidationError):
    """A move refused by its guard rails; `blockers` are all of them, for the page that
    lists them beside the button (and offers the override when none is hard)."""

    def __init__(self, blockers: Sequence[Blocker]):
        super().__init__([b.text for b in blockers])
        self.blockers = list(blockers)

    @property
    def overridable(self) -> bool:
        return not any(b.hard for b in self.blockers)


def enforce(blockers: Sequence[Blocker], override_reason: str = "") -> list[str]:
    """Refuse the move (MoveBlocked) while a blocker is hard, or while there are blockers
    and no reason to go on; else the texts of the blockers overridden (for the trail)."""
    if any(b.hard for b in blockers) or (blockers and not override_reason.strip()):
        raise MoveBlocked(blockers)
    return [b.text for b in blockers]


def names(items: Sequence[str]) -> str:
    """'A, B, C' with at most NAMES_SHOWN names, then 'và N đơn vị khác'."""
    shown = ", ".join(items[:NAMES_SHOWN])
    rest = len(items) - NAMES_SHOWN
    if rest <= 0:
        return shown
    return ngettext(
        "%(names)s và %(count)s đơn vị khác", "%(names)s và %(count)s đơn vị khác", rest
    ) % {"names": shown, "count": rest}


# ---- the facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitGap:
    """A unit, and how many of its criteria something is missing for (0: none)."""

    name: str
    missing: int


@dataclass(frozen=True)
class SelfAssessmentFacts:
    """The units of a campaign as its self-assessment closes."""

    deadline: datetime | None
    not_submitted: tuple[str, ...] = ()  # names: nothing sent for approval yet
    not_approved: tuple[str, ...] = ()  # names: sent, waiting for approval
    extended: tuple[tuple[str, datetime], ...] = ()  # names with an extension still running


@dataclass(frozen=True)
class AppraisalStartFacts:
    rounds: int
    chair: bool


@dataclass(frozen=True)
class RoundGuardFacts:
    """A round as its guard rails read it: its number, its units' supplement deadline (the
    latest of the round's and of any criterion's own), the units with criteria the team has
    not scored in it or any round before, the units with supplement requests unanswered."""

    number: int
    supplement_due: datetime | None = None
    unscored: tuple[UnitGap, ...] = ()
    unanswered: tuple[UnitGap, ...] = ()


# ---- the guards --------------------------------------------------------------------------


def _gaps(gaps: Iterable[UnitGap]) -> str:
    return names(
        [
            ngettext("%(unit)s (%(count)s tiêu chí)", "%(unit)s (%(count)s tiêu chí)", g.missing)
            % {"unit": g.name, "count": g.missing}
            for g in gaps
        ]
    )


def close_self_assessment_blockers(facts: SelfAssessmentFacts, now: datetime) -> list[Blocker]:
    """Closing locks every unit out of its self-assessment: say who has not finished."""
    blockers = []
    if facts.deadline is not None and now <= facts.deadline:
        blockers.append(
            Blocker(
                gettext("Hạn tự đánh giá là %(deadline)s, chưa qua.")
                % {"deadline": moment_text(facts.deadline)}
            )
        )
    running = [(name, until) for name, until in facts.extended if now <= until]
    if running:
        blockers.append(
            Blocker(
                ngettext(
                    "%(count)s đơn vị được gia hạn, hạn chưa qua: %(names)s.",
                    "%(count)s đơn vị được gia hạn, hạn chưa qua: %(names)s.",
                    len(running),
                )
                % {
                    "count": len(running),
                    "names": names([f"{name} ({moment_text(until)})" for name, until in running]),
                }
            )
        )
    if facts.not_submitted:
        blockers.append(
            Blocker(
                ngettext(
                    "%(count)s đơn vị chưa gửi bản tự đánh giá: %(names)s.",
                    "%(count)s đơn vị chưa gửi bản tự đánh giá: %(names)s.",
                    len(facts.not_submitted),
                )
                % {"count": len(facts.not_submitted), "names": names(facts.not_submitted)}
            )
        )
    if facts.not_approved:
        blockers.append(
            Blocker(
                ngettext(
                    "%(count)s đơn vị đã gửi nhưng chưa được phê duyệt: %(names)s.",
                    "%(count)s đơn vị đã gửi nhưng chưa được phê duyệt: %(names)s.",
                    len(facts.not_approved),
                )
                % {"count": len(facts.not_approved), "names": names(facts.not_approved)}
            )
        )
    return blockers


def start_appraisal_blockers(facts: AppraisalStartFacts) -> list[Blocker]:
    blockers = []
    if not facts.rounds:
        blockers.append(
            Blocker(
                gettext(
                    "Chưa đặt hạn vòng thẩm định nào: đặt hạn ở trang “Hạn các vòng thẩm định”."
                ),
                hard=True,
            )
        )
    if not facts.chair:
        blockers.append(
            Blocker(
                gettext("Tổ thẩm định chưa có tổ trưởng: thêm thành viên và chọn tổ trưởng."),
                hard=True,
            )
        )
    return blockers


def unscored_blockers(facts: RoundGuardFacts) -> list[Blocker]:
    """Returning results, agreeing, finalizing: units with criteria never scored keep the
    values they declared themselves."""
    if not facts.unscored:
        return []
    return [
        Blocker(
            ngettext(
                "Vòng %(number)s: %(count)s đơn vị còn tiêu chí tổ chưa chấm (giữ giá trị đơn "
                "vị tự khai): %(names)s.",
                "Vòng %(number)s: %(count)s đơn vị còn tiêu chí tổ chưa chấm (giữ giá trị đơn "
                "vị tự khai): %(names)s.",
                len(facts.unscored),
            )
            % {
                "number": facts.number,
                "count": len(facts.unscored),
                "names": _gaps(facts.unscored),
            }
        )
    ]


def close_round_blockers(facts: RoundGuardFacts, now: datetime) -> list[Blocker]:
    """Ending a round ends the units' supplements: not before their deadline, nor with
    requests unanswered, unless the chair says why."""
    blockers = []
    if facts.supplement_due is not None and now <= facts.supplement_due:
        blockers.append(
            Blocker(
                gettext(
                    "Hạn bổ sung vòng %(number)s là %(deadline)s, chưa qua: đơn vị còn được "
                    "giải trình, bổ sung đến lúc đó."
                )
                % {"number": facts.number, "deadline": moment_text(facts.supplement_due)}
            )
        )
    if facts.unanswered:
        count = sum(g.missing for g in facts.unanswered)
        blockers.append(
            Blocker(
                ngettext(
                    "%(count)s yêu cầu bổ sung chưa được trả lời: %(names)s.",
                    "%(count)s yêu cầu bổ sung chưa được trả lời: %(names)s.",
                    count,
                )
                % {"count": count, "names": _gaps(facts.unanswered)}
            )
        )
    return blockers


def publish_blockers(without_result: Sequence[str]) -> list[Blocker]:
    if not without_result:
        return []
    return [
        Blocker(
            ngettext(
                "%(count)s đơn vị chưa có kết quả: %(names)s.",
                "%(count)s đơn vị chưa có kết quả: %(names)s.",
                len(without_result),
            )
            % {"count": len(without_result), "names": names(without_result)},
            hard=True,
        )
    ]


def override_note(reason: str, overridden: Sequence[str]) -> str:
    """What the audit trail keeps of a move made over its blockers ('' when there were none)."""
    if not overridden:
        return ""
    return gettext("Vẫn thực hiện: %(reason)s (dù: %(blockers)s)") % {
        "reason": reason.strip(),
        "blockers": " ".join(overridden),
    }
