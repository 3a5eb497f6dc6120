"""Passwords are hashed with Argon2; older PBKDF2 hashes still verify and are rewritten."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from portal import settings as portal_settings
from tests.portal.accounts.conftest import log_in
from tests.portal.conftest import PASSWORD, Cast


def test_a_new_password_is_hashed_with_argon2(settings, db):
    settings.PASSWORD_HASHERS = portal_settings.PASSWORD_HASHERS  # the product's, not the fast one
    assert make_password("một mật khẩu dài").startswith("argon2$")


def test_a_pbkdf2_hash_still_signs_in_and_is_rewritten_with_argon2(settings, client, cast: Cast):
    settings.PASSWORD_HASHERS = portal_settings.PASSWORD_HASHERS
    lan = cast.lan
    lan.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    lan.save(update_fields=["password"])
    response = log_in(client, "lan")
    assert response.status_code == 302 and "_auth_user_id" in client.session
    lan.refresh_from_db()
    assert lan.password.startswith("argon2$")
