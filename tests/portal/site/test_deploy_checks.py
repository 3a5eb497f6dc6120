"""`manage.py check --deploy` warns when production's static files are not collected: with
hashed names, every page would otherwise answer 500 on its first request."""

from __future__ import annotations

import io

from django.core.management import call_command

from portal.site_checks import static_files_collected


def test_uncollected_static_files_are_a_deploy_warning(settings, tmp_path):
    settings.STATIC_HASHED = True
    settings.STATIC_ROOT = tmp_path / "static"
    (warning,) = static_files_collected()
    assert warning.id == "dti.W001" and "collectstatic" in warning.hint
    out = io.StringIO()
    call_command("check", "--deploy", "--tag", "staticfiles", stdout=out, stderr=out)
    assert "dti.W001" in out.getvalue()


def test_collected_or_unhashed_static_files_pass(settings, tmp_path):
    settings.STATIC_HASHED = True
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text('{"paths": {}}')
    assert static_files_collected() == []
    settings.STATIC_HASHED = False  # development and the tests read the sources
    settings.STATIC_ROOT = tmp_path / "nowhere"
    assert static_files_collected() == []
