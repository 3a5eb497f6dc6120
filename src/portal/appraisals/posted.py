"""What the team's and the unit's forms hand to the services: a posted score, verdict or
response, and the canonical text of each (the page carries the one it showed, so a save
writes only what the person changed, and a change made by someone else meanwhile is seen).
Domain values: the forms build them, the services and pages read them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from portal.answers import AnswerValue
from portal.appraisals.models import Appraisal, EvidenceVerdict
from portal.campaigns.deadlines import format_deadline

REPLY_MAX_LENGTH = 5000


def canonical_appraisal(
    value: AnswerValue, remark: str, requested: bool, request: str, due: datetime | None
) -> str:
    """An appraisal as one canonical text. The page carries the one it showed, so a save
    writes only criteria the person changed (or ticked "chấm vòng này")."""
    return json.dumps(
        {
            "value": value,
            "remark": remark,
            "requested": requested,
            "request": request if requested else "",
            "due": format_deadline(due) if requested else "",
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def stored_canonical(row: Appraisal | None) -> str:
    if row is None:
        return canonical_appraisal(None, "", False, "", None)
    return canonical_appraisal(
        row.value,
        row.remark,
        row.supplement_requested,
        row.supplement_request,
        row.supplement_due,
    )


@dataclass(frozen=True)
class PostedAppraisal:
    value: AnswerValue
    remark: str = ""
    supplement_requested: bool = False
    supplement_request: str = ""
    supplement_due: datetime | None = None
    version: int = 0  # the Appraisal.version the page was loaded with; 0 when there was none
    loaded: str = ""  # canonical_appraisal() of what the page showed ("": always a change)
    confirm: bool = False  # keep the value shown as this round's score, even unchanged

    @property
    def canonical(self) -> str:
        return canonical_appraisal(
            self.value,
            self.remark,
            self.supplement_requested,
            self.supplement_request,
            self.supplement_due,
        )

    @property
    def changed(self) -> bool:
        return self.confirm or self.canonical != self.loaded


def canonical_verdict(verdict: str, note: str) -> str:
    return json.dumps({"verdict": verdict, "note": note}, sort_keys=True, ensure_ascii=False)


def stored_verdict(row: EvidenceVerdict | None) -> str:
    return canonical_verdict(row.verdict, row.note) if row else canonical_verdict("", "")


@dataclass(frozen=True)
class PostedVerdict:
    verdict: str  # a Verdict value, or "" for none
    note: str = ""
    version: int = 0
    loaded: str = ""

    @property
    def canonical(self) -> str:
        return canonical_verdict(self.verdict, self.note)

    @property
    def changed(self) -> bool:
        return self.canonical != self.loaded


@dataclass(frozen=True)
class PostedResponse:
    criterion: str
    kind: str  # ResponseKind
    value: AnswerValue  # the new value (supplement only); None keeps the appraised one
    reply: str
    version: int  # the Response.version the page was loaded with; 0 when there was none
