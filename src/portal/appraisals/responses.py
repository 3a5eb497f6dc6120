"""The unit's responses to a returned round: per criterion it confirms the appraised value or
supplements (a new value, a reply, new evidence filed as assessments.Evidence with the round).

Only the unit's reporter responds, only while the round is returned (portal.workflow's
"respond") and before the criterion's deadline. Each write locks the round first, so it
cannot slip in after the chair closes the round; the response row itself is guarded by
optimistic locking (Response.version): a stale save is refused whole with the other person's
answer. Every write is audited and announced to the team members appraising the criterion."""

from __future__ import annotations

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
from portal.appraisals.models import Appraisal, Response, ResponseKind, TeamMember
from portal.appraisals.permissions import assigned_indices, main_index_of
from portal.appraisals.posted import REPLY_MAX_LENGTH, PostedResponse
from portal.appraisals.unit_selectors import date_text, response_due
from portal.assessments import evidence_files
from portal.assessments.models import Evidence, Submission
from portal.assessments.selectors import framework_for
from portal.audit.locks import locked_or_refused
from portal.audit.services import audit_record
from portal.campaigns.models import AppraisalRound, CampaignUnit
from portal.frameworks.scoring import applicability, score_answers, unit_attributes
from portal.notifications.services import notify
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


@transaction.atomic
def response_save(
    *, campaign_unit: CampaignUnit, round: AppraisalRound, actor: User, posted: PostedResponse
) -> Response:
    """Confirm or supplement one criterion; unchanged answers write nothing."""
    framework = framework_for(campaign_unit)
    leaf = _leaf(campaign_unit, framework, posted.criterion)
    round = _open_round(campaign_unit, round, actor, leaf)
    _check_posted(campaign_unit, framework, leaf, posted)
    current = (
        Response.objects.select_for_update()
        .select_related("updated_by")
        .filter(campaign_unit=campaign_unit, round=round, criterion=leaf.code)
        .first()
    )
    if posted.version != (current.version if current else 0):
        assert current is not None  # a version above 0 was loaded from a saved row
        raise ResponseConflict(current, leaf)
    old = _state(current)
    response = current or Response(
        campaign_unit=campaign_unit, round=round, criterion=leaf.code, version=0
    )
    response.kind, response.value, response.reply = posted.kind, posted.value, posted.reply
    if current is not None and _state(response) == old:
        return current
    response.version += 1
    response.updated_by = actor
    response.full_clean()
    response.save()
    audit_record(
        actor=actor,
        entity="response",
        action=posted.kind,
        old=old,
        new=_state(response),
        reason=posted.reply,
        campaign=campaign_unit.campaign,
        unit=campaign_unit.unit,
        criterion=leaf.code,
        entity_id=response.pk,
    )
    _announce(campaign_unit, round, framework, leaf, actor, response.get_kind_display())
    return response


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
    appraisal = Appraisal.objects.filter(
        campaign_unit=campaign_unit, round=locked, criterion=leaf.code
    ).first()
    due = response_due(locked, appraisal)
    if due is not None and deadline_passed(due, timezone.now()):
        raise ValidationError(
            gettext(
                "Đã hết hạn giải trình, bổ sung tiêu chí “%(name)s” (hạn %(due)s): không lưu được."
            )
            % {"name": leaf.name, "due": date_text(due)}
        )
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
    index = main_index_of(framework, leaf.code)
    members = TeamMember.objects.filter(campaign_id=campaign_unit.campaign_id).select_related(
        "user"
    )
    users = []
    for member in members:
        indices = assigned_indices(member.user, campaign_unit)
        if indices is None or index in indices:
            users.append(member.user)
    url = reverse("appraisals:unit_results", args=[campaign_unit.pk])
    notify(
        users=users,
        kind="supplement_received",
        campaign=campaign_unit.campaign,
        title=gettext("%(unit)s phản hồi tiêu chí “%(name)s” (vòng %(round)s)")
        % {"unit": campaign_unit.unit.name, "name": leaf.name, "round": round.number},
        body=gettext("%(who)s: %(what)s — %(name)s.")
        % {"who": actor, "what": what, "name": leaf.name},
        url=f"{url}?vong={round.number}#tc-{leaf.code}",
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
    campaign_unit = CampaignUnit.objects.select_related("campaign", "unit").get(pk=campaign_unit.pk)
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
