"""Saving a unit's answers, with optimistic locking, and most of the work before the write.

A save of 80 answers first reads what is stored and prepares everything without a
transaction: it compares each posted answer's version with the stored one (a conflict is
refused with who saved what), validates the rows, prepares their statements' values
(portal.bulk.updating, inserting) and builds their audit entry, its old and new values
encoded as they are stored and hashed. Only then does its transaction lock the submission,
check again that the reporter may edit it, and read the stored answers' versions: if they
are the ones prepared against, the prepared rows and entries are written, given there only
the time and, on a first save, the submission just created; if someone saved in between,
the save is prepared again under the lock, as it always was, and written from that.

On SQLite a transaction that writes holds the database's one write lock from its first
statement, so every unit's save waited for the whole of the save before it; now it waits for
the writing alone (docs/decisions.md, "A save prepares before it locks"). A draft saved
again with nothing changed opens no transaction at all.

A save is one audit entry (entity "answers"), whatever the number of answers it changes:
its old and new values are keyed by criterion (portal.audit.rows reads it back as one line
per criterion)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.model import Node
from portal.accounts.models import User
from portal.answers import (
    Conflict,
    PostedAnswer,
    answer_label,
    same_answer,
    stored_as_is,
)
from portal.assessments.models import Answer, Submission
from portal.assessments.permissions import unit_roles
from portal.assessments.selectors import answers_of, edit_block_reason, framework_for
from portal.assessments.services import editable_leaves, move_submission, open_for_edit
from portal.audit.models import AuditEntry
from portal.audit.rows import SAVE_ENTITY
from portal.audit.services import Record, audit_append, audit_entries
from portal.bulk import Writing, built, inserting, updating
from portal.campaigns.models import CampaignUnit
from portal.compiled import Compiled
from portal.roles import Role
from portal.workflow import SubmissionState

__all__ = ["AnswerConflict", "SaveResult", "answers_save"]

Stored = dict[str, tuple[int, int]]  # criterion → (answer id, version), as a save read them
WRITTEN = ["value", "note", "version", "updated_at"]
# Who saved it, written only where it changes: on SQLite each row that sets it updates its
# index and checks its reference, a third of the time a save's 80 rows took to write.
WRITTEN_BY = [*WRITTEN, "updated_by"]


class AnswerConflict(ValidationError):
    """Someone else saved some of these criteria since the page was loaded."""

    def __init__(self, conflicts: dict[str, Conflict]):
        self.conflicts = conflicts
        super().__init__(
            gettext(
                "%(count)s tiêu chí vừa được người khác lưu sau khi bạn mở trang; chưa lưu gì. "
                "Xem giá trị của họ bên dưới, sửa lại nếu cần rồi bấm Lưu nháp lần nữa."
            )
            % {"count": len(conflicts)}
        )


@dataclass(frozen=True)
class SaveResult:
    saved: int
    state: str


@dataclass
class _Prepared:
    """A save ready to write: the rows (new ones without their submission yet), their
    statements and values (`inserts`, `updates`: run under the lock with the submission and
    the time), its one audit entry (its submission's id is set once the submission is
    locked), and the stored versions they were prepared against."""

    stored: Stored
    read: Submission | None  # the submission they were prepared against
    new: list[Answer] = field(default_factory=list)
    changed: list[Answer] = field(default_factory=list)
    inserts: Writing | None = None
    updates: list[Writing] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)  # new and changed, as posted
    entries: list[AuditEntry] = field(default_factory=list)  # one, or none if nothing changed
    names: list[str] = field(default_factory=list)  # their criteria, by name


def answers_save(
    *,
    campaign_unit: CampaignUnit,
    actor: User,
    answers: Mapping[str, PostedAnswer],
    roles: set[Role] | None = None,
) -> SaveResult:
    """Store the posted answers that changed since the page was loaded, in one audit entry,
    and move the submission (a first save makes it a draft).
    Refused, with nothing written: a user who is not the unit's reporter, a submission or
    campaign that cannot be edited now, a criterion the unit does not answer, and any
    answer someone else saved after the page was loaded (AnswerConflict).

    `roles`: the actor's roles in the unit as the caller has just read them with
    `campaign_unit` (the page's permission check, `campaign_unit_and_roles`); the submission
    read with it is then what the save prepares against. Without, both are read here.
    Either way the roles are read again with the submission, in the statement that locks it
    (`open_for_edit`), and its answers' versions after it."""
    handed = roles is not None
    if roles is None:
        roles = unit_roles(actor, campaign_unit)
    if Role.REPORTER not in roles:
        raise PermissionDenied(gettext("Chỉ cán bộ đầu mối của đơn vị được sửa bản tự đánh giá."))
    read = _submission_read(campaign_unit) if handed else _submission_now(campaign_unit)
    reason = edit_block_reason(campaign_unit, read or Submission(campaign_unit=campaign_unit))
    if reason:
        raise ValidationError(reason)
    leaves = {
        leaf.code: leaf for leaf in editable_leaves(framework_for(campaign_unit), campaign_unit)
    }
    unknown = sorted(set(answers) - set(leaves))
    if unknown:
        raise ValidationError(
            gettext("Đơn vị không nhập được các tiêu chí: %(codes)s.")
            % {"codes": ", ".join(unknown)}
        )
    prepared = _prepare(campaign_unit, actor, answers, leaves, read)
    if not prepared.answers and read is not None and read.state == SubmissionState.DRAFT:
        # nothing to write and a draft stays a draft: no transaction, no lock (on SQLite the
        # database's one write lock), as if saved just before anyone's save that follows
        return SaveResult(0, read.state)
    return _write(campaign_unit, actor, answers, leaves, prepared)


@transaction.atomic
def _write(
    campaign_unit: CampaignUnit,
    actor: User,
    answers: Mapping[str, PostedAnswer],
    leaves: Mapping[str, Node],
    prepared: _Prepared,
) -> SaveResult:
    submission, roles = open_for_edit(campaign_unit, actor, prepared.read)
    if _stored(submission) != prepared.stored:  # saved meanwhile: prepared again, locked
        prepared = _prepare(campaign_unit, actor, answers, leaves, submission)
    now = timezone.now()
    if prepared.inserts is not None:
        prepared.inserts.run(submission_id=submission.pk, updated_at=now)
    for updates in prepared.updates:
        updates.run(updated_at=now)
    for entry in prepared.entries:
        entry.entity_id = str(submission.pk)  # a first save's, known once it is created
    if prepared.names or submission.state != SubmissionState.DRAFT:
        # the criteria by name: the status page's history shows the note as written
        note = "Lưu: " + "; ".join(prepared.names) if prepared.names else ""
        # a first save moves the submission: that entry goes with the save's, written below
        move_submission(
            campaign_unit, submission, actor, "save", note, roles, entries=prepared.entries
        )
    # the last write, linked as it is written: the chain's head is locked only for it and the
    # commit, where a seal after the commit would take it in a second transaction of its own
    # (portal.audit.sealing)
    audit_append(prepared.entries, linked=True)
    return SaveResult(len(prepared.names), submission.state)


def _submission_read(campaign_unit: CampaignUnit) -> Submission | None:
    """The unit's submission as the caller has just read it with `campaign_unit`, or read
    now; None before the first save."""
    if CampaignUnit.submission.is_cached(campaign_unit):
        try:
            return campaign_unit.submission
        except Submission.DoesNotExist:
            return None
    return _submission_now(campaign_unit)


def _submission_now(campaign_unit: CampaignUnit) -> Submission | None:
    return Submission.objects.filter(campaign_unit=campaign_unit).first()


# Read under the database's write lock by every save (SQLite): composed once (portal.compiled).
_VERSIONS = Compiled(
    lambda submission: Answer.objects.filter(submission_id=submission).values_list(
        "criterion", "pk", "version"
    ),
    "submission",
)


def _stored(submission: Submission | None) -> Stored:
    if submission is None or submission.pk is None:
        return {}
    rows = _VERSIONS.rows(submission=submission.pk)
    return {criterion: (pk, version) for criterion, pk, version in rows}


def _prepare(
    campaign_unit: CampaignUnit,
    actor: User,
    answers: Mapping[str, PostedAnswer],
    leaves: Mapping[str, Node],
    submission: Submission | None,
) -> _Prepared:
    """The rows and audit entries of a save against what `submission` holds now; an
    AnswerConflict if a posted answer was loaded at another version than the stored one.
    Each row's own fields are validated here; its criterion is unique in the submission
    because the rows are written under the submission's lock, against these versions."""
    current = answers_of(submission, with_people=False) if submission is not None else {}
    prepared = _Prepared({code: (a.pk, a.version) for code, a in current.items()}, submission)
    conflicts: dict[str, Answer | None] = {}
    records: list[tuple[Answer, dict[str, object] | None]] = []
    others: set[int] = set()  # the stored answers changed here that someone else saved last
    actor_id = actor.pk  # once: the request's person is a lazy object, each look a call
    for code, posted in answers.items():
        # what was posted is checked, before it is compared (the criterion is the
        # framework's, the id the database's, the rest set here): a value or a note the form
        # cannot give is a caller's mistake, refused before anything is written
        if not stored_as_is(posted.value, posted.note):
            kinds = f"{type(posted.value).__name__}, {type(posted.note).__name__}"
            raise TypeError(f"{code}: a value and a note Answer does not store ({kinds})")
        answer = current.get(code)
        stored = (answer.value, answer.note) if answer else (None, "")
        if same_answer(posted.value, posted.note, *stored):
            continue  # nothing new
        if posted.version != (answer.version if answer else 0):
            # saved by someone since the page was loaded: a conflict, unless untouched on
            # the page (then what they stored is kept). At the stored version the page
            # showed the stored answer, so a different one was typed: no need to ask.
            if posted.changed:
                conflicts[code] = answer
            continue
        old = {"value": answer.value, "note": answer.note} if answer else None
        if answer is None:
            answer = _new_answer(code)
            prepared.new.append(answer)
        else:
            prepared.changed.append(answer)
        answer.value, answer.note = posted.value, posted.note
        answer.version += 1
        if answer.updated_by_id != actor_id:
            answer.updated_by_id = actor_id
            if answer.pk is not None:
                others.add(answer.pk)
        records.append((answer, old))
    if conflicts:
        raise AnswerConflict(_named(conflicts, leaves, submission))
    if records:
        prepared.entries = audit_entries(
            [
                Record(
                    actor=actor,
                    entity=SAVE_ENTITY,
                    action="save",
                    old={answer.criterion: old for answer, old in records},
                    new={
                        answer.criterion: {"value": answer.value, "note": answer.note}
                        for answer, _ in records
                    },
                    campaign=campaign_unit.campaign,
                    unit=campaign_unit.unit,
                )
            ]
        )
    prepared.answers = [answer for answer, _ in records]
    if prepared.new:  # their values prepared here, before the lock; the rest under it
        prepared.inserts = inserting(prepared.new, late=["submission", "updated_at"])
    if prepared.changed:  # who saved them written only where it changes
        mine = [answer for answer in prepared.changed if answer.pk not in others]
        theirs = [answer for answer in prepared.changed if answer.pk in others]
        prepared.updates = [
            updating(rows, fields, late=["updated_at"])
            for rows, fields in ((mine, WRITTEN), (theirs, WRITTEN_BY))
            if rows
        ]
    prepared.names = [leaves[answer.criterion].name for answer in prepared.answers]
    return prepared


def _new_answer(criterion: str) -> Answer:
    """An answer to `criterion` not yet stored, at version 0 (its save makes it 1), built by
    position (portal.bulk.built): a commune's first save builds 80."""
    return built(Answer, {"criterion": criterion, "version": 0})


def _named(
    conflicts: dict[str, Answer | None], leaves: Mapping[str, Node], submission: Submission | None
) -> dict[str, Conflict]:
    """Each conflict as the page shows it, with who saved the value (read at once)."""
    saved = answers_of(submission) if submission is not None else {}
    return {code: _conflict(leaves[code], saved.get(code)) for code in conflicts}


def _conflict(leaf: Node, answer: Answer | None) -> Conflict:
    if answer is None:  # cannot happen with a version above 0, but say something useful
        return Conflict(gettext("(đã bị xoá)"), "", "?", timezone.now())
    value = answer_label(leaf, answer.value)
    return Conflict(value, answer.note, str(answer.updated_by), answer.updated_at)
