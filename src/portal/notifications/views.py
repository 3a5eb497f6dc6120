"""The inbox (/thong-bao/): a person's own notifications, nobody else's. Anonymous visitors
are sent to the login page; a notification of someone else answers 404."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.requests import AuthenticatedHttpRequest
from portal.notifications import selectors, services
from portal.notifications.forms import SettingsForm
from portal.notifications.models import EmailFrequency, Kind
from portal.notifications.permissions import get_notification_for_user


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The inbox, filtered by kind (?loai=) and to the unread ones (?chua-doc=1)."""
    kind = request.GET.get("loai", "")
    kind = kind if kind in Kind.values else ""
    unread_only = request.GET.get("chua-doc") == "1"
    page = selectors.inbox_page(
        request.user, request.GET.get("page"), kind=kind, unread_only=unread_only
    )
    query = {"loai": kind} if kind else {}
    if unread_only:
        query["chua-doc"] = "1"
    context = {
        "page": page,
        "kinds": Kind.choices,
        "kind": kind,
        "unread_only": unread_only,
        "filters": urlencode(query),
    }
    return render(request, "notifications/inbox.html", context)


@login_required
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's choice of e-mail: each notification, a daily digest, or none."""
    initial = {"email_frequency": selectors.email_frequency_of(request.user)}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["email_frequency"]
        services.notification_settings_save(user=request.user, email_frequency=chosen)
        messages.success(
            request,
            gettext("Đã lưu: %(choice)s.") % {"choice": EmailFrequency(chosen).label},
        )
        return redirect("notifications:settings")
    context = {
        "form": form,
        "kinds": Kind.choices,
        "digest_hour": settings.DTI_DIGEST_HOUR,
    }
    return render(request, "notifications/settings.html", context)


@login_required
@require_POST
def read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)
    services.notification_read(notification=notification)
    return redirect(_inbox_url(request.POST.get("page"), request.POST.get("filters", "")))


@login_required
@require_GET
def open_(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Following a notification's link reads it. Only a path of this portal is followed."""
    notification = get_notification_for_user(request.user, pk)
    services.notification_read(notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "Đã đánh dấu %(count)s thông báo là đã đọc.",
                "Đã đánh dấu %(count)s thông báo là đã đọc.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, gettext("Không có thông báo chưa đọc."))
    return redirect("notifications:inbox")


def _inbox_url(page: str | None, filters: str = "") -> str:
    """Back to the inbox as it was shown: its filters (only the known ones) and page."""
    query = {key: value for key, value in parse_qsl(filters) if key in ("loai", "chua-doc")}
    if page and page.isdigit():
        query["page"] = page
    url = reverse("notifications:inbox")
    return f"{url}?{urlencode(query)}" if query else url
