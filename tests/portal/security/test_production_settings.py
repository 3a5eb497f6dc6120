"""Production is the default: with DTI_DEBUG unset, only the secret key and the host names
given and the static files collected, Django's deployment check passes with no warning (HSTS, HTTPS redirect, secure cookies,
referrer policy, ...). Each deployment check is a fresh process with exactly the variables
named here (the two that get as far as the check are marked `slow`); the settings' values
come from the settings module evaluated afresh with exactly those variables
(tests/portal/fresh_settings.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import REPO
from tests.portal.fresh_settings import fresh_settings

PRODUCTION_SECRET = "k7Q!v9r#T2m$Lp4^Wz8&Nx6*Bc3(Hd5)Jf1_Gs0+Ya-Ue=Io%Pq@Rt~Sv"


def deploy_check(**variables: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src"), **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def settings_of(monkeypatch: pytest.MonkeyPatch, names: str, **variables: str) -> list[object]:
    module = fresh_settings(monkeypatch, **variables)
    return [module[name] for name in names.split()]


@pytest.mark.slow
def test_the_deployment_check_passes_with_only_the_secret_key_and_the_hosts(tmp_path):
    """Once `collectstatic` has run (the static root holds its manifest): without it the
    check warns (dti.W001), as every page would answer 500."""
    static = {"DTI_STATIC_ROOT": str(tmp_path)}
    secret = {"DTI_SECRET_KEY": PRODUCTION_SECRET, "DTI_ALLOWED_HOSTS": "dti.example.vn"}
    uncollected = deploy_check(**secret, **static)
    assert uncollected.returncode != 0
    assert "dti.W001" in uncollected.stdout + uncollected.stderr
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    result = deploy_check(**secret, **static)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_is_the_default_and_refuses_the_development_secret():
    result = deploy_check(DTI_ALLOWED_HOSTS="dti.example.vn")
    assert result.returncode != 0
    assert "DTI_SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
def test_the_deployment_check_fails_when_debug_is_turned_on():
    result = deploy_check(
        DTI_DEBUG="1", DTI_SECRET_KEY=PRODUCTION_SECRET, DTI_ALLOWED_HOSTS="dti.example.vn"
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


def test_production_defaults_are_https_only(monkeypatch):
    assert settings_of(
        monkeypatch,
        "DEBUG SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS "
        "SECURE_HSTS_PRELOAD SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_PROXY_SSL_HEADER",
        DTI_SECRET_KEY=PRODUCTION_SECRET,
    ) == [False, True, 31536000, True, False, True, True, None]


def test_the_proxy_header_and_trusted_origins_come_from_the_environment(monkeypatch):
    assert settings_of(
        monkeypatch,
        "SECURE_PROXY_SSL_HEADER CSRF_TRUSTED_ORIGINS SECURE_HSTS_PRELOAD",
        DTI_SECRET_KEY=PRODUCTION_SECRET,
        DTI_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        DTI_CSRF_TRUSTED_ORIGINS="https://dti.example.vn, https://www.dti.example.vn",
        DTI_HSTS_PRELOAD="yes",
    ) == [
        ("HTTP_X_FORWARDED_PROTO", "https"),
        ["https://dti.example.vn", "https://www.dti.example.vn"],
        True,
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [("DTI_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO"), ("DTI_HSTS_SECONDS", "một năm")],
)
def test_a_bad_security_variable_stops_the_portal_with_its_name(monkeypatch, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        fresh_settings(monkeypatch, DTI_SECRET_KEY=PRODUCTION_SECRET, **{name: value})
