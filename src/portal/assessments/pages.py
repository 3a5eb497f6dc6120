"""What the self-assessment pages show: the form's context, the live score, and the
status page ("what is still missing", the submission's state and history)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from dti.evidence.limits import megabytes
from dti.framework.model import Framework
from portal.accounts.permissions import AnyUser
from portal.answers import AnswerValue, Conflict
from portal.assessments.forms import AnswersForm
from portal.assessments.models import Submission, SubmissionEvent
from portal.assessments.permissions import unit_roles
from portal.assessments.selectors import (
    answers_of,
    campaign_block_reason,
    deadline_of,
    edit_block_reason,
    evidence_bytes,
    evidence_of,
    framework_for,
    submission_for,
)
from portal.assessments.sheet import SheetData, build_sheet
from portal.assessments.uploads import CriterionNotice
from portal.assessments.verify import current_signature, submission_mode
from portal.audit.rows import technical_split
from portal.campaigns.models import CampaignUnit
from portal.frameworks.scoring import LiveScore, points_text, score_answers
from portal.indicators.selectors import system_values_for, with_system_values
from portal.roles import Role
from portal.signatures.models import SubmissionMode
from portal.workflow import ACTION_LABELS, Machine, SubmissionState, actions_for


def stored_values(campaign_unit: CampaignUnit) -> dict[str, AnswerValue]:
    """The unit's stored answers, with the values imported from the shared systems."""
    answers = {code: a.value for code, a in answers_of(submission_for(campaign_unit)).items()}
    return with_system_values(answers, system_values_for(campaign_unit))


def posted_answers(campaign_unit: CampaignUnit, form: AnswersForm) -> dict[str, AnswerValue]:
    """The stored answers with what the page posted on top (the page's current values)."""
    values = stored_values(campaign_unit)
    values.update({code: posted.value for code, posted in form.cleaned.items()})
    return values


def summary(live: LiveScore) -> dict[str, Any]:
    """The live score's numbers as the page prints them."""
    return {
        "total": points_text(live.total),
        "max": points_text(live.applicable_max),
        "ratio": f"{points_text(live.ratio)}%",
        "class": live.class_label or "",
        "error": live.error,
        "indices": [
            {
                "code": i.code,
                "name": i.name,
                "score": points_text(i.score),
                "max": points_text(i.max),
                "answered": i.answered,
                "required": i.required,
            }
            for i in live.indices
        ],
        "missing": [{"code": leaf.code, "name": leaf.name} for leaf in live.missing],
    }


def live_score(
    framework: Framework,
    campaign_unit: CampaignUnit,
    values: Mapping[str, AnswerValue],
    form: AnswersForm,
    posted: Iterable[str],
) -> dict[str, Any]:
    """What the live score's fragment (assessments/_live_score.html) shows: each criterion's
    score and problem, the summary, and an error (or none) for every value and note field
    the page posted, so a corrected field loses its old error."""
    live = score_answers(framework, campaign_unit.unit, values)
    criteria = {
        leaf.code: {
            "score": points_text(live.scores.get(leaf.code, Decimal(0))),
            "max": points_text(live.maxima.get(leaf.code, leaf.max)),
            "answered": live.answered.get(leaf.code, False),
            "applies": live.applies.get(leaf.code, True),
            "problem": live.problems.get(leaf.code, ""),
        }
        for leaf in framework.leaves
    }
    fields = [
        (name, form.errors.get(name, ""))
        for name in dict.fromkeys(posted)
        if name.startswith(("value:", "note:"))
    ]
    return {"errors": form.errors, "fields": fields, "criteria": criteria, **summary(live)}


def _roles_and_block(
    user: AnyUser, campaign_unit: CampaignUnit, roles: set[Role] | None
) -> tuple[set[Role], str]:
    """The user's roles (`roles`: as the view read them with the unit), and why the answers
    cannot change now ('' when they can)."""
    return unit_roles(user, campaign_unit) if roles is None else roles, edit_block_reason(
        campaign_unit, submission_for(campaign_unit)
    )


