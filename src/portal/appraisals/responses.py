"""The unit's responses to a returned round: per criterion it confirms the appraised value or
supplements (a new value, a reply, new evidence filed as assessments.Evidence with the round).

Only the unit's reporter responds, only while the round is returned (portal.workflow's
"respond") and before the criterion's deadline. Each write is prepared first and done under
the round's lock, which it checks again, so it cannot slip in after the chair closes the
round; the response row itself is guarded by optimistic locking (Response.version): a stale
save is refused whole with the other person's answer. Every write is audited and announced
to the team members appraising the criterion."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dti.framework.model import Framework, Node, Source
from portal.accounts.models import User
from portal.accounts.permissions import roles_for_unit
from portal.answers import AnswerValue, answer_label
from portal.appraisals.models import Appraisal, Response, ResponseKind
from portal.appraisals.permissions import main_index_of, team_covering
from portal.appraisals.posted import REPLY_MAX_LENGTH, PostedResponse
from portal.appraisals.unit_selectors import criterion_due, date_text, response_due
from portal.assessments import evidence_files
from portal.assessments.models import Evidence, Submission
from portal.assessments.selectors import framework_for
from portal.audit.locks import locked_or_refused
from portal.audit.models import AuditEntry
from portal.audit.services import Record, audit_append, audit_entries, audit_record
from portal.bulk import insert_rows, update_rows
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.campaigns.selectors import campaign_unit_now
from portal.frameworks.scoring import applicability, score_answers, unit_attributes
from portal.notifications.models import Notification
from portal.notifications.services import Message, notifications_for, notify_prepared
from portal.roles import Role
from portal.workflow import Machine, check_or_refuse, deadline_passed


class ResponseConflict(ValidationError):
    """Someone else saved this criterion's response after the page was loaded."""

    def __init__(self, other: Response, leaf: Node):
        self.kind = other.get_kind_display()
        self.value = answer_label(leaf, other.value) if other.value is not None else ""
        self.reply = other.reply
        self.by, self.at = str(other.updated_by), other.updated_at
        super().__init__(
            gettext(
                "Tiêu chí “%(name)s” vừa được %(by)s phản hồi sau khi bạn mở trang; chưa lưu gì. "
                "Xem phản hồi của họ bên dưới, sửa lại nếu cần rồi bấm Lưu tất cả lần nữa."
            )
            % {"name": leaf.name, "by": self.by}
        )


def response_save(
    *, campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, posted: PostedResponse
) -> Response:
    """Confirm or supplement one criterion; unchanged answers write nothing. The page's
    save of one reply: ResponseConflict, or a ValidationError saying what is wrong."""
    try:
        saved = replies_save(campaign_unit=campaign_unit, round=round, actor=actor, posted=[posted])
    except ResponsesRefused as refused:
        if posted.criterion in refused.conflicts:
            raise refused.conflicts[posted.criterion] from None
        raise ValidationError(refused.errors[posted.criterion]) from None
    return saved.responses[posted.criterion]


# ---- every reply of the results page at once -------------------------------------------------


class ResponsesRefused(ValidationError):
    """Replies of one save that were refused, by criterion: nothing of that save is written."""

    def __init__(self, errors: dict[str, str], conflicts: dict[str, ResponseConflict]):
        self.errors, self.conflicts = errors, conflicts
        super().__init__(
            gettext(
                "Chưa lưu phản hồi nào: %(count)s tiêu chí cần xem lại, ghi ngay dưới tiêu chí."
            )
            % {"count": len(errors) + len(conflicts)}
        )


@dataclass(frozen=True)
class Replies:
    """A save's replies as stored: each posted criterion's response (written, or as it was
    when unchanged), and how many were written."""

    responses: dict[str, Response]
    changed: int


# What a save was prepared against: the round's state and deadline, the team's own deadline
# for each criterion, and the unit's responses in the round, each as (its row, its version).
Stored = tuple[tuple[str, datetime | None], dict[str, datetime | None], dict[str, tuple[int, int]]]
WRITTEN = ["kind", "value", "reply", "version", "updated_by", "updated_at"]


