"""The environment the tests run in, loaded before Django reads its settings (`-p
tests.environment` in pyproject.toml; a conftest.py would come too late, as pytest-django
imports the settings first). The product's defaults are production's (DTI_DEBUG off), so
the tests give it what production needs: a secret key of their own. They speak plain HTTP
to the test client and the live server, so the HTTPS redirect is off, and static files are read from their sources; everything else is
as in production. A variable already set wins."""

from __future__ import annotations

import os

TEST_ENVIRONMENT = {
    "DTI_SECRET_KEY": "dti-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
    "DTI_SSL_REDIRECT": "false",
    # the sources as they are, not collectstatic's output (the serving test collects its own)
    "DTI_STATIC_HASHED": "false",
}

for name, value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(name, value)
