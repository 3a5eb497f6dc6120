"""The office's administration of people: creating and inviting them, their roles, locking
and unlocking an account, importing many from a workbook; and a person's own profile.

Every change is written to the audit trail as entity "person" (its id the person's), with
the province it concerns: the trail is read per campaign, so these entries are shown on the
person's page (portal.accounts.selectors.person_history). The invitation e-mails leave after
the commit: a refused import sends nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django_tasks import task

from dti.tables.xlsx import cell_place
from portal.accounts.models import Membership, Province, User
from portal.accounts.permissions import PeopleScope, provinces_beyond
from portal.audit.locks import locked_or_refused
from portal.audit.services import audit_record
from portal.roles import UNIT_ROLES, Role

if TYPE_CHECKING:  # named in annotations only: the units sit above the accounts
    from portal.units.models import Unit

IMPORT_SHEET = "Người dùng"
IMPORT_COLUMNS = ("Họ và tên", "Tên đăng nhập", "Thư điện tử", "Vai trò", "Đơn vị")


@dataclass(frozen=True)
class PersonRow:
    """One person to create: from the form, or a row of an imported workbook (`row`)."""

    full_name: str
    username: str
    email: str
    role: Role
    province: Province
    unit: Unit | None = None
    row: int = 0


# ---- reading the rules ----------------------------------------------------------------


def username_taken(username: str, *, exclude: User | None = None) -> bool:
    found = User.objects.filter(username__iexact=username)
    return (found.exclude(pk=exclude.pk) if exclude else found).exists()


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    found = User.objects.filter(email__iexact=email)
    return (found.exclude(pk=exclude.pk) if exclude else found).exists()


def role_problem(role: Role, province: Province, unit: Unit | None) -> str | None:
    """Why a role cannot be held so, in words; None when it can."""
    if role in UNIT_ROLES and unit is None:
        return gettext("Vai trò “%(role)s” cần chọn đơn vị.") % {"role": role.label}
    if role not in UNIT_ROLES and unit is not None:
        return gettext("Vai trò “%(role)s” áp dụng cho cả tỉnh, không chọn đơn vị.") % {
            "role": role.label
        }
    if unit is not None and unit.province_id != province.pk:
        return gettext("Đơn vị “%(unit)s” không thuộc %(province)s.") % {
            "unit": unit,
            "province": province,
        }
    return None


def _described(membership: Membership) -> dict[str, Any]:
    return {
        "role": membership.role,
        "role_label": str(Role(membership.role).label),
        "province": membership.province.name,
        "unit": membership.unit.name if membership.unit else None,
    }


def _record(
    actor: User, person: User, action: str, province: Province | None, **values: Any
) -> None:
    audit_record(
        actor=actor,
        entity="person",
        action=action,
        entity_id=person.pk,
        province=province,
        **values,
    )


logger = logging.getLogger(__name__)


# ---- invitations ----------------------------------------------------------------------


def invitation_link(person: User) -> str:
    """The page where the person sets his password: Django's password-reset token, valid
    for PASSWORD_RESET_TIMEOUT and spent once the password is set."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.DTI_SITE_URL.rstrip("/") + path


