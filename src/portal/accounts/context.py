"""Template context: the signed-in person's roles, and the site menu built from them.

The menu shows only what the person's roles can use (the pages themselves still refuse
everyone else: the menu is a convenience, not the check). An interface module: whether a
person sits on an appraisal team is the appraisals' to say, and they sit above the
accounts (docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Value
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import pgettext_lazy

from portal.accounts.models import Membership
from portal.accounts.second_factor import ENROL, STATE, VERIFY, session_is_verified
from portal.appraisals.models import TeamMember
from portal.roles import UNIT_ROLES, Role


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url: str
    current: bool  # the page shown is in this section (aria-current="page")


ON_A_TEAM = "team"  # not a role: a seat on some campaign's appraisal team

# (URL name, label, the roles that may use it); `None`: the appraisal team decides.
SECTIONS: list[tuple[str, str | Promise, frozenset[Role] | None]] = [
    ("assessments:mine", pgettext_lazy("section", "Tự đánh giá"), UNIT_ROLES),
    ("appraisals:todo", pgettext_lazy("section", "Thẩm định"), None),
    (
        "campaigns:list",
        pgettext_lazy("section", "Đợt đánh giá"),
        frozenset({Role.OFFICE_ADMIN, Role.LEADERSHIP}),
    ),
    ("units:registry", pgettext_lazy("section", "Đơn vị"), frozenset({Role.OFFICE_ADMIN})),
    ("frameworks:index", pgettext_lazy("section", "Bộ chỉ số"), frozenset({Role.OFFICE_ADMIN})),
    ("accounts:people", pgettext_lazy("section", "Người dùng"), frozenset({Role.OFFICE_ADMIN})),
    (
        "signatures:index",
        pgettext_lazy("section", "Chữ ký số"),
        frozenset({Role.OFFICE_ADMIN, Role.LEADERSHIP}),
    ),
]


def roles(request: HttpRequest) -> dict[str, object]:
    """`my_memberships`: the person's roles with their province and unit, read only when a
    template asks (the menu reads what it needs in one query of its own)."""
    user = request.user
    if not user.is_authenticated:
        return {"my_memberships": []}
    memberships = Membership.objects.filter(user=user).select_related("province", "unit")
    return {"my_memberships": SimpleLazyObject(lambda: list(memberships))}


def menu(request: HttpRequest) -> dict[str, object]:
    """`menu_items`: the sections of the site the person may use, in the menu's order
    (notifications, the account and sign-out are the header's own, for everyone signed
    in); `menu_held_back`: the session still owes its second factor, so the header offers
    nothing but sign-out."""
    user = request.user
    if not user.is_authenticated:
        return {"menu_items": [], "menu_held_back": False}
    if _second_factor_owed(request):
        return {"menu_items": [], "menu_held_back": True}
    held = _roles_and_team(user.pk)
    items = []
    for name, label, allowed in SECTIONS:
        # None: the appraisal, for appraisers and whoever sits on a team
        may = held & ({Role.APPRAISER, ON_A_TEAM} if allowed is None else allowed)
        if not may:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a section whose pages this version does not have
            continue
        items.append(MenuItem(label, url, request.path.startswith(url)))
    return {"menu_items": items, "menu_held_back": False}


def _second_factor_owed(request: HttpRequest) -> bool:
    return request.session.get(STATE) in (VERIFY, ENROL) and not session_is_verified(request)


def _roles_and_team(user_pk: int) -> set[str]:
    """The person's roles, and ON_A_TEAM when they sit on an appraisal team: one query."""
    roles = Membership.objects.filter(user_id=user_pk).values_list("role", flat=True)
    team = (
        TeamMember.objects.filter(user_id=user_pk)
        .annotate(kind=Value(ON_A_TEAM, output_field=CharField()))
        .values_list("kind", flat=True)
    )
    return set(roles.union(team))
