"""What an evidence file must pass before it is stored, past its size and its type: the
unit's storage quota, the content inspection of the core (`dti.evidence`: scripts, polyglots,
zip bombs, macros, programs) and, when the portal is given one, clamd. Every check raises a
ValidationError saying what is wrong with which file; nothing is written before they pass."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

from dti import evidence
from dti.evidence.clamd import Clamd, ScannerUnavailable
from dti.evidence.limits import megabytes
from portal.assessments.models import Submission
from portal.assessments.selectors import evidence_bytes

logger = logging.getLogger(__name__)


def check_upload(*, campaign_unit_id: int, upload: UploadedFile) -> bytes:
    """Refuse the upload (ValidationError) unless it fits the unit's quota now, is not
    hostile and, when clamd is configured, clamd finds nothing in it; its content, read
    once. Run before the upload's transaction: the quota is counted again under the
    submission's lock (`check_quota`) when its row is written."""
    name = upload.name or ""
    refuse_past_quota(campaign_unit_id, name, upload.size or 0)
    upload.seek(0)
    data: bytes = upload.read()  # at most EVIDENCE_MAX_BYTES: the size was checked first
    upload.seek(0)
    reason = evidence.refusal(name, data)
    if reason:
        raise ValidationError(reason)
    check_virus(name, data)
    return data


def check_quota(submission: Submission, name: str, size: int) -> None:
    """The unit's files in this campaign, this one included, stay within the quota. The
    submission's row is locked first (inside the caller's transaction), so two uploads at
    once are counted one after the other and cannot both squeeze into the last megabytes."""
    list(Submission.objects.select_for_update().filter(pk=submission.pk).values_list("pk"))
    refuse_past_quota(submission.campaign_unit_id, name, size)


def refuse_past_quota(campaign_unit_id: int, name: str, size: int) -> None:
    """ValidationError unless the unit's files in the campaign and this one fit the quota."""
    quota = settings.EVIDENCE_QUOTA_BYTES
    used = evidence_bytes(campaign_unit_id)
    if used + size <= quota:
        return
    message = gettext(
        "Không đủ dung lượng cho tệp “%(name)s” (%(size)s): đơn vị đã dùng %(used)s trong "
        "%(quota)s dành cho minh chứng của đợt này, còn %(left)s. Hãy xoá bớt tệp không cần "
        "thiết hoặc nén nhỏ tệp rồi tải lên."
    )
    numbers = {
        "name": name,
        "size": megabytes(size),
        "used": megabytes(used),
        "quota": megabytes(quota),
        "left": megabytes(max(0, quota - used)),
    }
    raise ValidationError(message % numbers)


def scanner() -> Clamd | None:
    """clamd as configured (DTI_CLAMAV_SOCKET, else DTI_CLAMAV_ADDRESS), or None."""
    if settings.CLAMAV_SOCKET:
        return Clamd(socket_path=settings.CLAMAV_SOCKET)
    if settings.CLAMAV_HOST:
        return Clamd(host=settings.CLAMAV_HOST, port=settings.CLAMAV_PORT)
    return None


def check_virus(name: str, data: bytes) -> None:
    """Fail closed: a configured clamd that cannot answer refuses the upload."""
    clamd = scanner()
    if clamd is None:
        return
    try:
        signature = clamd.scan(data)
    except ScannerUnavailable:
        logger.exception("clamd could not scan the evidence file %r", name)
        raise ValidationError(
            gettext(
                "Tệp “%(name)s” chưa được nhận: không kiểm tra được virus, thử lại sau. Nếu "
                "vẫn không được, hãy báo quản trị cổng."
            )
            % {"name": name}
        ) from None
    if signature:
        logger.warning("clamd found %s in the evidence file %r", signature, name)
        raise ValidationError(
            gettext("Tệp “%(name)s” có virus (%(signature)s), không được chấp nhận.")
            % {"name": name, "signature": signature}
        )
