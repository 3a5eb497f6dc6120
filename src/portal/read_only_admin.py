"""Django's admin, for looking only.

Every change in the portal goes through its pages and services: they check the workflow
(who may move a campaign, a submission, a round), keep versions and write the audit trail.
An edit in the admin would do none of that: a campaign reopened, an extension granted or a
stored result changed with no trace. So every admin class of the portal is one of these:
lists and detail pages to read, no add, change or delete, for superusers too
(tests/portal/security/test_admin.py walks the registry)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyMixin:
    """Put first among the bases, so it wins over the admin class it is mixed with."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """No bulk actions: they write too (an app's own, like django-axes' clean-up)."""
        return {}


def read_only(admin_class: type[Any]) -> type[Any]:
    """`admin_class` with ReadOnlyMixin first, and its inlines likewise (the admin site
    applies it to every registration: portal.accounts.admin_site)."""
    if issubclass(admin_class, ReadOnlyMixin):
        return admin_class
    inlines = [read_only(inline) for inline in getattr(admin_class, "inlines", [])]
    attributes: dict[str, Any] = {"inlines": inlines} if inlines else {}
    if issubclass(admin_class, admin.options.InlineModelAdmin):
        attributes["can_delete"] = False
    return type(f"ReadOnly{admin_class.__name__}", (ReadOnlyMixin, admin_class), attributes)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # generic in django-stubs only: not subscriptable at run time
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]  # generic in django-stubs only: not subscriptable at run time
    extra = 0
    can_delete = False