@dataclass
class _Prepared:
    """Replies ready to write, with their audit entries (a new row's id set once it is
    inserted: `identified`) and the team's notifications, and what they were prepared
    against."""

    stored: Stored
    responses: dict[str, Response] = field(default_factory=dict)
    new: list[Response] = field(default_factory=list)
    changed: list[Response] = field(default_factory=list)
    # every posted reply's deadline: one passed meanwhile refuses the page, as it would have
    dues: list[datetime] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)
    identified: list[tuple[AuditEntry, Response]] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)


def replies_save(
    *, campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, posted: list[PostedResponse]
) -> Replies:
    """Every reply of the results page at once, all or none (ResponsesRefused names each
    criterion refused, and why); a criterion posted twice counts as its last reply.

    Prepared before its transaction, as the sheet's scores are (docs/decisions.md, 23):
    the round and who may respond, each criterion's deadline, the replies' own checks (a new
    value scored by the criterion's rule), the conflicts, the rows, their audit entries and
    the team's notifications are worked out without a lock. The transaction then locks the
    round, checks again who may respond, and reads again the round's state and deadlines
    and the unit's responses in the round: if nothing moved and no deadline passed, the
    prepared rows, entries and notifications are written at once; else everything is
    prepared again under the lock. Nothing changed: no transaction."""
    framework = framework_for(campaign_unit)
    by_code = {item.criterion: item for item in posted}
    prepared = _replies_prepared(campaign_unit, round, actor, framework, by_code, lock=False)
    if not prepared.entries:
        return Replies(prepared.responses, 0)
    return _replies_write(campaign_unit, round, actor, framework, by_code, prepared)


@transaction.atomic
def _replies_write(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    framework: Framework,
    posted: dict[str, PostedResponse],
    prepared: _Prepared,
) -> Replies:
    # as it is now: the campaign may have moved on since the request read it
    campaign_unit = campaign_unit_now(campaign_unit)
    locked = _round_for_replies(campaign_unit, round, actor, list(posted), lock=True)
    now = timezone.now()
    late = any(deadline_passed(due, now) for due in prepared.dues)
    if late or _stored(campaign_unit, locked, list(posted)) != prepared.stored:
        prepared = _replies_prepared(campaign_unit, locked, actor, framework, posted, lock=True)
    for row in prepared.changed:
        row.updated_at = now
    insert_rows(prepared.new)
    update_rows(prepared.changed, WRITTEN)
    notify_prepared(prepared.notifications)
    for entry, inserted in prepared.identified:
        entry.entity_id = str(inserted.pk)  # a new row's, known once it is inserted
    # the last write, linked as it is written: the chain's head, which every audited writer
    # shares, is locked only for it and the commit (portal.audit.sealing)
    audit_append(prepared.entries, linked=True)
    return Replies(prepared.responses, len(prepared.entries))


def _stored(campaign_unit: CampaignUnit, round: AppraisalRound, codes: list[str]) -> Stored:
    own = Appraisal.objects.filter(campaign_unit=campaign_unit, round=round, criterion__in=codes)
    rows = Response.objects.filter(campaign_unit=campaign_unit, round=round)
    return (
        (str(round.state), round.supplement_due),
        dict(own.values_list("criterion", "supplement_due")),
        {
            code: (pk, version)
            for code, pk, version in rows.values_list("criterion", "pk", "version")
        },
    )


def _round_for_replies(
    campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, codes: list[str], *, lock: bool
) -> AppraisalRound:
    """The round, if the actor may respond in it now; else each posted criterion refused with
    the round's reason (ResponsesRefused), or PermissionDenied for someone not the unit's."""
    try:
        return _round_checked(campaign_unit, round, actor, lock=lock)
    except PermissionDenied:
        raise
    except ValidationError as refused:
        message = " ".join(refused.messages)
        raise ResponsesRefused(dict.fromkeys(codes, message), {}) from None


