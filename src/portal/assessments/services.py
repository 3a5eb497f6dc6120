"""Writing self-assessments: evidence, and the submission's moves (submit, approve, return,
reopen) through portal.workflow.check. Saving answers is portal.assessments.saving.

Every function locks the submission row first, so two writes of one unit run one after the
other; on a ValidationError nothing is written."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.model import Framework, Node
from portal.accounts.models import User
from portal.accounts.permissions import held_in_province, roles_reaching
from portal.assessments import evidence_files, verify
from portal.assessments.models import Evidence, Submission, SubmissionEvent
from portal.assessments.permissions import unit_roles
from portal.assessments.selectors import (
    answers_of,
    campaign_block_reason,
    edit_block_reason,
    framework_for,
)
from portal.assessments.snapshot import build_snapshot, canonical_json, snapshot_sha256
from portal.audit.locks import locked_or_refused
from portal.audit.models import AuditEntry
from portal.audit.services import Record, audit_entries, audit_record, audit_records
from portal.bulk import insert_rows, update_rows
from portal.campaigns.models import CampaignUnit
from portal.campaigns.selectors import campaign_unit_now
from portal.compiled import Compiled
from portal.frameworks.scoring import applicability, required, score_answers, unit_attributes
from portal.indicators.selectors import system_records, system_values_for, with_system_values
from portal.notifications.events import submission_moved
from portal.roles import Role
from portal.workflow import Machine, SubmissionState, check_or_refuse


def editable_leaves(framework: Framework, campaign_unit: CampaignUnit) -> list[Node]:
    """The leaves the unit answers: those that apply to it, except system-sourced ones."""
    try:
        applies = applicability(framework, unit_attributes(campaign_unit.unit))
    except ValueError:  # a missing attribute: the page says so; nothing can be answered
        return []
    return [leaf for leaf in framework.leaves if required(leaf) and applies[leaf.code]]


def _locked_submission(campaign_unit: CampaignUnit) -> Submission:
    """The unit's submission, its row locked and read whole (created if it has none yet), in
    the caller's transaction."""
    found = _LOCKED_ROW.objects(campaign_unit=campaign_unit.pk)
    return _naming(found[0], campaign_unit) if found else _created(campaign_unit)


def _naming(submission: Submission, campaign_unit: CampaignUnit) -> Submission:
    """`submission`, read for `campaign_unit`: each object then names the other, so that
    neither reads its row again."""
    submission.campaign_unit = campaign_unit
    return submission


def _created(campaign_unit: CampaignUnit) -> Submission:
    """The unit's submission where it has no row yet: created, its row locked (or, if
    another write created it meanwhile, that row read and locked)."""
    submission, _ = Submission.objects.select_for_update().get_or_create(
        campaign_unit=campaign_unit
    )
    return submission


# A unit's submission locked and read whole, for the moves that write the whole row
# (submit, approve, return, reopen): composed once (portal.compiled), where composing the
# ORM's get_or_create took four times as long as running it. A write of the answers or of
# evidence reads the person's roles with it (_LOCKED_ROW_AND_ROLES).
_LOCKED_ROW = Compiled(
    lambda campaign_unit: Submission.objects.select_for_update().filter(
        campaign_unit_id=campaign_unit
    ),
    "campaign_unit",
)


