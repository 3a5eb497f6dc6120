"""Writes of the signatures app: the office's settings, trust roots and decisions on
certificate identities, and `pdf_check`, which verifies a signed PDF against the province's
roots (and records the claim of a certificate not seen before). Every change is in the
audit trail, written in the change's transaction (docs/signatures.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dti.signatures import Root, RootInvalid, parse_root
from portal.accounts.models import Province, User
from portal.accounts.permissions import is_office_admin
from portal.audit.locks import locked_or_refused
from portal.audit.services import audit_record
from portal.moments import day_text
from portal.signatures.models import (
    CertificateIdentity,
    IdentityState,
    SignatureSettings,
    SubmissionMode,
    TrustRoot,
)
from portal.signatures.selectors import identity_described
from portal.signatures.verify import pdf_check
from portal.signatures.vocabulary import SignatureView, Verdict

__all__ = ["SignatureView", "Verdict", "pdf_check"]  # the contract names them here

MAX_ROOT_BYTES = 64 * 1024  # a CA certificate is a few KB; PEM with its text a little more
MAX_REASON = 1000


def _office_only(actor: User, province: Province) -> None:
    if not is_office_admin(actor, province):
        raise PermissionDenied(gettext("Chỉ quản trị của Sở chủ trì quản lý chữ ký số."))


# ---- settings ------------------------------------------------------------------------


@transaction.atomic
def signature_settings_save(
    *,
    province: Province,
    actor: User,
    submission_mode: SubmissionMode | str,
    unchecked_revocation_ok: bool,
) -> SignatureSettings:
    """Saves the province's settings; an entry in the trail only when something changed."""
    _office_only(actor, province)
    if submission_mode not in SubmissionMode.values:
        raise ValidationError(gettext("Chọn một cách dùng chữ ký số cho bản tự đánh giá."))
    stored, _ = SignatureSettings.objects.select_for_update().get_or_create(province=province)
    before = {
        "submission_mode": stored.submission_mode,
        "unchecked_revocation_ok": stored.unchecked_revocation_ok,
    }
    if before == {
        "submission_mode": str(submission_mode),
        "unchecked_revocation_ok": unchecked_revocation_ok,
    }:
        return stored
    stored.submission_mode = str(submission_mode)
    stored.unchecked_revocation_ok = unchecked_revocation_ok
    stored.full_clean()
    stored.save()
    audit_record(
        actor=actor,
        entity="signature_settings",
        action="update",
        old=before,
        new={
            "submission_mode": stored.submission_mode,
            "unchecked_revocation_ok": stored.unchecked_revocation_ok,
        },
        province=province,
        entity_id=stored.pk,
    )
    return stored


# ---- trust roots ---------------------------------------------------------------------


def _readable_certificate(data: bytes) -> bool:
    """Whether the bytes are a certificate at all (PEM or DER), to tell "unreadable" from
    "not a CA" in the refusal."""
    from cryptography import x509  # by the office's upload of a root, not by every process

    loaders = (x509.load_pem_x509_certificate, x509.load_der_x509_certificate)
    for load in loaders:
        try:
            load(data)
        except ValueError:
            continue
        return True
    return False


def _root_described(root: TrustRoot) -> dict[str, object]:
    return {
        "name": root.name,
        "subject": root.subject,
        "not_after": root.not_after,
        "fingerprint": root.fingerprint,
    }


