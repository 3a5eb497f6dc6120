"""The inbox (/thong-bao/): a person's own notifications, nobody else's. Anonymous visitors
are sent to the login page; a notification of someone else answers 404."""

from __future__ import annotations

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
from portal.notifications.permissions import get_notification_for_user


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = selectors.inbox_page(request.user, request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)
    services.notification_read(notification=notification)
    return redirect(_inbox_url(request.POST.get("page")))


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


def _inbox_url(page: str | None) -> str:
    url = reverse("notifications:inbox")
    return f"{url}?page={page}" if page and page.isdigit() else url