def _replies_prepared(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    framework: Framework,
    posted: dict[str, PostedResponse],
    *,
    lock: bool,
) -> _Prepared:
    """The rows, entries and notifications of the replies against what is stored now;
    ResponsesRefused naming every criterion refused (its deadline passed, its reply not
    acceptable, or answered by someone else since the page was loaded)."""
    codes = list(posted)
    locked = _round_for_replies(campaign_unit, round, actor, codes, lock=lock)
    stored = _stored(campaign_unit, locked, codes)
    own_dues = stored[1]
    current = {
        row.criterion: row
        for row in Response.objects.filter(
            campaign_unit=campaign_unit, round=locked
        ).select_related("updated_by")
    }
    for stored_row in current.values():
        stored_row.round = locked  # what the trail keeps of it names the round
    prepared = _Prepared(stored)
    errors: dict[str, str] = {}
    conflicts: dict[str, ResponseConflict] = {}
    records: list[tuple[Record, Response | None]] = []
    written: list[tuple[Node, Response]] = []
    now = timezone.now()
    for code, item in posted.items():
        try:
            leaf = _leaf(campaign_unit, framework, code)
            due = criterion_due(locked, own_dues.get(leaf.code))
            if due is not None and deadline_passed(due, now):
                raise ValidationError(_late_message(leaf, due))
            _check_posted(campaign_unit, framework, leaf, item)
            row = current.get(leaf.code)
            if item.version != (row.version if row else 0):
                if row is None:  # a version no reply of this criterion ever had
                    raise ValidationError(_stale_message(leaf))
                conflicts[code] = ResponseConflict(row, leaf)
                continue
            response = _reply_row(campaign_unit, locked, actor, leaf, item, row)
        except ValidationError as error:
            errors[code] = " ".join(error.messages)
            continue
        prepared.responses[code] = response
        if due is not None:
            prepared.dues.append(due)
        if response is row:
            continue  # unchanged: nothing written
        (prepared.changed if row else prepared.new).append(response)
        record = Record(
            actor=actor,
            entity="response",
            action=item.kind,
            old=_state(row),
            new=_state(response),
            reason=item.reply,
            campaign=campaign_unit.campaign,
            unit=campaign_unit.unit,
            criterion=leaf.code,
            entity_id=row.pk if row else "",
        )
        records.append((record, None if row else response))
        written.append((leaf, response))
    if errors or conflicts:
        raise ResponsesRefused(errors, conflicts)
    prepared.entries = audit_entries([record for record, _ in records])
    prepared.identified = [
        (entry, row)
        for entry, (_, row) in zip(prepared.entries, records, strict=True)
        if row is not None
    ]
    if written:
        replies = [(leaf, response.get_kind_display()) for leaf, response in written]
        prepared.notifications = _announced(campaign_unit, locked, framework, actor, replies)
    return prepared


def _stale_message(leaf: Node) -> str:
    return gettext(
        "Tiêu chí “%(name)s”: trang gửi một phản hồi không có trong hệ thống; chưa lưu gì. "
        "Tải lại trang rồi trả lời lại."
    ) % {"name": leaf.name}


def _reply_row(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    leaf: Node,
    item: PostedResponse,
    row: Response | None,
) -> Response:
    """The reply as written: `row` itself when it says the same, else a copy of it changed,
    or a new row (no id yet), its own fields checked."""
    if row is None:
        response = Response(
            campaign_unit=campaign_unit, round=round, criterion=leaf.code, version=0
        )
    else:
        response = copy.copy(row)
    response.kind, response.value, response.reply = item.kind, item.value, item.reply
    if row is not None and _state(response) == _state(row):
        return row
    response.version += 1
    response.updated_by = actor
    # what was posted is checked; the references and the version are set here
    response.clean_fields(exclude=["campaign_unit", "round", "criterion", "version", "updated_by"])
    return response


def _late_message(leaf: Node, due: datetime) -> str:
    return gettext(
        "Đã hết hạn giải trình, bổ sung tiêu chí “%(name)s” (hạn %(due)s): không lưu được."
    ) % {"name": leaf.name, "due": date_text(due)}


def _announced(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    framework: Framework,
    actor: User,
    replies: list[tuple[Node, str]],
) -> list[Notification]:
    """The notifications of `replies` (each a criterion and what the unit did), built
    without writing: one to each team member who appraises any of their criteria of this
    unit, naming those he appraises. A page of 80 replies is one notification (and at most
    one e-mail) to each member, not 80."""
    said = {leaf.code: (leaf, what) for leaf, what in replies}  # a criterion's last reply
    index = {code: main_index_of(framework, code) for code in said}
    shared: dict[tuple[str, ...], list[User]] = {}  # the same criteria, one message
    for member, indices in team_covering(campaign_unit):
        codes = tuple(code for code in said if indices is None or index[code] in indices)
        if codes:
            shared.setdefault(codes, []).append(member.user)
    messages = [
        _message(campaign_unit, round, actor, [said[code] for code in codes], users)
        for codes, users in shared.items()
    ]
    return notifications_for(
        messages=messages, kind="supplement_received", campaign=campaign_unit.campaign
    )