def trust_root_add(*, province: Province, actor: User, data: bytes) -> TrustRoot:
    """Adds a CA certificate (PEM or DER) to the province's trust roots. Refused, with the
    reason in words: too large (checked before anything reads it), unreadable, not a CA,
    expired, already there. The certificate is read before the transaction (its library
    loads on a process's first root), which then checks for it and stores it."""
    _office_only(actor, province)
    if len(data) > MAX_ROOT_BYTES:
        raise ValidationError(
            gettext("Tệp quá lớn: chứng thư gốc tối đa %(kb)s KB.") % {"kb": MAX_ROOT_BYTES // 1024}
        )
    try:
        root = parse_root(data)
    except RootInvalid as error:
        if _readable_certificate(data):
            raise ValidationError(
                gettext(
                    "Đây không phải là chứng thư gốc: chứng thư không phải của một tổ chức "
                    "cấp chứng thư (CA). Tải lên chứng thư gốc của tổ chức đó."
                )
            ) from error
        raise ValidationError(
            gettext(
                "Không đọc được chứng thư: tệp phải là chứng thư dạng PEM (.pem, .crt) "
                "hoặc DER (.cer, .der)."
            )
        ) from error
    if root.not_after <= timezone.now():
        raise ValidationError(
            gettext("Chứng thư gốc “%(name)s” đã hết hạn ngày %(day)s.")
            % {"name": root.name, "day": day_text(timezone.localtime(root.not_after).date())}
        )
    return _root_stored(province, actor, root)


@transaction.atomic
def _root_stored(province: Province, actor: User, root: Root) -> TrustRoot:
    if TrustRoot.objects.filter(province=province, fingerprint=root.fingerprint).exists():
        raise ValidationError(
            gettext("Chứng thư gốc “%(name)s” đã có trong danh sách.") % {"name": root.name}
        )
    stored = TrustRoot.objects.create(
        province=province,
        name=root.name[:300],
        der=root.der,
        fingerprint=root.fingerprint,
        subject=root.subject,
        not_after=root.not_after,
        added_by=actor,
    )
    audit_record(
        actor=actor,
        entity="trust_root",
        action="add",
        new=_root_described(stored),
        province=province,
        entity_id=stored.pk,
    )
    return stored


@transaction.atomic
def trust_root_remove(*, root: TrustRoot, actor: User) -> None:
    _office_only(actor, root.province)
    locked = locked_or_refused(root, gettext("Chứng thư gốc này đã được gỡ trước đó."))
    described = _root_described(locked)
    locked.delete()
    audit_record(
        actor=actor,
        entity="trust_root",
        action="remove",
        old=described,
        province=root.province,
        entity_id=root.pk,
    )


# ---- certificate identities -----------------------------------------------------------


def _decide(
    identity: CertificateIdentity,
    *,
    actor: User,
    province: Province,
    action: str,
    was: IdentityState,
    becomes: IdentityState,
    reason: str = "",
) -> CertificateIdentity:
    _office_only(actor, province)
    locked = locked_or_refused(identity, gettext("Không còn chứng thư số này."))
    if locked.state != was:
        raise ValidationError(
            gettext("Chứng thư “%(name)s” của %(person)s đã được xử lý trước đó.")
            % {"name": locked.name, "person": identity.user}
        )
    old = identity_described(locked)
    locked.state = becomes
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.reason = reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    audit_record(
        actor=actor,
        entity="certificate_identity",
        action=action,
        old=old,
        new={"state": becomes.value},
        reason=reason,
        province=province,
        entity_id=locked.pk,
    )
    return locked


def _reason_checked(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(gettext("Ghi lý do: người dùng sẽ đọc được lý do này."))
    if len(reason) > MAX_REASON:
        raise ValidationError(gettext("Lý do dài quá: tối đa %(max)s ký tự.") % {"max": MAX_REASON})
    return reason


@transaction.atomic
def identity_confirm(
    *, identity: CertificateIdentity, actor: User, province: Province
) -> CertificateIdentity:
    """The office confirms the certificate is the person's: his signatures with it count
    as his. Refused while it is confirmed as someone else's."""
    owner = (
        CertificateIdentity.objects.filter(
            fingerprint=identity.fingerprint, state=IdentityState.CONFIRMED
        )
        .exclude(pk=identity.pk)
        .select_related("user")
        .first()
    )
    if owner is not None:
        raise ValidationError(
            gettext(
                "Chứng thư “%(name)s” đã được xác nhận là của %(owner)s: thu hồi xác nhận đó trước."
            )
            % {"name": identity.name, "owner": owner.user}
        )
    return _decide(
        identity,
        actor=actor,
        province=province,
        action="confirm",
        was=IdentityState.PENDING,
        becomes=IdentityState.CONFIRMED,
    )


@transaction.atomic
def identity_refuse(
    *, identity: CertificateIdentity, actor: User, province: Province, reason: str
) -> CertificateIdentity:
    return _decide(
        identity,
        actor=actor,
        province=province,
        action="refuse",
        was=IdentityState.PENDING,
        becomes=IdentityState.REFUSED,
        reason=_reason_checked(reason),
    )


@transaction.atomic
def identity_revoke(
    *, identity: CertificateIdentity, actor: User, province: Province, reason: str = ""
) -> CertificateIdentity:
    """The certificate stops counting as the person's (lost token, left the post)."""
    return _decide(
        identity,
        actor=actor,
        province=province,
        action="revoke",
        was=IdentityState.CONFIRMED,
        becomes=IdentityState.REVOKED,
        reason=" ".join(reason.split())[:MAX_REASON],
    )
