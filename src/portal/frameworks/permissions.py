"""Who may read and write a province's frameworks: every member reads, the office admin
writes; outsiders get 404 (they learn nothing), read-only members 403 on writes. A version
published results were computed with is public through the published version, which keeps
its document (portal.publication): the API asks `published` for those."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from portal.accounts.permissions import AnyUser, roles_in
from portal.frameworks.models import FrameworkVersion
from portal.units.permissions import check_province_access


def get_framework_for_user(
    user: AnyUser,
    pk: int,
    *,
    write: bool = False,
    published: Callable[[FrameworkVersion], bool] | None = None,
) -> FrameworkVersion:
    """The framework version if the user may read it (or change it, with `write`).

    With `published` (a read), anyone also reads a version for which it answers True:
    the API's reading of frameworks of published results. The province's framework pages
    are its members' workspace and do not ask for it."""
    version = get_object_or_404(FrameworkVersion.objects.select_related("province"), pk=pk)
    if published is not None and not write:
        if roles_in(user, version.province_id) or published(version):
            return version
        raise Http404(gettext("Không tìm thấy."))
    check_province_access(user, version.province_id, write=write)
    return version
