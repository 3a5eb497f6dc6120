"""Every URL pattern of the portal by its fully namespaced name (`campaigns:detail`,
`api:v1:indicators_push`, `admin:index`), walked from the URL configuration itself, so that
a URL nobody listed in the permission matrix cannot go unnoticed; and the placeholder
arguments that open each of the admin's generated URLs on a real row."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from portal.accounts.models import User
from portal.units.models import Unit

# The admin's own unnamed patterns: a redirect of `<object_id>/` to its change page, and the
# catch-all that answers 404 (or the admin login) for any other path under the admin. The
# admin rule of the matrix covers them through the named pages they lead to.
ADMIN_UNNAMED = ("<path:object_id>/", "(?P<url>.*)$")


def walk(
    resolver: URLResolver | None = None, namespace: tuple[str, ...] = ()
) -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) of every pattern; an unnamed pattern outside the admin is
    named `<unnamed ROUTE>`, which no matrix entry can match, so it fails the test too."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from walk(pattern, inner)
        elif pattern.name:
            yield ":".join((*namespace, pattern.name)), pattern
        elif not (namespace[:1] == ("admin",) and str(pattern.pattern) in ADMIN_UNNAMED):
            yield f"<unnamed {pattern.pattern}>", pattern


def url_names() -> set[str]:
    return {name for name, _ in walk()}


def admin_patterns() -> dict[str, URLPattern]:
    return {name: pattern for name, pattern in walk() if name.startswith("admin:")}


def _arguments(pattern: URLPattern) -> list[str]:
    route = pattern.pattern
    converters = getattr(route, "converters", None)
    return list(converters) if converters else list(route.regex.groupindex)


def _admin_row(name: str) -> str:
    """The pk of a real row of the model an admin URL is for (`admin:units_unit_change`),
    or "1" where there is none."""
    parts = name.removeprefix("admin:").split("_")
    for cut in range(1, len(parts)):
        try:
            model = apps.get_model(parts[0], "_".join(parts[1 : cut + 1]))
        except (LookupError, ValueError):
            continue
        row = model._default_manager.order_by("pk").first()
        return str(row.pk) if row is not None else "1"
    return "1"


def admin_kwargs(name: str, pattern: URLPattern) -> dict[str, str]:
    """A value for each of the URL's arguments; any argument naming an object (`object_id`,
    `pk`, …) names a real row of the URL's model."""

    def row() -> str:
        if name == "admin:view_on_site":  # a content type (Unit's) and a row of it
            return str(Unit.objects.order_by("pk").values_list("pk", flat=True)[0])
        return _admin_row(name)

    others = {
        "id": lambda: str(User.objects.order_by("pk").values_list("pk", flat=True)[0]),
        "content_type_id": lambda: str(ContentType.objects.get_for_model(Unit).pk),
        "app_label": lambda: "units",
    }
    return {argument: others.get(argument, row)() for argument in _arguments(pattern)}
