"""Each request's session and person are read with queries composed once (portal.accounts
.sessions, portal.accounts.backends): what a request sees of them is what Django's own
database sessions and ModelBackend give, and each is one query."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts.sessions import SessionStore
from tests.portal.accounts.conftest import INBOX, LOGIN, log_in
from tests.portal.conftest import PASSWORD, Cast


def _signed_in(cast: Cast) -> Client:
    client = Client()
    assert log_in(client, "lan").status_code == 302
    assert client.get(INBOX).status_code == 200
    return client


def _sent_to_log_in(client: Client) -> bool:
    response = client.get(INBOX)
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_signed_in_person_reads_pages_with_one_read_of_the_session_and_one_of_the_person(
    cast: Cast,
):
    client = _signed_in(cast)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INBOX).status_code == 200
    tables = [query["sql"] for query in queries.captured_queries]
    assert sum('FROM "django_session"' in sql for sql in tables) == 1
    assert sum('FROM "accounts_user"' in sql for sql in tables) == 1


def test_the_session_records_the_backend_that_signed_the_person_in(cast: Cast):
    client = _signed_in(cast)
    assert client.session[BACKEND_SESSION_KEY] == "portal.accounts.backends.PersonBackend"


def test_an_expired_session_is_signed_out_and_not_read_again(cast: Cast):
    client = _signed_in(cast)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    assert _sent_to_log_in(client)
    assert SessionStore(key).load() == {}


def test_a_session_the_database_does_not_hold_is_signed_out(cast: Cast):
    client = _signed_in(cast)
    Session.objects.all().delete()
    assert _sent_to_log_in(client)
    stranger = Client()
    stranger.cookies["sessionid"] = "x" * 32
    assert _sent_to_log_in(stranger)
    stranger.cookies["sessionid"] = "9" * 5000
    assert _sent_to_log_in(stranger)


def test_a_session_stays_what_it_stored(cast: Cast):
    store = SessionStore()
    store["choice"] = {"tỉnh": "Tỉnh Mẫu", "ngày": [1, 2]}
    store.create()
    assert SessionStore(store.session_key)["choice"] == {"tỉnh": "Tỉnh Mẫu", "ngày": [1, 2]}


def test_an_account_deactivated_or_deleted_is_signed_out_at_its_next_page(cast: Cast):
    client = _signed_in(cast)
    cast.lan.is_active = False
    cast.lan.save()
    assert _sent_to_log_in(client)
    minh = Client()
    assert log_in(minh, "minh").status_code == 302
    assert minh.get(INBOX).status_code == 200
    cast.minh.delete()
    assert _sent_to_log_in(minh)


def test_a_changed_password_signs_out_the_other_sessions(cast: Cast):
    client = _signed_in(cast)
    cast.lan.set_password(PASSWORD + "-moi")
    cast.lan.save()
    assert _sent_to_log_in(client)


def test_a_session_signed_in_by_another_backend_is_signed_out(cast: Cast):
    """Sessions signed in before the portal read people itself name Django's ModelBackend:
    each is signed out once, as any backend no longer configured is."""
    client = _signed_in(cast)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert _sent_to_log_in(client)


def test_a_session_key_no_session_could_have_is_signed_out_without_a_query(cast: Cast):
    """A cookie's octal escape gives a key with a NUL, which PostgreSQL refuses with an
    error: such a key, and any that is not of Django's letters and digits, is no session."""
    for key in ("\x00" + "a" * 31, "a" * 31 + "\x00", "ê" * 32, "a" * 41, "abc-defgh", " " * 10):
        with CaptureQueriesContext(connection) as queries:
            assert SessionStore(key).load() == {}
        assert len(queries) == 0, key
    stranger = Client()
    stranger.cookies["sessionid"] = "\x00" + "a" * 31
    assert _sent_to_log_in(stranger)