def respond_refusal(*, campaign_unit: CampaignUnit, round: AppraisalRound, actor: User) -> str:
    """Why the actor may not respond in this round now, as the workflow says it ('' if he may)."""
    roles = roles_for_unit(actor, campaign_unit.campaign.province_id, campaign_unit.unit_id)
    try:
        check_or_refuse(
            Machine.ROUND,
            round.state,
            "respond",
            roles,
            campaign_state=campaign_unit.campaign.state,
        )
    except ValidationError as refused:
        return str(refused.messages[0])
    return ""


def _state(response: Response | None) -> dict[str, Any] | None:
    """What the audit trail keeps of a response (the round, so readers can filter by it)."""
    if response is None:
        return None
    return {
        "round": response.round.number,
        "kind": response.kind,
        "value": response.value,
        "reply": response.reply,
    }


def _check_posted(
    campaign_unit: CampaignUnit, framework: Framework, leaf: Node, posted: PostedResponse
) -> None:
    if posted.kind not in ResponseKind.values:
        raise ValidationError(
            gettext("Phản hồi không hợp lệ: chọn Đồng ý hoặc Giải trình, bổ sung.")
        )
    if len(posted.reply) > REPLY_MAX_LENGTH:
        raise ValidationError(
            gettext("Giải trình dài %(length)s ký tự, tối đa %(max)s.")
            % {"length": len(posted.reply), "max": REPLY_MAX_LENGTH}
        )
    if posted.kind == ResponseKind.CONFIRM:
        if posted.value is not None:
            raise ValidationError(
                gettext("Đồng ý với kết quả thẩm định thì không nhập giá trị mới.")
            )
        return
    if posted.value is not None and leaf.source is Source.SYSTEM:
        raise ValidationError(
            gettext(
                "Tiêu chí “%(name)s” lấy số liệu từ hệ thống dùng chung: đơn vị chỉ giải trình, "
                "không nhập giá trị mới."
            )
            % {"name": leaf.name}
        )
    if posted.value is None and not posted.reply:
        raise ValidationError(
            gettext(
                "Giải trình, bổ sung tiêu chí “%(name)s”: nhập giá trị mới hoặc nội dung giải "
                "trình."
            )
            % {"name": leaf.name}
        )
    if posted.value is not None:  # scored by the core's own rule, as the self-assessment is
        _check_value(campaign_unit, framework, leaf, posted.value)


def _check_value(
    campaign_unit: CampaignUnit, framework: Framework, leaf: Node, value: AnswerValue
) -> None:
    try:
        problems = score_answers(framework, campaign_unit.unit, {leaf.code: value}).problems
    except (ArithmeticError, TypeError, ValueError):  # not even the shape of a value
        problems = {leaf.code: gettext("không phải giá trị hợp lệ của tiêu chí này.")}
    if leaf.code in problems:
        raise ValidationError(
            gettext("Giá trị mới của tiêu chí “%(name)s”: %(problem)s")
            % {"name": leaf.name, "problem": problems[leaf.code]}
        )


# ---- who may respond, to what, until when ----------------------------------------------------


def _leaf(campaign_unit: CampaignUnit, framework: Framework, code: str) -> Node:
    node = framework.by_code.get(code)
    if node is None or not node.is_leaf:
        raise ValidationError(
            gettext("Không có tiêu chí “%(code)s” trong bộ chỉ số của đơn vị.") % {"code": code}
        )
    try:
        applies = applicability(framework, unit_attributes(campaign_unit.unit))[code]
    except ValueError:  # a missing attribute: nothing of the unit can be scored
        applies = False
    if not applies:
        raise ValidationError(
            gettext("Tiêu chí “%(name)s” không áp dụng cho đơn vị.") % {"name": node.name}
        )
    return node