def _locked_with_held(campaign_unit: Any, person: Any, province: Any) -> QuerySet[Any]:
    """A unit's submission locked, with the roles the person holds in the unit's province
    (portal.accounts.permissions.held_in_province) read in the same statement, as `held`:
    only the submission's row is locked (`of`), not the roles'."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .filter(campaign_unit_id=campaign_unit)
        .annotate(held=held_in_province(person, province))
    )


# Its state alone: composed once (portal.compiled), as every save of a draft asks it, on
# SQLite under the database's write lock.
_LOCKED_STATE = Compiled(
    lambda campaign_unit, person, province: _locked_with_held(
        campaign_unit, person, province
    ).values_list("pk", "state", "held"),
    "campaign_unit",
    "person",
    "province",
)

# The same, the row read whole: a submission not yet a draft (a commune's first save), or
# a write that reads it (evidence's).
_LOCKED_ROW_AND_ROLES = Compiled(_locked_with_held, "campaign_unit", "person", "province")


def _locked_with_roles(
    campaign_unit: CampaignUnit, actor: User, read: Submission | None
) -> tuple[Submission | None, set[Role]]:
    """The unit's submission, its row locked, and the actor's roles in the unit read in the
    statement that locks it (the same roles as a statement of their own just before it
    would read: under READ COMMITTED a statement reads every other table as of its start).
    `read`, the submission as read before the transaction, if it was a draft and its row
    still is (a draft saved again neither changes its row nor reads any of it but its
    state); else the row read whole. None where the unit has no submission row yet: the
    roles are then read on their own, and the row is created once they allow it."""
    unit, person, province = campaign_unit.pk, actor.pk, campaign_unit.campaign.province_id
    if read is not None and read.pk is not None and read.state == SubmissionState.DRAFT:
        locked = _LOCKED_STATE.rows(campaign_unit=unit, person=person, province=province)
        if locked:
            [(pk, state, held)] = locked
            roles = roles_reaching(held, campaign_unit.unit_id)
            if pk == read.pk and state == SubmissionState.DRAFT:
                return read, roles
            return _locked_submission(campaign_unit), roles  # moved meanwhile: read whole
    found = _LOCKED_ROW_AND_ROLES.objects(campaign_unit=unit, person=person, province=province)
    if not found:
        return None, unit_roles(actor, campaign_unit)
    submission = _naming(found[0], campaign_unit)
    return submission, roles_reaching(submission.held, campaign_unit.unit_id)  # type: ignore[attr-defined]  # read with it


def open_for_edit(
    campaign_unit: CampaignUnit, actor: User, read: Submission | None = None
) -> tuple[Submission, set[Role]]:
    """The locked submission, if the actor may change it now, and the actor's roles in the
    unit, read with the lock; else a ValidationError (PermissionDenied for one who is not
    the unit's reporter). `read`: the submission as the caller read it before its
    transaction; kept if its locked row is still that draft, for a write that changes only
    its answers."""
    submission, roles = _locked_with_roles(campaign_unit, actor, read)
    _refuse_unless_reporter(campaign_unit, actor, roles)
    if submission is None:  # the unit's first write: its row created, locked
        submission = _created(campaign_unit)
    _refuse_unless_editable(campaign_unit, submission)
    return submission, roles


def editable_now(campaign_unit: CampaignUnit, actor: User) -> None:
    """What `open_for_edit` refuses, checked without a lock or a transaction: before the work
    a write does ahead of its transaction (an upload's checks), which checks again under
    the submission's lock."""
    _refuse_unless_reporter(campaign_unit, actor, None)
    submission = Submission.objects.filter(campaign_unit=campaign_unit).first()
    _refuse_unless_editable(campaign_unit, submission or Submission(campaign_unit=campaign_unit))


def _refuse_unless_reporter(
    campaign_unit: CampaignUnit, actor: User, roles: set[Role] | None
) -> None:
    if Role.REPORTER not in (unit_roles(actor, campaign_unit) if roles is None else roles):
        raise PermissionDenied(gettext("Chỉ cán bộ đầu mối của đơn vị được sửa bản tự đánh giá."))


def _refuse_unless_editable(campaign_unit: CampaignUnit, submission: Submission) -> None:
    reason = edit_block_reason(campaign_unit, submission)
    if reason:
        raise ValidationError(reason)


def move_submission(
    campaign_unit: CampaignUnit,
    submission: Submission,
    actor: User,
    action: str,
    note: str = "",
    roles: set[Role] | None = None,
    entries: list[AuditEntry] | None = None,
) -> None:
    """Move the submission through the workflow table and record who did it. `entries`: the
    caller's audit entries, which it writes as the last of its transaction (a save): the
    move's entry is added to them rather than written now. A save (of answers, of evidence)
    changes nothing else of the row: its move checks and writes the state alone."""
    roles = unit_roles(actor, campaign_unit) if roles is None else roles
    target = check_or_refuse(
        Machine.SUBMISSION,
        submission.state,
        action,
        roles,
        campaign_state=campaign_unit.campaign.state,
    )
    before = submission.state
    # a draft saved again: its row stays as it was, and its answers are logged on their own
    moved = target != before or action != "save"
    if moved:
        submission.state = target
        if action == "save":  # a commune's first save: nothing else of the row is its to write
            _STATE_FIELD.clean(target, submission)
            update_rows([submission], ["state"])  # plain SQL (portal.bulk), as the event
        else:  # the caller's changes with it (who submitted, the snapshot): the whole row
            submission.clean_fields(exclude=["campaign_unit", "submitted_by", "approved_by"])
            submission.save()
    # in plain SQL (portal.bulk): a save writes one under the database's write lock
    insert_rows([SubmissionEvent(submission=submission, action=action, actor=actor, note=note)])
    if not moved:
        return
    record = Record(
        actor=actor,
        entity="submission",
        action=action,
        old=before,
        new=target,
        reason=note,
        campaign=campaign_unit.campaign,
        unit=campaign_unit.unit,
        entity_id=submission.pk,
    )
    if entries is None:
        audit_records([record])
    else:
        entries[:0] = audit_entries([record])  # before the changes of the move it records


_STATE_FIELD = Submission._meta.get_field("state")


# ---- evidence --------------------------------------------------------------------------


def _evidence_criterion(campaign_unit: CampaignUnit, criterion: str) -> None:
    codes = {leaf.code for leaf in editable_leaves(framework_for(campaign_unit), campaign_unit)}
    if criterion not in codes:
        raise ValidationError(
            gettext(
                "Tiêu chí này không nhận minh chứng của đơn vị: nó không áp dụng cho đơn vị hoặc "
                "không do đơn vị kê khai."
            )
        )


def evidence_add_file(
    *, campaign_unit: CampaignUnit, actor: User, criterion: str, upload: UploadedFile
) -> Evidence:
    """A file as evidence of `criterion`: checked and stored before the transaction
    (evidence_files.add_upload), which locks the submission only to write its row."""
    editable_now(campaign_unit, actor)
    _evidence_criterion(campaign_unit, criterion)
    return evidence_files.add_upload(
        campaign_unit=campaign_unit,
        upload=upload,
        write=lambda checked: _evidence_file_write(campaign_unit, actor, criterion, checked),
    )


@transaction.atomic
def _evidence_file_write(
    campaign_unit: CampaignUnit,
    actor: User,
    criterion: str,
    checked: evidence_files.CheckedUpload,
) -> Evidence:
    # as it is now: the office may have closed the self-assessment, or moved the unit's
    # deadline, while the file was checked (the request read both before)
    campaign_unit = campaign_unit_now(campaign_unit)
    submission, _ = open_for_edit(campaign_unit, actor)
    return evidence_files.add_checked(
        submission=submission,
        criterion=criterion,
        checked=checked,
        actor=actor,
        record=lambda evidence: _record_evidence(
            campaign_unit, submission, actor, f"Thêm tệp {evidence.original_name}", evidence
        ),
    )


@transaction.atomic
def evidence_add_link(
    *, campaign_unit: CampaignUnit, actor: User, criterion: str, url: str, name: str = ""
) -> Evidence:
    submission, _ = open_for_edit(campaign_unit, actor)
    _evidence_criterion(campaign_unit, criterion)
    evidence = Evidence(
        submission=submission,
        criterion=criterion,
        url=url,
        original_name=name or url[:255],
        uploaded_by=actor,
    )
    evidence.full_clean()
    evidence.save()
    _record_evidence(campaign_unit, submission, actor, f"Thêm liên kết {url}", evidence)
    return evidence


@transaction.atomic
def evidence_delete(*, campaign_unit: CampaignUnit, actor: User, evidence: Evidence) -> None:
    submission, _ = open_for_edit(campaign_unit, actor)
    evidence = locked_or_refused(evidence, _evidence_gone(evidence))
    if evidence.submission_id != submission.pk:
        raise ValidationError(gettext("Minh chứng không thuộc bản tự đánh giá này."))
    stored_name, evidence_id = evidence.stored_name, evidence.pk
    evidence.delete()
    note = f"Xoá minh chứng {evidence.original_name}"
    _record_evidence(campaign_unit, submission, actor, note, evidence, removed=evidence_id)
    if stored_name:  # the file goes only once the row is surely gone
        transaction.on_commit(lambda: evidence_files.remove_stored(stored_name))


def _evidence_gone(evidence: Evidence) -> str:
    return gettext("Minh chứng “%(name)s” đã được xoá trước đó.") % {"name": evidence.original_name}


def _record_evidence(
    campaign_unit: CampaignUnit,
    submission: Submission,
    actor: User,
    note: str,
    evidence: Evidence,
    removed: int | None = None,
) -> None:
    """Evidence is part of the draft: adding some starts it, like saving an answer. The
    audit trail keeps what was added, or removed (`removed`: the id of the deleted row)."""
    move_submission(campaign_unit, submission, actor, "save", note)
    what = {"name": evidence.original_name}
    what.update({"url": evidence.url} if evidence.url else {"sha256": evidence.sha256})
    audit_record(
        actor=actor,
        entity="evidence",
        action="remove" if removed else "add",
        old=what if removed else None,
        new=None if removed else what,
        campaign=campaign_unit.campaign,
        unit=campaign_unit.unit,
        criterion=evidence.criterion,
        entity_id=removed or evidence.pk,
    )


# ---- submission ------------------------------------------------------------------------


def _name_of(framework: Framework, code: str) -> str:
    """A problem's criterion by its name (a formula's input is reported as "<leaf>.<input>")."""
    node = framework.by_code.get(code) or framework.by_code.get(code.rsplit(".", 1)[0])
    return node.name if node is not None else code


@transaction.atomic
def submission_submit(*, campaign_unit: CampaignUnit, actor: User) -> Submission:
    submission = _locked_submission(campaign_unit)
    reason = campaign_block_reason(campaign_unit)
    if reason:
        raise ValidationError(reason)
    framework = framework_for(campaign_unit)
    answers = list(answers_of(submission).values())
    system = system_values_for(campaign_unit)  # scored with the answers, kept in the snapshot
    values = with_system_values({a.criterion: a.value for a in answers}, system)
    live = score_answers(framework, campaign_unit.unit, values)
    if live.error or live.problems:
        problems = "; ".join(
            f"{_name_of(framework, code)}: {message}" for code, message in live.problems.items()
        )
        raise ValidationError(
            live.error
            or gettext("Còn giá trị không tính được điểm: %(problems)s") % {"problems": problems}
        )
    if live.missing:
        names = "; ".join(leaf.name for leaf in live.missing)
        raise ValidationError(
            gettext("Chưa gửi được: còn thiếu %(count)s tiêu chí: %(names)s.")
            % {"count": len(live.missing), "names": names}
        )
    snapshot = build_snapshot(
        campaign_unit, framework, answers, submission.evidence.all(), system=system_records(system)
    )
    submission.snapshot, submission.snapshot_sha256 = snapshot, snapshot_sha256(snapshot)
    submission.submitted_by, submission.submitted_at = actor, timezone.now()
    move_submission(
        campaign_unit, submission, actor, "submit", f"SHA-256 {submission.snapshot_sha256}"
    )
    submission_moved(campaign_unit=campaign_unit, action="submit", actor=actor)
    return submission


def submission_approve(
    *, campaign_unit: CampaignUnit, actor: User, signed: UploadedFile | None = None
) -> Submission:
    """Approve the submitted snapshot; with the signed PDF the province asks for (verify.py),
    checked before anything is written and kept with the approval."""
    current = Submission.objects.filter(campaign_unit=campaign_unit).first() or Submission()
    roles = unit_roles(actor, campaign_unit)
    state = campaign_unit.campaign.state  # a refused move is refused before the file is read
    check_or_refuse(Machine.SUBMISSION, current.state, "approve", roles, campaign_state=state)
    copy = verify.signed_copy_check(
        campaign_unit=campaign_unit, submission=current, actor=actor, upload=signed
    )
    return _approve(campaign_unit, actor, copy)


@transaction.atomic
def _approve(
    campaign_unit: CampaignUnit, actor: User, copy: verify.SignedCopy | None
) -> Submission:
    submission = _locked_submission(campaign_unit)
    if submission.state == SubmissionState.SUBMITTED:
        _check_snapshot(campaign_unit, submission)
    submission.approved_by, submission.approved_at = actor, timezone.now()
    move_submission(
        campaign_unit, submission, actor, "approve", f"SHA-256 {submission.snapshot_sha256}"
    )
    if copy is not None:
        verify.signed_copy_keep(
            campaign_unit=campaign_unit, submission=submission, actor=actor, copy=copy
        )
    submission_moved(campaign_unit=campaign_unit, action="approve", actor=actor)
    return submission


def _check_snapshot(campaign_unit: CampaignUnit, submission: Submission) -> None:
    """The stored snapshot still hashes to the signed hash, and still describes the data."""
    framework = framework_for(campaign_unit)
    answers = answers_of(submission).values()
    # Scored with the system values the unit signed with: one imported since is no forgery.
    signed_system = (submission.snapshot or {}).get("system", {})
    fresh = build_snapshot(
        campaign_unit, framework, answers, submission.evidence.all(), system=signed_system
    )
    intact = snapshot_sha256(submission.snapshot) == submission.snapshot_sha256
    if not intact or canonical_json(fresh) != canonical_json(submission.snapshot):
        raise ValidationError(
            gettext(
                "Bản chốt không còn khớp với dữ liệu đã gửi (dữ liệu đã bị thay đổi sau khi gửi): "
                "không phê duyệt được. Hãy trả lại để đơn vị kiểm tra và gửi lại."
            )
        )


@transaction.atomic
def submission_return(*, campaign_unit: CampaignUnit, actor: User, note: str) -> Submission:
    submission = _locked_submission(campaign_unit)
    submission.snapshot, submission.snapshot_sha256 = None, ""
    move_submission(campaign_unit, submission, actor, "return", note)
    submission_moved(campaign_unit=campaign_unit, action="return", actor=actor, note=note)
    return submission


@transaction.atomic
def submission_reopen(*, campaign_unit: CampaignUnit, actor: User, note: str) -> Submission:
    submission = _locked_submission(campaign_unit)
    submission.snapshot, submission.snapshot_sha256 = None, ""
    submission.approved_by, submission.approved_at = None, None
    move_submission(campaign_unit, submission, actor, "reopen", note)
    submission_moved(campaign_unit=campaign_unit, action="reopen", actor=actor, note=note)
    return submission
