"""Reads behind the API endpoints. Each takes an object the portal's permission functions
already returned, so nothing here decides who may see what: which units' submission states
show is the campaign page's rule (portal.campaigns.permissions.viewer_in)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from dti.framework.describe import describe_rule
from dti.framework.model import Node
from portal.accounts.models import Province
from portal.accounts.permissions import AnyUser
from portal.assessments.models import Answer, Evidence, Submission
from portal.campaigns.models import Campaign, CampaignLevel, CampaignUnit
from portal.campaigns.permissions import viewer_in
from portal.frameworks.models import FrameworkVersion
from portal.units.models import Unit
from portal.workflow import SUBMISSION_STATE_LABELS, SubmissionState


def campaign_with_plan(campaign: Campaign) -> Campaign:
    """The campaign with its levels (and their frameworks) and round deadlines loaded."""
    levels = CampaignLevel.objects.select_related("framework").order_by("level")
    prefetch_related_objects([campaign], Prefetch("levels", queryset=levels), "rounds")
    return campaign


def _submission_state(campaign_unit: CampaignUnit) -> str:
    submission = getattr(campaign_unit, "submission", None)  # absent until the unit starts
    return submission.state if submission is not None else SubmissionState.NOT_STARTED.value


def _label(state: str) -> str:
    return str(SUBMISSION_STATE_LABELS[SubmissionState(state)])  # lazy: in the request's language


def campaign_units_for_user(user: AnyUser, campaign: Campaign) -> list[dict[str, Any]]:
    """The units in the campaign's scope; the submission state only where the user may
    see that unit's work."""
    viewer = viewer_in(user, campaign.province_id)
    rows = []
    for campaign_unit in campaign.units.select_related("unit", "submission"):
        state = (
            _submission_state(campaign_unit) if viewer.sees_unit(campaign_unit.unit_id) else None
        )
        rows.append(
            {
                "id": campaign_unit.pk,
                "unit": campaign_unit.unit,
                "level": campaign_unit.level,
                "previous_class": campaign_unit.previous_class,
                "extension_until": campaign_unit.extension_until,
                "submission_state": state,
                "submission_state_label": _label(state) if state else None,
            }
        )
    return rows


def units_of_province(province: Province) -> QuerySet[Unit]:
    return Unit.objects.filter(province=province).select_related("parent")


def _node(node: Node) -> dict[str, Any]:
    return {
        "code": node.code,
        "name": node.name,
        "kind": node.kind.value,
        "max": node.max,
        "weight": node.weight,
        "source": node.source.value,
        "rule": node.rule.type if node.is_leaf else None,
        "rule_text": describe_rule(node.rule, node.max) if node.is_leaf else None,
        "applies_when": node.applies_when.source if node.applies_when is not None else None,
        "measure": node.measure,
        "guidance": node.guidance,
        "children": [_node(child) for child in node.children],
    }


def framework_with_tree(framework: FrameworkVersion) -> dict[str, Any]:
    """The stored document, and the tree the core builds from it with every node's max."""
    built = framework.build()
    return {
        "id": framework.pk,
        "code": framework.code,
        "name": framework.name,
        "year": framework.year,
        "level": framework.level,
        "source": framework.source,
        "province": framework.province,
        "max": built.max,
        "document": framework.document,
        "tree": [_node(root) for root in built.nodes],
    }


def answers_of(campaign_unit: CampaignUnit) -> dict[str, Any]:
    """A unit's answers and evidence metadata; empty while the unit has not started."""
    submission = Submission.objects.filter(campaign_unit=campaign_unit).first()
    state = submission.state if submission else SubmissionState.NOT_STARTED.value
    answers: list[Answer] = []
    evidence: list[Evidence] = []
    if submission is not None:
        answers = list(submission.answers.select_related("updated_by").order_by("criterion"))
        evidence = list(submission.evidence.select_related("uploaded_by"))
    return {
        "campaign_unit": campaign_unit.pk,
        "campaign": campaign_unit.campaign_id,
        "unit": campaign_unit.unit,
        "submission_state": state,
        "submission_state_label": _label(state),
        "answers": answers,
        "evidence": evidence,
    }