def _open_round(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    leaf: Node,
    *,
    lock: bool = True,
) -> AppraisalRound:
    """The round, locked, if the actor may respond to this criterion in it now. Not `lock`:
    read without a transaction, before the work a write does ahead of its transaction (an
    upload's checks), which checks again under the lock."""
    locked = _round_checked(campaign_unit, round, actor, lock=lock)
    appraisal = Appraisal.objects.filter(
        campaign_unit=campaign_unit, round=locked, criterion=leaf.code
    ).first()
    due = response_due(locked, appraisal)
    if due is not None and deadline_passed(due, timezone.now()):
        raise ValidationError(_late_message(leaf, due))
    return locked


def _round_checked(
    campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, *, lock: bool
) -> AppraisalRound:
    """The round (locked, with `lock`), if the actor may respond in it now, whatever the
    criterion: ValidationError, or PermissionDenied for someone who is not the unit's."""
    rounds = AppraisalRound.objects.select_for_update() if lock else AppraisalRound.objects
    locked = rounds.filter(pk=round.pk, campaign_id=campaign_unit.campaign_id).first()
    if locked is None:
        raise ValidationError(gettext("Vòng thẩm định không thuộc đợt đánh giá này."))
    roles = roles_for_unit(actor, campaign_unit.campaign.province_id, campaign_unit.unit_id)
    try:
        check_or_refuse(
            Machine.ROUND,
            locked.state,
            "respond",
            roles,
            campaign_state=campaign_unit.campaign.state,
        )
    except ValidationError as refused:
        if Role.REPORTER not in roles:  # not his to answer: the same words, as a 403
            raise PermissionDenied(refused.messages[0]) from None
        raise
    return locked


def _announce(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    framework: Framework,
    leaf: Node,
    actor: User,
    what: str,
) -> None:
    """Tell the team members who appraise this criterion of this unit."""
    notify_prepared(_announced(campaign_unit, round, framework, actor, [(leaf, what)]))


# Criteria named in a notification for each kind of reply; the rest are counted, and the
# link opens the results page, which shows every reply: 80 names are no message on a phone.
NAMED_AT_MOST = 5


def _names(names: list[str]) -> str:
    shown = "; ".join(names[:NAMED_AT_MOST])
    if len(names) <= NAMED_AT_MOST:
        return shown
    return gettext("%(names)s và %(count)s tiêu chí khác") % {
        "names": shown,
        "count": len(names) - NAMED_AT_MOST,
    }


def _message(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    replies: list[tuple[Node, str]],
    users: list[User],
) -> Message:
    """One criterion by name in the title; several by their number, and by name in the body
    under what the unit did (NAMED_AT_MOST of each kind, the rest counted). The link opens
    the first one in the unit's results."""
    url = reverse("appraisals:unit_results", args=[campaign_unit.pk])
    first = replies[0][0]
    if len(replies) == 1:
        title = gettext("%(unit)s phản hồi tiêu chí “%(name)s” (vòng %(round)s)") % {
            "unit": campaign_unit.unit.name,
            "name": first.name,
            "round": round.number,
        }
    else:
        title = gettext("%(unit)s phản hồi %(count)s tiêu chí (vòng %(round)s)") % {
            "unit": campaign_unit.unit.name,
            "count": len(replies),
            "round": round.number,
        }
    named: dict[str, list[str]] = {}  # what the unit did → the criteria, in the page's order
    for leaf, what in replies:
        named.setdefault(what, []).append(leaf.name)
    done = " ".join(
        gettext("%(what)s — %(names)s.") % {"what": what, "names": _names(names)}
        for what, names in named.items()
    )
    return Message(
        users=users,
        title=title,
        body=gettext("%(who)s: %(done)s") % {"who": actor, "done": done},
        url=f"{url}?vong={round.number}#tc-{first.code}",
    )


# ---- evidence filed in answer to the round -----------------------------------------------------


def _submission(campaign_unit: CampaignUnit) -> Submission:
    submission = Submission.objects.filter(campaign_unit=campaign_unit).first()
    if submission is None:
        raise ValidationError(gettext("Đơn vị chưa có bản tự đánh giá để bổ sung minh chứng."))
    return submission


def _evidence_leaf(campaign_unit: CampaignUnit, framework: Framework, code: str) -> Node:
    leaf = _leaf(campaign_unit, framework, code)
    if leaf.source is Source.SYSTEM:
        raise ValidationError(
            gettext(
                "Tiêu chí “%(name)s” lấy số liệu từ hệ thống dùng chung: đơn vị chỉ giải trình, "
                "không bổ sung minh chứng."
            )
            % {"name": leaf.name}
        )
    return leaf


