"""Reads of the signatures app: a province's settings and trust roots, and the certificate
identities its office decides on. Each is one query, whatever the number of people."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from portal.accounts.models import Membership, Province, User
from portal.signatures.models import (
    CertificateIdentity,
    IdentityState,
    SignatureSettings,
    TrustRoot,
)


def settings_of(province: Province) -> SignatureSettings:
    """The province's settings; the defaults (unsaved) when its office never saved any."""
    found = SignatureSettings.objects.filter(province=province).first()
    return found or SignatureSettings(province=province)


def roots_of(province: Province) -> list[TrustRoot]:
    return list(TrustRoot.objects.filter(province=province).order_by("name", "pk"))


def root_certificates(province: Province) -> tuple[bytes, ...]:
    """The DER of every trust root of the province, as `dti.signatures.verify_pdf` takes
    them."""
    rows = TrustRoot.objects.filter(province=province).values_list("der", flat=True)
    return tuple(bytes(der) for der in rows)


def confirmed_owners(fingerprints: set[str]) -> dict[str, User]:
    """For each certificate (by fingerprint) confirmed as someone's, that person."""
    rows = CertificateIdentity.objects.filter(
        fingerprint__in=fingerprints, state=IdentityState.CONFIRMED
    ).select_related("user")
    return {row.fingerprint: row.user for row in rows}


def certificates_of(user: User) -> list[CertificateIdentity]:
    """A person's own certificates, as his profile lists them: every one he signed with,
    with the office's decision."""
    return list(CertificateIdentity.objects.filter(user=user).order_by("-claimed_at", "-pk"))


def identities_of(user: User, fingerprints: set[str]) -> dict[str, CertificateIdentity]:
    rows = CertificateIdentity.objects.filter(user=user, fingerprint__in=fingerprints)
    return {row.fingerprint: row for row in rows}


@dataclass(frozen=True)
class IdentityRow:
    """A certificate identity as the office's page lists it: the person, where he works
    and in which role (his memberships in the province), the certificate in words."""

    identity: CertificateIdentity
    roles: tuple[str, ...]  # "Thủ trưởng đơn vị (phê duyệt) — Sở Nội vụ"


def _identities(province: Province, state: IdentityState) -> QuerySet[CertificateIdentity]:
    memberships = Membership.objects.filter(province=province).select_related("unit")
    return (
        CertificateIdentity.objects.filter(state=state, user__memberships__province=province)
        .distinct()
        .select_related("user", "decided_by")
        .prefetch_related(Prefetch("user__memberships", queryset=memberships, to_attr="here"))
        .order_by("claimed_at", "pk")
    )


def claims_waiting(province_ids: set[int]) -> dict[int, tuple[str, int]]:
    """Per province: its code and how many of its people's certificates wait for the
    office's decision (one query; provinces with none are left out)."""
    rows = (
        CertificateIdentity.objects.filter(
            state=IdentityState.PENDING, user__memberships__province_id__in=province_ids
        )
        .values_list("user__memberships__province_id", "user__memberships__province__code")
        .annotate(count=Count("pk", distinct=True))
    )
    return {province_id: (code, count) for province_id, code, count in rows}


def identity_rows(province: Province, state: IdentityState) -> list[IdentityRow]:
    """The identities of the province's people in `state`: two queries, however many."""
    rows = []
    for identity in _identities(province, state):
        held = getattr(identity.user, "here", [])
        roles = tuple(
            f"{membership.get_role_display()} — {membership.unit.name}"
            if membership.unit_id and membership.unit is not None
            else str(membership.get_role_display())
            for membership in held
        )
        rows.append(IdentityRow(identity, roles))
    return rows


def identity_in(province: Province, pk: int) -> CertificateIdentity | None:
    """An identity of a person who holds a role in the province (None for any other)."""
    return (
        CertificateIdentity.objects.filter(pk=pk, user__memberships__province=province)
        .select_related("user")
        .distinct()
        .first()
    )


def identity_described(identity: CertificateIdentity) -> dict[str, object]:
    """An identity as the audit trail keeps it (the fingerprint among the technical keys)."""
    return {
        "person": str(identity.user),
        "name": identity.name,
        "issuer": identity.issuer,
        "serial": identity.serial,
        "not_after": identity.not_after,
        "fingerprint": identity.fingerprint,
        "state": identity.state,
    }
