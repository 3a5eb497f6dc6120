"""What the notification tests share beyond the cast: notifications written straight into
the database, the refusal table of one person's notification, and e-mail caught in
Django's locmem outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.utils import translation
from pytest_django.fixtures import SettingsWrapper

from portal.accounts.models import User
from portal.notifications.models import Notification

# Everyone but the owner (Lan) is refused one of Lan's notifications, and learns nothing
# (404); an anonymous visitor is sent to the login page.
NOT_THE_OWNER = [
    pytest.param("minh", id="minh-approver-same-unit"),
    pytest.param("thao", id="thao-reporter-other-unit"),
    pytest.param("hung", id="hung-appraiser"),
    pytest.param("hoa", id="hoa-leadership"),
    pytest.param("quang", id="quang-office-admin"),
    pytest.param("khoa", id="khoa-other-province"),
]


@pytest.fixture(autouse=True)
def no_language_left_behind() -> Iterator[None]:
    """LocaleMiddleware leaves the language of a request active in the thread: reset it, so
    that the next test does not write its notifications in English."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def email_in_memory(settings: SettingsWrapper) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DTI_SITE_URL = "https://dti.tinhmau.gov.vn/"


def notification(
    user: User, title: str, *, at: datetime | None = None, **fields: Any
) -> Notification:
    """A notification as `notify` leaves it, without its e-mail; `at` backdates it."""
    fields.setdefault("kind", "results_returned")
    row = Notification.objects.create(user=user, title=title, **fields)
    if at is not None:
        Notification.objects.filter(pk=row.pk).update(created_at=at)
        row.refresh_from_db()
    return row