def _record_evidence(
    campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, evidence: Evidence, action: str
) -> None:
    state = {
        "round": round.number,
        "name": evidence.original_name,
        "url": evidence.url,
        "size": evidence.size,
        "sha256": evidence.sha256,
    }
    old, new = (state, None) if action == "delete" else (None, state)
    audit_record(
        actor=actor,
        entity="evidence",
        action=action,
        old=old,
        new=new,
        reason=evidence.original_name,
        campaign=campaign_unit.campaign,
        unit=campaign_unit.unit,
        criterion=evidence.criterion,
        entity_id=evidence.pk,
    )


def response_evidence_add_file(
    *,
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    criterion: str,
    upload: UploadedFile,
) -> Evidence:
    """A file, checked as the self-assessment's are (its size, its type by its content…),
    and stored before the transaction (evidence_files.add_upload), which locks the round
    only to write its row."""
    framework = framework_for(campaign_unit)
    leaf = _evidence_leaf(campaign_unit, framework, criterion)
    _open_round(campaign_unit, round, actor, leaf, lock=False)
    _submission(campaign_unit)
    return evidence_files.add_upload(
        campaign_unit=campaign_unit,
        upload=upload,
        write=lambda checked: _response_file_write(
            campaign_unit, round, actor, framework, leaf, checked
        ),
    )


@transaction.atomic
def _response_file_write(
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    framework: Framework,
    leaf: Node,
    checked: evidence_files.CheckedUpload,
) -> Evidence:
    # as it is now: the campaign may have moved on while the file was checked
    campaign_unit = campaign_unit_now(campaign_unit)
    round = _open_round(campaign_unit, round, actor, leaf)
    submission = _submission(campaign_unit)

    def record(evidence: Evidence) -> None:
        _record_evidence(campaign_unit, round, actor, evidence, "add")
        _announce(campaign_unit, round, framework, leaf, actor, gettext("bổ sung minh chứng"))

    return evidence_files.add_checked(
        submission=submission,
        criterion=leaf.code,
        checked=checked,
        actor=actor,
        record=record,
        round=round,
    )


@transaction.atomic
def response_evidence_add_link(
    *,
    campaign_unit: CampaignUnit,
    round: AppraisalRound,
    actor: User,
    criterion: str,
    url: str,
    name: str = "",
) -> Evidence:
    framework = framework_for(campaign_unit)
    leaf = _evidence_leaf(campaign_unit, framework, criterion)
    round = _open_round(campaign_unit, round, actor, leaf)
    evidence = Evidence(
        submission=_submission(campaign_unit),
        criterion=leaf.code,
        url=url,
        original_name=name or url[:255],
        uploaded_by=actor,
        round=round,
    )
    evidence.full_clean()
    evidence.save()
    _record_evidence(campaign_unit, round, actor, evidence, "add")
    _announce(campaign_unit, round, framework, leaf, actor, gettext("bổ sung minh chứng"))
    return evidence


@transaction.atomic
def response_evidence_delete(
    *, campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, evidence: Evidence
) -> None:
    """Only evidence filed in answer to this round goes; the self-assessment's is signed.
    The round is locked first, then the evidence read again: a second request finds it gone."""
    framework = framework_for(campaign_unit)
    round = _open_round(
        campaign_unit, round, actor, _leaf(campaign_unit, framework, evidence.criterion)
    )
    gone = gettext("Minh chứng “%(name)s” đã được xoá trước đó.") % {"name": evidence.original_name}
    evidence = locked_or_refused(evidence, gone)
    if evidence.round_id != round.pk or evidence.submission.campaign_unit_id != campaign_unit.pk:
        raise ValidationError(
            gettext("Chỉ xoá được minh chứng đã bổ sung trong vòng thẩm định này.")
        )
    stored_name, pk = evidence.stored_name, evidence.pk
    evidence.delete()
    evidence.pk = pk  # the audit entry names the row that went
    _record_evidence(campaign_unit, round, actor, evidence, "delete")
    if stored_name:  # the file goes only once the row is surely gone
        transaction.on_commit(lambda: evidence_files.remove_stored(stored_name))
