"""Every setting is documented, and bad values stop the portal with a clear message."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import database_from_url, env_bool, env_int
from tests.conftest import REPO
from tests.portal.fresh_settings import fresh_settings

SETTINGS = (REPO / "src/portal/settings.py").read_text(encoding="utf-8")
VARIABLES = sorted(set(re.findall(r'env_\w+\(\s*"(DTI_[A-Z_]+)"', SETTINGS)))


@pytest.mark.parametrize("name", VARIABLES)
def test_every_variable_is_documented(name):
    assert f"`{name}`" in (REPO / "docs/configuration.md").read_text(encoding="utf-8")
    assert f"{name}=" in (REPO / ".env.example").read_text(encoding="utf-8")


def test_variables_were_found():
    assert len(VARIABLES) >= 8


@pytest.mark.parametrize("value", ["maybe", "2", "đúng"])
def test_a_bad_boolean_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("DTI_DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match="DTI_DEBUG"):
        env_bool("DTI_DEBUG", True)


def test_a_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("DTI_EVIDENCE_MAX_MB", "hai mươi")
    with pytest.raises(ImproperlyConfigured, match="DTI_EVIDENCE_MAX_MB"):
        env_int("DTI_EVIDENCE_MAX_MB", 20, minimum=1)


def test_database_urls(tmp_path):
    sqlite = database_from_url("sqlite:///var/x.sqlite3", tmp_path)
    assert sqlite["NAME"] == str(tmp_path / "var/x.sqlite3")
    absolute = database_from_url(f"sqlite:///{tmp_path}/abs/y.sqlite3", tmp_path / "elsewhere")
    assert absolute["NAME"] == str(tmp_path / "abs/y.sqlite3")
    assert (tmp_path / "abs").is_dir()
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    postgres = database_from_url("postgresql://dti:m%C3%A1t@127.0.0.1:5433/dti", tmp_path)
    assert (postgres["USER"], postgres["PASSWORD"], postgres["PORT"], postgres["NAME"]) == (
        "dti",
        "mát",
        "5433",
        "dti",
    )
    with pytest.raises(ImproperlyConfigured, match="DTI_DATABASE_URL"):
        database_from_url("mysql://x", tmp_path)


def test_production_refuses_the_development_secret(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DTI_SECRET_KEY must be set"):
        fresh_settings(monkeypatch, DTI_DEBUG="false")


@pytest.mark.django_db
def test_the_migrations_are_up_to_date():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits non-zero if not


def test_the_workers_of_one_machine_may_share_a_cache_folder(monkeypatch, tmp_path):
    made = fresh_settings(monkeypatch, DTI_DEBUG="true", DTI_CACHE_DIR=str(tmp_path))
    shared = made["CACHES"]["default"]
    assert shared["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert shared["LOCATION"] == str(tmp_path)
    alone = fresh_settings(monkeypatch, DTI_DEBUG="true", DTI_CACHE_DIR="").get("CACHES")
    assert alone is None  # Django's default: each process's memory


def test_evidence_goes_to_a_bucket_only_when_one_is_named(monkeypatch):
    assert "evidence" not in fresh_settings(monkeypatch, DTI_DEBUG="1")["STORAGES"]
    made = fresh_settings(
        monkeypatch, DTI_DEBUG="1", DTI_EVIDENCE_S3_BUCKET="minh-chung-tinh",
        DTI_EVIDENCE_S3_ENDPOINT="https://s3.tinh.example", DTI_EVIDENCE_S3_ADDRESSING="path",
    )["STORAGES"]["evidence"]  # fmt: skip
    options = made["OPTIONS"]
    assert made["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["endpoint_url"], options["location"]) == (
        "minh-chung-tinh", "https://s3.tinh.example", "evidence",
    )  # fmt: skip
    assert options["default_acl"] is None  # private: the portal serves each file itself
    assert options["access_key"] is None  # boto3's own sources, when no key is set
    assert options["client_config"].s3 == {"addressing_style": "path"}
    assert options["client_config"].connect_timeout == 5


def test_a_bad_addressing_style_names_the_variable(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DTI_EVIDENCE_S3_ADDRESSING"):
        fresh_settings(
            monkeypatch, DTI_DEBUG="1", DTI_EVIDENCE_S3_BUCKET="b",
            DTI_EVIDENCE_S3_ADDRESSING="ảo",
        )  # fmt: skip
