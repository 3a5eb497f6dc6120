"""WSGI entry point: Django's handler, a form's body read in one pass (portal.form_body)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application does

# once the settings are named and loaded: nothing of the portal is imported before
from portal.form_body import FormWSGIHandler  # noqa: E402

application = FormWSGIHandler()