def form_context(
    user: AnyUser,
    campaign_unit: CampaignUnit,
    *,
    framework: Framework | None = None,
    form: AnswersForm | None = None,
    conflicts: Mapping[str, Conflict] | None = None,
    notices: Mapping[str, CriterionNotice] | None = None,
    roles: set[Role] | None = None,
) -> dict[str, Any]:
    """The form page's context; `roles`: the user's in the unit, as the view read them with
    it (`campaign_unit_and_roles`), or read here."""
    framework = framework or framework_for(campaign_unit)
    submission = submission_for(campaign_unit)
    answers = answers_of(submission)
    system = system_values_for(campaign_unit)
    values = with_system_values({code: a.value for code, a in answers.items()}, system)
    if form is not None:
        values.update({code: posted.value for code, posted in form.cleaned.items()})
    live = score_answers(framework, campaign_unit.unit, values)
    roles, block = _roles_and_block(user, campaign_unit, roles)
    readonly = block or ("" if Role.REPORTER in roles else gettext("Bạn chỉ có quyền xem bản này."))
    editable = not readonly and not live.error  # live.error: the unit cannot be scored at all
    data = SheetData(
        framework,
        answers,
        evidence_of(submission),
        live,
        editable=editable,
        form=form,
        conflicts=conflicts or {},
        system=system,
        notices=notices or {},
    )
    return {
        "campaign_unit": campaign_unit,
        "submission": submission,
        "framework": framework,
        "indices": build_sheet(data),
        "summary": summary(live),
        "editable": editable,
        "readonly_reason": readonly,
        "deadline": deadline_of(campaign_unit),
        "can_submit": "submit" in _actions(submission.state, roles, campaign_unit),
        "evidence_usage": evidence_usage(campaign_unit, submission),
    }


def evidence_usage(campaign_unit: CampaignUnit, submission: Submission) -> dict[str, str]:
    """The unit's evidence files against its quota, as the page prints them (20 MB / 500 MB)."""
    used = evidence_bytes(campaign_unit.pk) if submission.pk else 0
    return {"used": megabytes(used), "quota": megabytes(settings.EVIDENCE_QUOTA_BYTES)}


def _actions(state: str, roles: set[Role], campaign_unit: CampaignUnit) -> list[str]:
    return actions_for(Machine.SUBMISSION, state, roles, campaign_unit.campaign.state)


def status_context(
    user: AnyUser, campaign_unit: CampaignUnit, roles: set[Role] | None = None
) -> dict[str, Any]:
    """The status page's context; `roles` as `form_context` takes them."""
    framework = framework_for(campaign_unit)
    submission = submission_for(campaign_unit)
    live = score_answers(framework, campaign_unit.unit, stored_values(campaign_unit))
    roles = unit_roles(user, campaign_unit) if roles is None else roles
    block = campaign_block_reason(campaign_unit)
    actions = [a for a in _actions(submission.state, roles, campaign_unit) if a != "save"]
    if block and "submit" in actions:  # past the deadline the button would only be refused
        actions.remove("submit")
    events = (
        SubmissionEvent.objects.filter(submission=submission).select_related("actor")
        if submission.pk
        else []
    )
    labels = {**ACTION_LABELS, "sign": gettext("Ký số")}
    signing = signing_context(campaign_unit, submission)
    # the signed approval's form carries its own link to the PDF to sign
    signing["document_link"] = signing["document_ready"] and not (
        signing["signing"] and "approve" in actions
    )
    return {
        "campaign_unit": campaign_unit,
        "submission": submission,
        "summary": summary(live),
        "deadline": deadline_of(campaign_unit),
        "block_reason": block,
        "actions": [(action, ACTION_LABELS[action]) for action in actions],
        "events": [
            (event, labels.get(event.action, event.action), *technical_split(event.note))
            for event in events
        ],
        **signing,
    }


def signing_context(campaign_unit: CampaignUnit, submission: Submission) -> dict[str, Any]:
    """The status page's signing parts: whether the approval takes a signed PDF (and must),
    the PDF to sign once the snapshot exists, and the signed copy of the current approval."""
    mode = submission_mode(campaign_unit)
    return {
        "signing": mode != SubmissionMode.OFF,
        "required": mode == SubmissionMode.REQUIRED,
        "document_ready": bool(submission.snapshot)
        and submission.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED),
        "signature": current_signature(submission),
    }