def invitation_send(person: User) -> None:
    context = {
        "person": person,
        "link": invitation_link(person),
        "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        "site_url": settings.DTI_SITE_URL.rstrip("/"),
    }
    subject = render_to_string("accounts/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, None, [person.email])


@task()
def invitations_send(person_ids: list[int]) -> int:
    """The worker's side of an invitation (docs/tasks.md): the mail server's delays never
    hold the office's page, an import of 150 people least of all. A person blocked or gone
    meanwhile gets none. Returns how many were sent."""
    people = User.objects.filter(pk__in=person_ids, is_active=True).exclude(email="")
    sent = 0
    for person in people:
        try:
            invitation_send(person)
        except Exception:  # a refused address, the server down: logged; "Mời lại" resends
            logger.warning("Invitation of person %s not sent", person.pk, exc_info=True)
        else:
            sent += 1
    return sent


def _invite_after_commit(people: Iterable[User]) -> None:
    """Queued once the people are stored: the worker writes the e-mails."""
    invited = [person.pk for person in people]
    transaction.on_commit(lambda: invitations_send.enqueue(invited))


@transaction.atomic
def person_invite_again(*, actor: User, person: User, province: Province | None) -> None:
    """A new invitation (the old link stops working once the password is set)."""
    if not person.is_active:
        raise ValidationError(gettext("Tài khoản đang bị khoá: hãy mở khoá trước khi mời lại."))
    if not person.email:
        raise ValidationError(gettext("Người này chưa có địa chỉ thư điện tử."))
    _record(actor, person, "invite", province, new={"email": person.email})
    _invite_after_commit([person])


# ---- creating -------------------------------------------------------------------------


def _new_person(actor: User, row: PersonRow, reason: str) -> User:
    person = User(username=row.username, email=row.email, full_name=row.full_name)
    person.set_unusable_password()  # he sets his own through the invitation
    person.full_clean(exclude=["password"])
    person.save()
    membership = Membership.objects.create(
        user=person, province=row.province, role=row.role, unit=row.unit
    )
    new = {"username": person.username, "full_name": person.full_name, "email": person.email}
    _record(
        actor, person, "create", row.province, new={**new, "role": _described(membership)},
        reason=reason,
    )  # fmt: skip
    return person


@transaction.atomic
def person_create(*, actor: User, row: PersonRow) -> User:
    """A new person with his first role, invited by e-mail after the commit. Duplicates
    are refused on the field that repeats one (ValidationError keyed by field)."""
    errors: dict[str, str] = {}
    if username_taken(row.username):
        errors["username"] = gettext("Tên đăng nhập này đã có người dùng; hãy chọn tên khác.")
    if email_taken(row.email):
        errors["email"] = gettext("Địa chỉ thư này đã có người dùng; mỗi người một địa chỉ.")
    problem = role_problem(row.role, row.province, row.unit)
    if problem:
        errors["unit"] = problem
    if errors:
        raise ValidationError(errors)
    person = _new_person(actor, row, reason="")
    _invite_after_commit([person])
    return person


PEOPLE_JOB_ROWS = 300  # more rows than this are imported by the worker (about 1.5 s here)


def _no_progress(done: int, total: int, step: str = "") -> None:
    return None


def people_import_problems(rows: Sequence[PersonRow], problems: Sequence[str] = ()) -> list[str]:
    """Every problem of the rows: `problems` as the reader found them, then those against
    each other and the people already in the portal, each placed by sheet, row and column."""
    return [*problems, *_import_problems(rows)]


@transaction.atomic
def people_import(
    *,
    actor: User,
    rows: Sequence[PersonRow],
    file_name: str,
    problems: Sequence[str] = (),
    progress: Callable[[int, int, str], None] = _no_progress,
) -> list[User]:
    """All the rows or none: every problem found is raised at once
    (people_import_problems). `progress(done, total, step)` is told as the people are
    written (a job's page shows it); they are invited once the whole import is committed."""
    problems = people_import_problems(rows, problems)
    if problems:
        raise ValidationError(problems)
    people, step = [], gettext("Đang tạo tài khoản")
    for done, row in enumerate(rows):
        people.append(_new_person(actor, row, reason=f"Nhập từ tệp {file_name}"))
        progress(done, len(rows), step)
    progress(len(rows), len(rows), step)
    _invite_after_commit(people)
    return people


def _import_problems(rows: Sequence[PersonRow]) -> list[str]:
    problems: list[str] = []
    seen_usernames: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    taken_usernames = _taken("username", [row.username for row in rows])
    taken_emails = _taken("email", [row.email for row in rows])
    for row in rows:
        for column, value, seen, taken in (
            ("Tên đăng nhập", row.username.lower(), seen_usernames, taken_usernames),
            ("Thư điện tử", row.email.lower(), seen_emails, taken_emails),
        ):
            place = cell_place(IMPORT_SHEET, row.row, column)
            if value in taken:
                problems.append(gettext("%(place)s: đã có người dùng này.") % {"place": place})
            elif value in seen:
                problems.append(
                    gettext("%(place)s: trùng với dòng %(row)s.")
                    % {"place": place, "row": seen[value]}
                )
            seen.setdefault(value, row.row)
        problem = role_problem(row.role, row.province, row.unit)
        if problem:
            problems.append(f"{cell_place(IMPORT_SHEET, row.row, 'Đơn vị')}: {problem}")
    return problems


def _taken(field: str, values: list[str]) -> set[str]:
    """Which of `values` (any case) already belong to someone: one query per field."""
    wanted = {value.lower() for value in values}
    found: set[str] = set()
    # Compared through lower(), as both SQLite and PostgreSQL can: the few values wanted.
    for value in (
        User.objects.annotate(key=Lower(field))
        .filter(key__in=sorted(wanted))
        .values_list("key", flat=True)
    ):
        found.add(value)
    return found


# ---- roles ----------------------------------------------------------------------------


@transaction.atomic
def membership_assign(
    *, actor: User, person: User, role: Role, province: Province, unit: Unit | None
) -> Membership:
    problem = role_problem(role, province, unit)
    if problem:
        raise ValidationError({"unit": problem})
    if Membership.objects.filter(user=person, province=province, role=role, unit=unit).exists():
        raise ValidationError({"role": gettext("Người này đã giữ vai trò này.")})
    membership = Membership.objects.create(user=person, province=province, role=role, unit=unit)
    _record(actor, person, "role_assign", province, new=_described(membership))
    return membership


@transaction.atomic
def membership_withdraw(*, actor: User, membership: Membership, reason: str = "") -> None:
    """The last role a person holds in a province is not withdrawn: the office would lose
    sight of him (lock the account instead); nor does an admin withdraw his own admin role
    (a province could be left with nobody to administer it)."""
    membership = locked_or_refused(membership, gettext("Vai trò này đã được thu hồi."))
    if membership.user_id == actor.pk and membership.role == Role.OFFICE_ADMIN:
        raise ValidationError(
            gettext(
                "Không thể tự thu hồi quyền quản trị của chính mình: hãy nhờ một quản trị "
                "khác của tỉnh."
            )
        )
    others = Membership.objects.filter(user=membership.user, province=membership.province)
    if not others.exclude(pk=membership.pk).exists():
        raise ValidationError(
            gettext(
                "Đây là vai trò cuối cùng của người này tại %(province)s: hãy giao vai trò "
                "khác trước, hoặc khoá tài khoản nếu người này thôi tham gia."
            )
            % {"province": membership.province}
        )
    old = _described(membership)
    membership.delete()
    _record(actor, membership.user, "role_withdraw", membership.province, old=old, reason=reason)


# ---- locking --------------------------------------------------------------------------


def activity_problem(*, actor: User, person: User, scope: PeopleScope) -> str | None:
    """Why the admin may not lock or unlock this account; None when he may."""
    if person.pk == actor.pk:
        return gettext("Không thể tự khoá hay mở khoá tài khoản của chính mình.")
    if (person.is_superuser or person.is_staff) and not actor.is_superuser:
        return gettext(
            "Đây là tài khoản quản trị hệ thống: chỉ quản trị hệ thống khoá hay mở khoá được."
        )
    beyond = provinces_beyond(person, scope)
    if beyond:
        names = ", ".join(province.name for province in beyond)
        return gettext(
            "Người này còn giữ vai trò tại %(provinces)s, nơi bạn không quản trị: chỉ thu hồi "
            "được vai trò của tỉnh mình; việc khoá tài khoản do quản trị hệ thống quyết định."
        ) % {"provinces": names}
    return None


@transaction.atomic
def person_set_active(
    *, actor: User, person: User, scope: PeopleScope, active: bool, reason: str = ""
) -> User:
    """Lock (active False) or unlock an account. A locked person cannot sign in; his roles
    are kept, so unlocking gives them back as they were."""
    problem = activity_problem(actor=actor, person=person, scope=scope)
    if problem:
        raise ValidationError(problem)
    person = locked_or_refused(person, gettext("Không tìm thấy người dùng."))
    if person.is_active == active:
        return person
    person.is_active = active
    person.save(update_fields=["is_active"])
    action = "reactivate" if active else "deactivate"
    provinces: list[Province | None] = list(
        Province.objects.filter(memberships__user=person).distinct()
    )
    for province in provinces or [None]:  # each office reads it among its own people
        _record(
            actor, person, action, province, old={"is_active": not active},
            new={"is_active": active}, reason=reason,
        )  # fmt: skip
    return person


# ---- the person's own profile ---------------------------------------------------------


@transaction.atomic
def profile_update(*, user: User, full_name: str, email: str) -> User:
    if email and email_taken(email, exclude=user):
        raise ValidationError({"email": gettext("Địa chỉ thư này đã có người dùng khác.")})
    old = {"full_name": user.full_name, "email": user.email}
    new = {"full_name": full_name, "email": email}
    if old == new:
        return user
    user.full_name, user.email = full_name, email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "email"])
    province = Province.objects.filter(memberships__user=user).first()
    _record(user, user, "profile", province, old=old, new=new)
    return user
