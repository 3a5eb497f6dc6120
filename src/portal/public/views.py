"""The public results portal, no sign-in: what the provinces published, and nothing else
(portal.publication.selectors reads published versions only; the pages are assembled in
portal.public.pages).

Every page's content is cached under the publication generation, the language, the page the
address names (the view and its path parts as values: "/2024/" and "/02024/" are one page)
and the query parameters the page reads (others are ignored, so endless distinct query
strings cannot fill the cache): published data never changes, and a new publication changes
the generation, so every app server drops the old pages at once. A page a visitor's free
choice makes (a name typed in a search or filter, two to four units compared, a sort no
link makes) is built for each request and never kept: only a bounded number of pages per
publication is cached. Only the content is cached; the frame around it (the menu, the
language switcher and its CSRF token) is rendered for each visitor. A query string no form
makes answers 400 with a sentence; an unknown or unpublished province, year, version,
level, table or unit answers 404."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from portal.public.pages.common import CACHE_SECONDS, Refused, scope_of
from portal.public.pages.compare import GROUP as COMPARE_GROUP
from portal.public.pages.compare import UNITS, compare_page
from portal.public.pages.methodology import corrections_page, methodology_page
from portal.public.pages.overview import (
    QUERY,
    landing_page,
    province_page,
    search_page,
    version_page,
)
from portal.public.pages.ranking import CLASS, DIRECTION, GROUP, NAME, PAGE, SORT, ranking_page
from portal.public.pages.unit import unit_page
from portal.publication.selectors import GENERAL, generation


@dataclass(frozen=True)
class Content:
    """A page's content and title: the same for every visitor of the URL. `kept`: whether
    it is cached (False for a page a visitor's free choice makes)."""

    title: str
    html: str
    status: int = 200
    kept: bool = True


def _content(
    template: str, title: str, context: dict[str, Any], status: int = 200, *, kept: bool = True
) -> Content:
    # No request: the content cannot depend on who asks, so it can be shared.
    return Content(title, render_to_string(f"public/{template}", context), status, kept)


def read_parameters(request: HttpRequest, names: Sequence[str]) -> list[tuple[str, Any]]:
    """The query parameters `names` as the page reads them: one value each (the last, as
    QueryDict.get gives it), the units to compare as the chosen codes, each once."""
    found: list[tuple[str, Any]] = []
    for name in names:
        if name == UNITS:
            values = [v.strip() for v in request.GET.getlist(name) if v.strip()]
            found.append((name, list(dict.fromkeys(values))))
        else:
            found.append((name, request.GET.get(name) or ""))
    return found


def cache_key(request: HttpRequest, names: Sequence[str] = ()) -> str:
    """The page the request names, whatever else its query string carries: the view, its
    path parts as values, and the parameters `names` it reads."""
    match = request.resolver_match
    assert match is not None  # a view is only called through the URL resolver
    page = [match.view_name, sorted(match.kwargs.items()), read_parameters(request, names)]
    raw = f"{generation()}|{get_language()}|{json.dumps(page, default=str)}"
    return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()


Built = Callable[..., Content]


def _cached(*names: str) -> Callable[[Built], Callable[..., HttpResponse]]:
    """A page view whose content is cached; `names`: the query parameters it reads."""

    def decorate(build: Built) -> Callable[..., HttpResponse]:
        @require_safe
        @wraps(build)
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            key = cache_key(request, names)
            content = cache.get(key)
            if content is None:
                try:
                    content = build(request, **kwargs)
                except Refused as refused:  # not cached: nothing a form makes
                    content = _content(
                        "refused.html",
                        gettext("Yêu cầu không hợp lệ"),
                        {"message": refused.message},
                        400,
                    )
                else:
                    if content.kept:
                        cache.set(key, content, CACHE_SECONDS)
            context = {"title": content.title, "body": mark_safe(content.html)}  # noqa: S308  rendered by our templates
            return render(request, "public/page.html", context, status=content.status)

        return view

    return decorate


@_cached()
def landing(request: HttpRequest) -> Content:
    return _content("landing.html", gettext("Kết quả công bố"), {"cards": landing_page()})


@_cached(QUERY)
def search(request: HttpRequest) -> Content:
    page = search_page(request.GET.get(QUERY))
    # A search's results are one query; kept, every name typed would be kept.
    return _content("search.html", gettext("Tìm đơn vị"), {"page": page}, kept=not page.searched)


@_cached()
def province(request: HttpRequest, province: str) -> Content:
    page = province_page(province)
    if page is None:
        raise Http404
    return _content("province.html", page.name, {"page": page})


@_cached()
def version(request: HttpRequest, province: str, year: int, number: int | None = None) -> Content:
    page = version_page(scope_of(province, year, number))
    title = f"{page.scope.province} {page.scope.year}"
    return _content("version.html", title, {"page": page})


@_cached()
def methodology(
    request: HttpRequest, province: str, year: int, number: int | None = None
) -> Content:
    page = methodology_page(scope_of(province, year, number))
    title = gettext("Phương pháp đánh giá") + f" · {page.scope.province} {page.scope.year}"
    return _content("methodology.html", title, {"page": page})


@_cached()
def corrections(
    request: HttpRequest, province: str, year: int, number: int | None = None
) -> Content:
    scope = scope_of(province, year, number)
    title = gettext("Nhật ký đính chính") + f" · {scope.province} {scope.year}"
    return _content("corrections.html", title, {"scope": scope, "entries": corrections_page(scope)})


@_cached(SORT, DIRECTION, CLASS, GROUP, NAME, PAGE)
def ranking(
    request: HttpRequest,
    province: str,
    year: int,
    level: str,
    table: str = GENERAL,
    number: int | None = None,
) -> Content:
    page = ranking_page(scope_of(province, year, number), level, table, request.GET)
    if page is None:
        raise Http404
    title = f"{page.level.name} · {page.scope.province} {page.scope.year}"
    return _content("ranking.html", title, {"page": page}, kept=page.kept)


@_cached(UNITS, COMPARE_GROUP)
def compare(
    request: HttpRequest, province: str, year: int, level: str, number: int | None = None
) -> Content:
    page = compare_page(scope_of(province, year, number), level, request.GET)
    title = gettext("So sánh đơn vị") + f" · {page.level.name} {page.scope.year}"
    # Kept while it lists at most one unit (one page per unit); a comparison is not.
    return _content("compare.html", title, {"page": page}, kept=not page.columns)


@_cached()
def unit(
    request: HttpRequest,
    province: str,
    year: int,
    level: str,
    unit: str,
    number: int | None = None,
) -> Content:
    page = unit_page(scope_of(province, year, number), level, unit)
    if page is None:
        raise Http404
    title = f"{page.row.unit_name} · {page.scope.year}"
    return _content("unit.html", title, {"page": page})
