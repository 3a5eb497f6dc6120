"""One name per state: the workflow's label tables (portal.workflow.table) name every state
once, and the pages and messages that speak of a state use that name, not another."""

from __future__ import annotations

import re

import pytest

from portal.assessments.campaign_page import DASHBOARD_GROUPS
from portal.workflow import STATE_LABELS, SUBMISSION_EDIT_REFUSALS, Machine, SubmissionState
from tests.conftest import REPO

PORTAL = REPO / "src" / "portal"


@pytest.mark.parametrize("machine", list(Machine))
def test_each_machine_names_its_states_once(machine):
    labels = [str(label) for label in STATE_LABELS[machine].values()]
    assert len(labels) == len(set(labels))


def test_the_campaign_pages_groups_are_the_states_by_their_names():
    labels = STATE_LABELS[Machine.SUBMISSION]
    for state, label in DASHBOARD_GROUPS:
        if state in labels:
            assert str(label) == str(labels[state]), state


@pytest.mark.parametrize("state", list(SUBMISSION_EDIT_REFUSALS))
def test_a_refusal_names_the_state_by_its_label(state):
    label = str(STATE_LABELS[Machine.SUBMISSION][SubmissionState(state)])
    assert f"“{label}”" in str(SUBMISSION_EDIT_REFUSALS[state])


def test_no_template_writes_a_state_label_of_its_own():
    """A badge shows a state through its label (get_state_display, state_label), never a
    word typed into the template; and no template or module but the table repeats a label
    with another spelling ("Đang thực hiện" for "Đang nhập")."""
    badges = []
    for path in PORTAL.rglob("*.html"):
        for match in re.finditer(r'class="badge[^"]*"[^>]*>([^<{]+)<', path.read_text()):
            badges.append((path.name, match.group(1).strip()))
    labels = {str(label) for table in STATE_LABELS.values() for label in table.values()}
    assert not [badge for badge in badges if badge[1] in labels]
    others = ("Đang thực hiện", "đang chờ phê duyệt", "Chờ phê duyệt", "Đã duyệt")
    for path in [*PORTAL.rglob("*.html"), *PORTAL.rglob("*.py")]:
        if "migrations" in path.parts or "locale" in path.parts:
            continue
        text = path.read_text()
        assert not [other for other in others if other in text], path
