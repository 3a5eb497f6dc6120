"""The public results portal, no sign-in: what the provinces published, and nothing else
(portal.publication.selectors reads published versions only; the pages are assembled in
portal.public.pages).

Every page's content is cached under the publication generation, the language and the full
path (query string included): published data never changes, and a new publication changes
the generation, so every app server drops the old pages at once. Only the content is cached;
the frame around it (the menu, the language switcher and its CSRF token) is rendered for each
visitor. A query string no form makes answers 400 with a sentence; an unknown or unpublished
province, year, version, level, table or unit answers 404."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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
from portal.public.pages.compare import compare_page
from portal.public.pages.methodology import corrections_page, methodology_page
from portal.public.pages.overview import landing_page, province_page, search_page, version_page
from portal.public.pages.ranking import ranking_page
from portal.public.pages.unit import unit_page
from portal.publication.selectors import GENERAL, generation


@dataclass(frozen=True)
class Content:
    """A page's content and title: the same for every visitor of the URL."""

    title: str
    html: str
    status: int = 200


def _content(template: str, title: str, context: dict[str, Any], status: int = 200) -> Content:
    # No request: the content cannot depend on who asks, so it can be shared.
    return Content(title, render_to_string(f"public/{template}", context), status)


def cache_key(request: HttpRequest) -> str:
    raw = f"{generation()}|{get_language()}|{request.get_full_path()}"
    return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cached(build: Callable[..., Content]) -> Callable[..., HttpResponse]:
    @require_safe
    @wraps(build)
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        key = cache_key(request)
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
                cache.set(key, content, CACHE_SECONDS)
        context = {"title": content.title, "body": mark_safe(content.html)}  # noqa: S308  rendered by our templates
        return render(request, "public/page.html", context, status=content.status)

    return view


@_cached
def landing(request: HttpRequest) -> Content:
    return _content("landing.html", gettext("Kết quả công bố"), {"cards": landing_page()})


@_cached
def search(request: HttpRequest) -> Content:
    page = search_page(request.GET.get("q"))
    return _content("search.html", gettext("Tìm đơn vị"), {"page": page})


@_cached
def province(request: HttpRequest, province: str) -> Content:
    page = province_page(province)
    if page is None:
        raise Http404
    return _content("province.html", page.name, {"page": page})


@_cached
def version(request: HttpRequest, province: str, year: int, number: int | None = None) -> Content:
    page = version_page(scope_of(province, year, number))
    title = f"{page.scope.province} {page.scope.year}"
    return _content("version.html", title, {"page": page})


@_cached
def methodology(
    request: HttpRequest, province: str, year: int, number: int | None = None
) -> Content:
    page = methodology_page(scope_of(province, year, number))
    title = gettext("Phương pháp đánh giá") + f" · {page.scope.province} {page.scope.year}"
    return _content("methodology.html", title, {"page": page})


@_cached
def corrections(
    request: HttpRequest, province: str, year: int, number: int | None = None
) -> Content:
    scope = scope_of(province, year, number)
    title = gettext("Nhật ký đính chính") + f" · {scope.province} {scope.year}"
    return _content("corrections.html", title, {"scope": scope, "entries": corrections_page(scope)})


@_cached
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
    return _content("ranking.html", title, {"page": page})


@_cached
def compare(
    request: HttpRequest, province: str, year: int, level: str, number: int | None = None
) -> Content:
    page = compare_page(scope_of(province, year, number), level, request.GET)
    title = gettext("So sánh đơn vị") + f" · {page.level.name} {page.scope.year}"
    return _content("compare.html", title, {"page": page})


@_cached
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
